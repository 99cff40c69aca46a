// The dead-letter watch: a batch whose message ran out of tries without the last try's bookkeeping (a Lambda
// timeout or an out-of-memory kill ends the invocation before any catch runs) would stay `splitting` or
// `registering` for ever. The watch reads the dead-letter queues, leaving every message there for a redrive, and
// marks each batch still in progress failed with its report, as the last try would have. A redrive later finishes it.
import type { BatchStatus } from '../model/batch.ts';
import type { DeadLetter, DeadLetters, FailingBatches, Files } from '../model/ports.ts';
import { batchIdOf, uploadedObjectsOf } from './batch-id.ts';
import { failAfterRetries } from './failed-report.ts';
import { ChunkMessage, FinalizeMessage, S3Notification, SplitContinueMessage } from './types.ts';

export interface DeadLetterWatchDeps {
  deadLetters: DeadLetters;
  batches: FailingBatches;
  files: Pick<Files, 'putText'>;
}

/** A batch the watch found stuck, and the dead letter that shows it. */
export interface StuckBatch {
  batchId: string;
  queue: DeadLetter['queue'];
}

/** The statuses of a batch whose work is not done: a dead letter of it means it never will be unaided. */
const IN_PROGRESS: readonly BatchStatus[] = ['splitting', 'registering', 'finalizing'];

/**
 * The batches a dead letter is about: a chunk's, a hand-over's or a finalize message's own, an upload
 * notification's by its object; none for anything else (a sweep message, S3's test event, a body that is no JSON).
 */
export function batchIdsOfDeadLetter(body: string): string[] {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return [];
  }
  for (const schema of [ChunkMessage, SplitContinueMessage, FinalizeMessage]) {
    const parsed = schema.safeParse(message);
    if (parsed.success) return [parsed.data.batchId];
  }
  const notification = S3Notification.safeParse(message);
  return notification.success ? uploadedObjectsOf(notification.data).map(batchIdOf) : [];
}

/**
 * Marks failed, with a report, every batch in progress that a dead letter is about; a batch already failed,
 * completed or superseded is left as it is, so a sweep run again rewrites nothing. Returns the batches it failed.
 */
export async function failDeadLetteredBatches(deps: DeadLetterWatchDeps): Promise<StuckBatch[]> {
  const stuck = new Map<string, StuckBatch>();
  for (const { queue, body } of await deps.deadLetters.peek()) {
    for (const batchId of batchIdsOfDeadLetter(body))
      if (!stuck.has(batchId)) stuck.set(batchId, { batchId, queue });
  }
  const failed: StuckBatch[] = [];
  for (const found of stuck.values()) {
    const batch = await deps.batches.get(found.batchId);
    if (!batch || !IN_PROGRESS.includes(batch.status)) continue;
    const detail = `${found.queue}: every try ended without a result (a timeout or out of memory)`;
    await failAfterRetries(found.batchId, detail, deps.files, deps.batches);
    failed.push(found);
  }
  return failed;
}
