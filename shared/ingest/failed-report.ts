// A batch that failed as a whole: its report (a summary with the failure, no rows) and the failure after the
// last retry. Apart from report.ts so that the split and the register, which write only this report, bundle
// none of what streams a whole report to S3 (lib-storage).
import {
  type BatchSummary,
  batchFailure,
  buildSummary,
  LedgerTally,
  OUTCOMES_CSV_HEADER,
  REVIEW_CSV_HEADER,
} from '#batch/ledger.ts';
import { objectKeys } from '../keys.ts';
import type { Batch } from '../model/batch.ts';
import type { FailingBatches, Files } from '../model/ports.ts';

export function summaryOf(batch: Batch, tally: LedgerTally, finishedAt: string): BatchSummary {
  const { batchId, agencyCode, objectKey, startedAt, failure } = batch;
  const unknownColumns = batch.checkpoint.unknownColumns;
  return buildSummary({
    batchId,
    agencyCode,
    objectKey,
    startedAt,
    finishedAt,
    tally,
    unknownColumns,
    failure,
  });
}

/** A batch that failed as a whole: a summary with its failure and an outcomes.csv with no rows. */
export async function writeFailedReport(
  batch: Batch,
  files: Pick<Files, 'putText'>,
  batches: FailingBatches,
): Promise<void> {
  if ((await batches.latestBatchOf(batch.objectKey)) !== batch.batchId) return; // a newer upload owns the report
  const summary = summaryOf(batch, new LedgerTally(), batch.finishedAt ?? new Date().toISOString());
  const csv = 'text/csv; charset=utf-8';
  await files.putText(objectKeys.batchReport(batch, 'outcomes.csv'), `${OUTCOMES_CSV_HEADER}\n`, csv);
  await files.putText(objectKeys.batchReport(batch, 'review.csv'), `${REVIEW_CSV_HEADER}\n`, csv);
  await files.putText(
    objectKeys.batchReport(batch, 'summary.json'),
    `${JSON.stringify(summary, null, 2)}\n`,
    'application/json',
  );
}

/**
 * A batch whose work failed on the last delivery its queue allows: marked failed with the reason, and a
 * report that says so, before the message goes to the dead-letter queue. A redrive later finishes it.
 */
export async function failAfterRetries(
  batchId: string,
  detail: string,
  files: Pick<Files, 'putText'>,
  batches: FailingBatches,
): Promise<void> {
  const batch = await batches.get(batchId);
  if (!batch || batch.status === 'completed' || batch.status === 'superseded') return;
  const failure = batchFailure('BATCH_PROCESSING_FAILED', detail);
  await batches.markFailed(batchId, failure);
  await writeFailedReport({ ...batch, failure }, files, batches);
}
