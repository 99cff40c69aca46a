// Watch queue → the dead-letter watch (shared/ingest/dead-letter-watch.ts): on the stage's schedule, a
// `sweep-dead-letters` message; each batch in progress whose message ran out of tries unseen is marked failed, with
// its report. A function of its own so that finalize, which the pipeline's reports go through, carries no SQS client.
import { env } from '../../shared/aws/env.ts';
import { type DeadLetterWatchDeps, failDeadLetteredBatches } from '../../shared/ingest/dead-letter-watch.ts';
import { SweepDeadLettersMessage } from '../../shared/ingest/types.ts';
import { DEAD_LETTER_WATCH, deadLetterUrlVariable } from '../../shared/queues.ts';
import { DeadLetterQueues } from '../../shared/store/dead-letter-queues.ts';
import { batches, files, logger } from '../commons/pipeline.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

export function watchHandler(deps: DeadLetterWatchDeps) {
  return queueConsumer({
    queue: 'watch',
    parse: (record) => SweepDeadLettersMessage.parse(JSON.parse(record.body)),
    correlationId: (sweep) => sweep.kind,
    handle: async () => {
      const failed = await failDeadLetteredBatches(deps);
      for (const { batchId, queue } of failed) logger.warn('dead-lettered batch failed', { batchId, queue });
    },
    // nothing to leave behind: the next sweep on the schedule does what this one could not
    failure: { line: 'dead-letter watch failed', fields: (sweep) => ({ ...sweep }) },
  });
}

/** The watched dead-letter queues' URLs, from the variables the stack sets. */
export function watchedDeadLetterQueues(): DeadLetterQueues {
  const urls = DEAD_LETTER_WATCH.queues.map((queue) => [queue, env(deadLetterUrlVariable(queue))]);
  return new DeadLetterQueues(Object.fromEntries(urls));
}

export const handler = watchHandler({
  deadLetters: watchedDeadLetterQueues(),
  batches: batches(),
  files: files(),
});
