// Finalize: merges a finished batch's rejected rows and register outcomes, each already in row order per
// file sequence, into one outcomes.csv in row order, and writes summary.json next to it.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import {
  LedgerTally,
  OUTCOMES_CSV_HEADER,
  outcomeCsvLine,
  REVIEW_CSV_HEADER,
  type RowOutcome,
  reviewCsvLine,
} from '#batch/ledger.ts';
import { objectKeys } from '../keys.ts';
import type { Batch } from '../model/batch.ts';
import type { Files, ReportBatches, ReportFiles } from '../model/ports.ts';
import { summaryOf } from './failed-report.ts';
import type { OutcomeEntry } from './types.ts';

/** The entries of a run of work files, read one file ahead of the one being consumed. */
async function* entriesOf(files: Pick<Files, 'readLines'>, keys: string[]): AsyncGenerator<OutcomeEntry> {
  let next = keys[0] ? files.readLines<OutcomeEntry>(keys[0]) : undefined;
  for (let i = 0; next; i++) {
    const entries = await next;
    next = keys[i + 1] ? files.readLines<OutcomeEntry>(keys[i + 1] as string) : undefined;
    yield* entries;
  }
}

/** Merges sources that are each in row order into one sequence in row order. */
async function* mergeByRow(sources: AsyncGenerator<OutcomeEntry>[]): AsyncGenerator<OutcomeEntry> {
  const heads = await Promise.all(sources.map((source) => source.next()));
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (!head || head.done) continue;
      const current = heads[best];
      if (!current || current.done || head.value[0] < current.value[0]) best = i;
    }
    if (best === -1) return;
    yield heads[best]?.value as OutcomeEntry;
    heads[best] = await (sources[best] as AsyncGenerator<OutcomeEntry>).next();
  }
}

function toRowOutcome([row, outcome, personKey, formId, issues, link]: OutcomeEntry): RowOutcome {
  const result: RowOutcome = { row, outcome, issues };
  if (link) result.link = link;
  if (personKey) result.personKey = personKey;
  if (formId) result.formId = formId;
  return result;
}

class ReportInvariantError extends Error {
  override name = 'ReportInvariantError';
}

/** Writes the report of a batch whose every chunk is registered, and marks it completed (once). */
export async function finalizeBatch(
  batchId: string,
  files: ReportFiles,
  batches: ReportBatches,
  /** this invocation, and when its time is over (epoch ms) */
  lease: { holder: string; until: number },
): Promise<'completed' | 'skipped' | 'superseded'> {
  const batch = await batches.get(batchId);
  if (!batch) throw new Error(`batch ${batchId} is unknown`);
  if (batch.status === 'completed' || batch.status === 'superseded' || batch.status === 'splitting')
    return 'skipped';
  if ((await batches.latestBatchOf(batch.objectKey)) !== batchId) {
    await batches.setStatus(batchId, 'superseded', { finishedAt: new Date().toISOString() });
    return 'superseded';
  }
  // another finalize of the same batch is writing its report: that one finishes it
  if (!(await batches.takeFinalizeLease(batchId, lease.holder, lease.until))) return 'skipped';
  try {
    await writeReport(batch, files, batches);
  } catch (error) {
    // a retry must not wait for this invocation's deadline
    await batches.releaseFinalizeLease(batchId, lease.holder).catch(() => undefined);
    throw error;
  }
  return 'completed';
}

/** outcomes.csv in row order (every row exactly once, or an error), then summary.json, then completed. */
async function writeReport(batch: Batch, files: ReportFiles, batches: ReportBatches): Promise<void> {
  const { batchId } = batch;
  const counts = batch.chunkCounts ?? [];
  const sources = [
    entriesOf(
      files,
      Array.from({ length: batch.checkpoint.rejectedSeq }, (_, seq) => objectKeys.rejected(batchId, seq)),
    ),
    ...counts.map((count, partition) =>
      entriesOf(
        files,
        Array.from({ length: count }, (_, seq) => objectKeys.outcomes(batchId, partition, seq)),
      ),
    ),
  ];

  const tally = new LedgerTally();
  // probable duplicates are a few per cent of rows: their side-by-side lines are held until the end
  let reviewLines = `${REVIEW_CSV_HEADER}\n`;
  const csv = new PassThrough();
  const uploading = files.uploadStream(
    objectKeys.batchReport(batch, 'outcomes.csv'),
    csv,
    'text/csv; charset=utf-8',
  );
  try {
    csv.write(`${OUTCOMES_CSV_HEADER}\n`);
    let lines = '';
    for await (const entry of mergeByRow(sources)) {
      const outcome = toRowOutcome(entry);
      if (outcome.row !== tally.rows + 1) {
        throw new ReportInvariantError(
          `batch ${batchId}: row ${tally.rows + 1} expected, ${outcome.row} found`,
        );
      }
      tally.add(outcome);
      lines += `${outcomeCsvLine(outcome)}\n`;
      const review = reviewCsvLine(outcome);
      if (review) reviewLines += `${review}\n`;
      if (lines.length > 1 << 16) {
        const flowing = csv.write(lines);
        lines = '';
        if (!flowing) await once(csv, 'drain');
      }
    }
    if (tally.rows !== batch.rows) {
      throw new ReportInvariantError(
        `batch ${batchId}: ${batch.rows} rows read, ${tally.rows} accounted for`,
      );
    }
    csv.end(lines);
  } catch (error) {
    csv.destroy(error as Error);
    await uploading.catch(() => undefined);
    throw error;
  }
  await uploading;
  await files.putText(objectKeys.batchReport(batch, 'review.csv'), reviewLines, 'text/csv; charset=utf-8');
  const finishedAt = new Date().toISOString();
  // every row is accounted for: whatever failed the batch before a redrive is over
  const summary = summaryOf({ ...batch, failure: undefined }, tally, finishedAt);
  await files.putText(
    objectKeys.batchReport(batch, 'summary.json'),
    `${JSON.stringify(summary, null, 2)}\n`,
    'application/json',
  );
  await batches.markCompleted(batchId, {
    outcomes: summary.outcomes,
    errorsByCode: summary.errorsByCode,
    finishedAt,
  });
}
