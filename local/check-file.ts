// Checks a local batch file with no AWS and writes summary.json and outcomes.csv: the pre-upload check.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checkPages } from '#batch/check-batch.ts';
import {
  type BatchSummary,
  batchFailure,
  buildSummary,
  LedgerTally,
  OUTCOMES_CSV_START,
  outcomeCsvLine,
} from '#batch/ledger.ts';
import { formatOfName, openBatch } from '#batch/read-batch.ts';
import { BatchFailedError } from '#domain/errors.ts';
import { fieldLabels } from '#domain/fields.ts';
import { type PersonKeyer, throwawayKeyer } from '#domain/person-keyer.ts';
import { defaultValidationContext, type ValidationContext } from '#domain/validate.ts';
import { checkCorrectionOutcomes } from '../shared/corrections/correction-values.ts';

/** fewer bytes than a DC01 row of a province's file takes (about 300 with 16 columns) */
const BYTES_A_ROW = 256;
/** the outcomes.csv lines held for the disk before the check waits for it (a page's lines take ~25 KB) */
const OUTCOMES_BUFFER = 1 << 20;

function progress(): (rows: number, done?: boolean) => void {
  const started = Date.now();
  let last = started;
  return (rows, done = false) => {
    const now = Date.now();
    if (!done && now - last < 1000) return;
    last = now;
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? Math.round(rows / seconds) : rows;
    const line = `  ${rows.toLocaleString('en')} rows, ${rate.toLocaleString('en')} rows/s`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${done ? '\n' : ''}`);
    else if (done || seconds > 1) process.stderr.write(`${line}\n`);
  };
}

export interface CheckFileOptions {
  agencyCode?: string;
  context?: ValidationContext;
  /** show rows/s on stderr while reading */
  progress?: boolean;
  /** seals the person keys of the report; a throwaway one by default (keys unlinkable to any other run) */
  keyer?: PersonKeyer;
}

/** Opens the file to check (and gives its size), or says in a BatchFailedError why it cannot be (before any report is touched). */
async function openInput(file: string): Promise<{ input: FileHandle; size: number }> {
  let input: FileHandle | undefined;
  try {
    input = await open(file, 'r');
    const stat = await input.stat();
    if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    return { input, size: stat.size };
  } catch (error) {
    await input?.close();
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'không có tệp này / no such file'
        : code === 'EISDIR'
          ? 'đây là thư mục, không phải tệp / a folder, not a file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'không có quyền đọc / no permission to read it'
            : (error as Error).message;
    throw new BatchFailedError('BATCH_UNREADABLE', `${file}: ${why}`);
  }
}

/**
 * Checks `file` and writes its report into `outDir`. A file that cannot be opened at all (missing, a folder,
 * unreadable) throws BatchFailedError and leaves `outDir` untouched; a file that opens but cannot be read as
 * a batch gets a failed report. The report is written to temporary files renamed into place at the end, so an
 * earlier report in `outDir` is never left truncated.
 */
export async function checkFile(
  file: string,
  outDir: string,
  options: CheckFileOptions = {},
): Promise<BatchSummary> {
  const { input, size } = await openInput(file);
  await mkdir(outDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const tally = new LedgerTally();
  const agencyCode = options.agencyCode ?? 'local';
  const base = { batchId: `check-${randomUUID()}`, agencyCode, objectKey: basename(file), startedAt };
  const partial = (name: string) => join(outDir, `.${name}.${process.pid}.partial`);
  const outcomesPath = partial('outcomes.csv');
  const summaryPath = partial('summary.json');
  // room for many pages' lines: with the default 16 KiB every page's write waited for the disk, the check idle
  const outcomes = createWriteStream(outcomesPath, { highWaterMark: OUTCOMES_BUFFER });
  outcomes.write(OUTCOMES_CSV_START);

  let summary: BatchSummary;
  try {
    const format = formatOfName(file);
    if (!format) throw new BatchFailedError('BATCH_UNSUPPORTED_FORMAT', basename(file));
    const batch = await openBatch(input.createReadStream({ highWaterMark: 1 << 17 }), format);
    const tick = options.progress ? progress() : () => {};
    const labels = fieldLabels(batch.layout.headerCells);
    const context = options.context ?? defaultValidationContext();
    const { correctionColumns } = batch.layout;
    // a correction file's rows are checked by their own columns (the register decides them against the person)
    const pages = correctionColumns
      ? checkCorrectionOutcomes(batch.pages, correctionColumns, context)
      : checkPages(
          batch.pages,
          context,
          options.keyer ?? throwawayKeyer(),
          // a row of a plain CSV takes a few hundred bytes: room for the persons of the file from the start
          format === 'csv' && !batch.layout.compressed ? size / BYTES_A_ROW : 0,
        );
    for await (const page of pages) {
      let lines = '';
      for (const outcome of page) {
        tally.add(outcome);
        lines += `${outcomeCsvLine(outcome, labels)}\n`;
      }
      if (!outcomes.write(lines)) await once(outcomes, 'drain');
      tick(tally.rows);
    }
    tick(tally.rows, true);
    summary = buildSummary({
      ...base,
      finishedAt: new Date().toISOString(),
      tally,
      unknownColumns: batch.layout.unknownColumns,
      ...(correctionColumns ? { kind: 'corrections' as const } : {}),
    });
  } catch (error) {
    const failure = error instanceof BatchFailedError ? error : readFailure(error);
    if (!failure) {
      outcomes.destroy();
      await rm(outcomesPath, { force: true });
      throw error;
    }
    summary = buildSummary({
      ...base,
      finishedAt: new Date().toISOString(),
      tally,
      failure: batchFailure(failure.code, failure.detail),
    });
  } finally {
    await input.close();
  }
  outcomes.end();
  await once(outcomes, 'finish');
  // a file that cannot be read reports no rows at all, whatever was read before it failed
  if (summary.status === 'failed') await writeFile(outcomesPath, OUTCOMES_CSV_START);
  await writeFile(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  // the summary last: a report whose summary.json is there is whole
  await rename(outcomesPath, join(outDir, 'outcomes.csv'));
  await rename(summaryPath, join(outDir, 'summary.json'));
  return summary;
}

/** An I/O error while the opened file was read (a disk or network share failing) as a failed check. */
function readFailure(error: unknown): BatchFailedError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined;
  return new BatchFailedError('BATCH_UNREADABLE', (error as Error).message);
}
