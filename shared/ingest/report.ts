// Finalize: merges a finished batch's rejected rows and register outcomes, each already in row order per
// file sequence, into one outcomes.csv in row order, and writes summary.json next to it.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { constants, deflateRawSync } from 'node:zlib';
import { Zip, ZipPassThrough } from 'fflate';
import {
  LedgerTally,
  needsAction,
  OUTCOMES_CSV_START,
  outcomeCsvLine,
  REVIEW_CSV_HEADER,
  type RowOutcome,
  reviewCsvLine,
} from '#batch/ledger.ts';
import { OutcomesWorkbook } from '#batch/outcomes-workbook.ts';
import { formatOfName } from '#batch/read-batch.ts';
import { XlsxWriter, type XlsxZip } from '#batch/xlsx.ts';
import { ROW_CODES, type RowCode } from '#domain/errors.ts';
import { FIELD_NAMES, fieldLabels } from '#domain/fields.ts';
import { CORRECTION_COLUMNS } from '../corrections/correction.ts';
import { BatchCoverage, type CoverageDeps } from '../coverage/batch-coverage.ts';
import { objectKeys } from '../keys.ts';
import type { Batch } from '../model/batch.ts';
import type { Files, ReportBatches, ReportFiles } from '../model/ports.ts';
import { summaryOf } from './failed-report.ts';
import { OriginalCells } from './original-cells.ts';
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

/** A batch's rejected rows and each partition's outcomes: each source in row order. */
function sourcesOf(batch: Batch, files: Pick<Files, 'readLines'>): AsyncGenerator<OutcomeEntry>[] {
  const { batchId } = batch;
  const counts = batch.chunkCounts ?? [];
  return [
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
}

/**
 * A superseded batch's persons: the rows it registered created or moved them, whatever report it does not write. Moved
 * once, as a report's counters are; `forget` once the batch is marked superseded.
 */
async function movePersonsOnly(
  batch: Batch,
  files: ReportFiles,
  coverage: CoverageDeps,
): Promise<{ forget: () => Promise<void> }> {
  const persons = await BatchCoverage.start(batch, coverage, { personsOnly: true });
  for await (const entry of mergeByRow(sourcesOf(batch, files))) persons.row(entry);
  const moved = await persons.commit(files);
  return { forget: () => persons.forget(moved) };
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

function toRowOutcome([
  row,
  outcome,
  personKey,
  formId,
  issues,
  link,
  line,
  cells,
]: OutcomeEntry): RowOutcome {
  const result: RowOutcome = { row, outcome, issues };
  if (link) result.link = link;
  if (personKey) result.personKey = personKey;
  if (formId) result.formId = formId;
  if (typeof line === 'number') result.line = line;
  if (cells) result.cells = cells;
  return result;
}

export interface ReportOptions {
  /** rows per sheet of outcomes.xlsx, its header included: Excel's limit unless a test asks for less */
  maxSheetRows?: number;
  /** the coverage counters the batch's rows move (issue 18); none in the tests of the report alone */
  coverage?: CoverageDeps;
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
  options: ReportOptions = {},
): Promise<'completed' | 'skipped' | 'superseded'> {
  const batch = await batches.get(batchId);
  if (!batch) throw new Error(`batch ${batchId} is unknown`);
  if (batch.status === 'completed' || batch.status === 'superseded' || batch.status === 'splitting')
    return 'skipped';
  if ((await batches.latestBatchOf(batch.objectKey)) !== batchId) {
    // its rows are in the register: the persons they created or moved count; its forms do not (the newer upload's do)
    const moved = options.coverage && (await movePersonsOnly(batch, files, options.coverage));
    await batches.setStatus(batchId, 'superseded', { finishedAt: new Date().toISOString() });
    if (moved && options.coverage) await moved.forget().catch(() => undefined);
    return 'superseded';
  }
  // another finalize of the same batch is writing its report: that one finishes it
  if (!(await batches.takeFinalizeLease(batchId, lease.holder, lease.until))) return 'skipped';
  try {
    await writeReport(batch, files, batches, options);
  } catch (error) {
    // a retry must not wait for this invocation's deadline
    await batches.releaseFinalizeLease(batchId, lease.holder).catch(() => undefined);
    throw error;
  }
  return 'completed';
}

/** The stream a report file is written to while S3 takes its parts. */
class ReportStream {
  readonly body = new PassThrough();
  readonly uploading: Promise<void>;

  constructor(files: ReportFiles, key: string, contentType: string) {
    this.uploading = files.uploadStream(key, this.body, contentType);
    // a failed upload is awaited where the report ends; until then it must not count as unhandled
    this.uploading.catch(() => undefined);
  }

  async drained(): Promise<void> {
    if (this.body.writableNeedDrain) await once(this.body, 'drain');
  }
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A zip entry deflated by Node's zlib, as fflate's docs show for a custom compression: fflate's own deflate, in
 * JavaScript, took half of finalize's time on a workbook (docs/benchmarks.md). Each pushed piece is deflated on its own
 * and sync-flushed, so that the pieces join into one deflate stream, which the last piece finishes.
 */
class NativeDeflate extends ZipPassThrough {
  constructor(name: string) {
    super(name);
    this.compression = 8;
  }

  override process(chunk: Uint8Array, final: boolean): void {
    const flush = final ? constants.Z_FINISH : constants.Z_SYNC_FLUSH;
    this.ondata(null, deflateRawSync(chunk, { level: 6, finishFlush: flush }), final);
  }
}

/** The file's own column names: a CSV's header cells; an NDJSON file's are the field names. */
function columnsOf(batch: Batch): string[] {
  const name = objectKeys.parseUpload(batch.objectKey)?.name ?? batch.objectKey;
  if (formatOfName(name) !== 'ndjson') return batch.checkpoint.headerCells ?? [];
  return batch.checkpoint.kind === 'corrections' ? [...CORRECTION_COLUMNS] : [...FIELD_NAMES];
}

/**
 * outcomes.csv and outcomes.xlsx in row order (every row exactly once, or an error), review.csv, then summary.json,
 * under the batch's id; then, while the batch is the latest upload of its name, the same files at the name's path;
 * then completed.
 */
async function writeReport(
  batch: Batch,
  files: ReportFiles,
  batches: ReportBatches,
  options: ReportOptions,
): Promise<void> {
  const { batchId } = batch;
  const sources = sourcesOf(batch, files);

  const tally = new LedgerTally();
  const labels = fieldLabels(batch.checkpoint.headerCells);
  const csv = new ReportStream(
    files,
    objectKeys.batchReport(batch, 'outcomes.csv'),
    'text/csv; charset=utf-8',
  );
  const xlsx = new ReportStream(files, objectKeys.batchReport(batch, 'outcomes.xlsx'), XLSX_TYPE);
  // streamed too: ~800 k probable duplicates' lines held as one string passed V8's string limit (issue 24)
  const review = new ReportStream(
    files,
    objectKeys.batchReport(batch, 'review.csv'),
    'text/csv; charset=utf-8',
  );
  const zip = new Zip((error, data, final) => {
    if (error) xlsx.body.destroy(error);
    else if (final) xlsx.body.end(data);
    else xlsx.body.write(data);
  });
  const deflated: XlsxZip = {
    add(name) {
      const file = new NativeDeflate(name);
      zip.add(file);
      return file;
    },
    end: () => zip.end(),
  };
  const workbook = new OutcomesWorkbook(new XlsxWriter(deflated), {
    columns: columnsOf(batch),
    labels,
    maxRows: options.maxSheetRows,
    describeCode: (code) => ROW_CODES[code as RowCode]?.vi,
  });
  const originals = new OriginalCells(files, batch);
  // a correction file's rows are no forms collected: only the persons its corrected addresses moved count
  const personsOnly = batch.checkpoint.kind === 'corrections';
  const coverage = options.coverage && (await BatchCoverage.start(batch, options.coverage, { personsOnly }));
  let finishedAt: string;
  try {
    csv.body.write(OUTCOMES_CSV_START);
    let lines = '';
    let reviewLines = `${REVIEW_CSV_HEADER}\n`;
    for await (const entry of mergeByRow(sources)) {
      const outcome = toRowOutcome(entry);
      coverage?.row(entry);
      if (outcome.row !== tally.rows + 1) {
        throw new ReportInvariantError(
          `batch ${batchId}: row ${tally.rows + 1} expected, ${outcome.row} found`,
        );
      }
      tally.add(outcome);
      lines += `${outcomeCsvLine(outcome, labels)}\n`;
      const reviewLine = reviewCsvLine(outcome);
      if (reviewLine) reviewLines += `${reviewLine}\n`;
      if (needsAction(outcome)) {
        // a rejected row's cells are in the rejected ledger; an accepted row's only in the upload
        if (!outcome.cells && outcome.outcome !== 'rejected') {
          const cells = await originals.of(outcome.row);
          if (cells) outcome.cells = cells;
        }
        workbook.add(outcome);
      }
      if (lines.length > 1 << 16) {
        csv.body.write(lines);
        lines = '';
        await csv.drained();
        await xlsx.drained();
      }
      if (reviewLines.length > 1 << 16) {
        review.body.write(reviewLines);
        reviewLines = '';
        await review.drained();
      }
    }
    if (tally.rows !== batch.rows) {
      throw new ReportInvariantError(
        `batch ${batchId}: ${batch.rows} rows read, ${tally.rows} accounted for`,
      );
    }
    csv.body.end(lines);
    review.body.end(reviewLines);
    finishedAt = new Date().toISOString();
    workbook.end(summaryOf({ ...batch, failure: undefined }, tally, finishedAt), finishedAt);
  } catch (error) {
    for (const stream of [csv, xlsx, review]) stream.body.destroy(error as Error);
    await Promise.allSettled([csv.uploading, xlsx.uploading, review.uploading]);
    throw error;
  } finally {
    await originals.close();
  }
  await Promise.all([csv.uploading, xlsx.uploading, review.uploading]);
  // every row is accounted for: whatever failed the batch before a redrive is over
  const summary = summaryOf({ ...batch, failure: undefined }, tally, finishedAt);
  await files.putText(
    objectKeys.batchReport(batch, 'summary.json'),
    `${JSON.stringify(summary, null, 2)}\n`,
    'application/json',
  );
  // looked at again just before: an upload of the same name that came meanwhile owns the name's path
  if ((await batches.latestBatchOf(batch.objectKey)) === batchId) {
    // summary.json last: whoever waits for the name's report finds the other files already there
    for (const file of ['outcomes.csv', 'outcomes.xlsx', 'review.csv', 'summary.json'] as const)
      await files.copy(objectKeys.batchReport(batch, file), objectKeys.latestReport(batch, file));
  }
  // every row accounted for: the counters move once, before the batch is completed (a redelivery until then finds
  // its id on the items it moved, and moves the rest)
  const moved = await coverage?.commit(files);
  await batches.markCompleted(batchId, {
    outcomes: summary.outcomes,
    errorsByCode: summary.errorsByCode,
    warningsByCode: summary.warningsByCode,
    finishedAt,
    ...(summary.kind ? { kind: summary.kind } : {}),
  });
  // completed: finalize skips the batch from now on, so the items need not remember it (a failure leaves a few bytes)
  if (coverage && moved) await coverage.forget(moved).catch(() => undefined);
}
