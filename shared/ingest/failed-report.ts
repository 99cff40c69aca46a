// A batch that failed as a whole: its report (a summary with the failure, no rows) and the failure after the
// last retry. Apart from report.ts so that the split and the register, which write only this report, bundle
// none of what streams a whole report to S3 (lib-storage).
import {
  type BatchSummary,
  batchFailure,
  buildSummary,
  LedgerTally,
  OUTCOMES_CSV_START,
  REVIEW_CSV_HEADER,
} from '#batch/ledger.ts';
import { StoredZip } from '#batch/stored-zip.ts';
import { endWithSummary } from '#batch/summary-sheet.ts';
import { XlsxWriter } from '#batch/xlsx.ts';
import { objectKeys, type ReportFile } from '../keys.ts';
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
    ...(batch.checkpoint.kind ? { kind: batch.checkpoint.kind } : {}),
  });
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A failed batch's outcomes.xlsx: the summary sheet alone (no row was decided), stored, not deflated: it is a few KB.
 */
function summaryWorkbook(summary: BatchSummary): Uint8Array {
  const zip = new StoredZip();
  endWithSummary(new XlsxWriter(zip), summary, summary.finishedAt);
  return zip.bytes();
}

/**
 * A batch that failed as a whole: a summary with its failure, an outcomes.csv with no rows and a one-sheet
 * outcomes.xlsx, under the batch's id; at the name's path too while the batch is the latest upload of its name.
 */
export async function writeFailedReport(
  batch: Batch,
  files: Pick<Files, 'putText'>,
  batches: FailingBatches,
): Promise<void> {
  const summary = summaryOf(batch, new LedgerTally(), batch.finishedAt ?? new Date().toISOString());
  const csv = 'text/csv; charset=utf-8';
  const report: [ReportFile, string | Uint8Array, string][] = [
    ['outcomes.csv', OUTCOMES_CSV_START, csv],
    ['outcomes.xlsx', summaryWorkbook(summary), XLSX_TYPE],
    ['review.csv', `${REVIEW_CSV_HEADER}\n`, csv],
    // last: whoever waits for the report finds the other files already there
    ['summary.json', `${JSON.stringify(summary, null, 2)}\n`, 'application/json'],
  ];
  for (const [file, body, type] of report)
    await files.putText(objectKeys.batchReport(batch, file), body, type);
  if ((await batches.latestBatchOf(batch.objectKey)) !== batch.batchId) return; // a newer upload owns the name's path
  for (const [file, body, type] of report)
    await files.putText(objectKeys.latestReport(batch, file), body, type);
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
