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
import type { BatchStore } from '../store/batch-store.ts';
import { parseIncomingKey, reportPrefix, type WorkFiles } from '../store/work-files.ts';
import type { Batch } from './types.ts';

export function reportLocation(batch: Batch): string {
  const parsed = parseIncomingKey(batch.objectKey);
  const name = parsed?.name ?? batch.objectKey.split('/').pop() ?? batch.batchId;
  return reportPrefix(parsed?.agencyCode ?? batch.agencyCode, name);
}

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
export async function writeFailedReport(batch: Batch, files: WorkFiles, batches: BatchStore): Promise<void> {
  if ((await batches.latestBatchOf(batch.objectKey)) !== batch.batchId) return; // a newer upload owns the report
  const prefix = reportLocation(batch);
  const summary = summaryOf(batch, new LedgerTally(), batch.finishedAt ?? new Date().toISOString());
  await files.putText(`${prefix}outcomes.csv`, `${OUTCOMES_CSV_HEADER}\n`, 'text/csv; charset=utf-8');
  await files.putText(`${prefix}review.csv`, `${REVIEW_CSV_HEADER}\n`, 'text/csv; charset=utf-8');
  await files.putText(`${prefix}summary.json`, `${JSON.stringify(summary, null, 2)}\n`, 'application/json');
}

/**
 * A batch whose work failed on the last delivery its queue allows: marked failed with the reason, and a
 * report that says so, before the message goes to the dead-letter queue. A redrive later finishes it.
 */
export async function failAfterRetries(
  batchId: string,
  detail: string,
  files: WorkFiles,
  batches: BatchStore,
): Promise<void> {
  const batch = await batches.get(batchId);
  if (!batch || batch.status === 'completed' || batch.status === 'superseded') return;
  const failure = batchFailure('BATCH_PROCESSING_FAILED', detail);
  await batches.markFailed(batchId, failure);
  await writeFailedReport({ ...batch, failure }, files, batches);
}
