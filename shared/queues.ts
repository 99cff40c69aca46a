// What a function itself reads of the queues (shared/resources.ts describes them whole and re-exports this): their
// ids, the variables their URLs are in, how many deliveries each allows, and which dead-letter queues the watch reads.
// Apart from resources.ts so that a function bundle carries these few lines, not every resource's description.
import type { FunctionId } from './resources.ts';

export type QueueId = 'intake' | 'records' | 'finalize' | 'procedureEvents' | 'linkPass' | 'births' | 'watch';

/** Receives before a message goes to the queue's dead-letter queue (QueueSpec.maxReceiveCount). */
export const MAX_RECEIVE_COUNT: Readonly<Record<QueueId, number>> = {
  intake: 3,
  records: 5,
  finalize: 3,
  // a malformed event fails every try: three tries, then the dead-letter queue with its reason in the log
  procedureEvents: 3,
  linkPass: 3,
  // as procedure events: a malformed or refused birth fails every try
  births: 3,
  // a sweep that fails three times: the next one comes on the schedule anyway
  watch: 3,
};

/** The variable a function finds a queue's URL in: `records` → `RECORDS_QUEUE_URL`, `linkPass` → `LINK_PASS_QUEUE_URL`. */
export function queueUrlVariable(queue: QueueId): string {
  return `${queue.replace(/[A-Z]/g, '_$&').toUpperCase()}_QUEUE_URL`;
}

/**
 * The dead-letter watch (shared/ingest/dead-letter-watch.ts): the function that runs it, on a `sweep-dead-letters`
 * message on its own queue, and the queues whose dead-letter queues it reads (their URLs in deadLetterUrlVariable's
 * names; the CDK stack and the local stack both set them). A function of its own, so that no pipeline bundle carries
 * the SQS reads it makes; not its own queue's dead letters, which are sweeps and name no batch.
 */
export const DEAD_LETTER_WATCH = {
  function: 'watch',
  queues: ['intake', 'records', 'finalize'],
} as const satisfies { function: FunctionId; queues: readonly QueueId[] };

/** The variable the watch finds a dead-letter queue's URL in: `records` → `RECORDS_DEAD_LETTER_QUEUE_URL`. */
export function deadLetterUrlVariable(queue: QueueId): string {
  return queueUrlVariable(queue).replace(/_QUEUE_URL$/, '_DEAD_LETTER_QUEUE_URL');
}
