// Checks a local batch file with no AWS and writes summary.json and outcomes.csv: the pre-upload check.
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type FileHandle, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { type DecidedRow, decidePages } from '#batch/check-batch.ts';
import {
  type BatchSummary,
  batchFailure,
  buildSummary,
  type FieldLabels,
  LedgerTally,
  OUTCOMES,
  OUTCOMES_CSV_START,
} from '#batch/ledger.ts';
import { formatOfName, openBatch } from '#batch/read-batch.ts';
import { BatchFailedError, type RowIssue } from '#domain/errors.ts';
import { fieldLabels } from '#domain/fields.ts';
import { THROWAWAY_VERSION } from '#domain/person-keyer.ts';
import { defaultValidationContext, type ValidationContext } from '#domain/validate.ts';
import { checkCorrectionOutcomes } from '../shared/corrections/correction-values.ts';
import {
  CLOSED,
  END,
  PAGE_NUMBERS,
  type WriterData,
  type WriterLabels,
  type WriterPage,
} from './check-writer.ts';

/** fewer bytes than a DC01 row of a province's file takes (about 300 with 16 columns) */
const BYTES_A_ROW = 256;
/** the pages sent to the writer thread and not yet written before the check waits for it (a page: a 128 KiB read, ~430 rows) */
const PAGES_AHEAD = 32;
/**
 * the writer thread's semi-spaces, MB: it keeps nothing from one line to the next. With the check's 16 its heap
 * held 45 MB; with 2, 16 MB; with 1 it promoted more to its old generation and held 28 MB.
 */
const WRITER_SEMI_SPACE_MB = 2;

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
  /**
   * the secret the report's person keys are sealed under, as the register's (person-key-secret.ts); a throwaway
   * one by default (keys `p0:`, unlinkable to any other run)
   */
  personKey?: { version: number; secret: string | Uint8Array };
}

/** The writer thread's code: check-writer.ts bundled as one script, so that the thread needs no TypeScript loader. */
async function writerScript(): Promise<string> {
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(new URL('./check-writer.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    write: false,
    logLevel: 'silent',
  });
  const script = outputFiles[0]?.text;
  if (!script) throw new Error('unreachable: esbuild wrote no bundle of check-writer.ts');
  return script;
}

/**
 * outcomes.csv as the writer thread writes it (check-writer.ts): `write` sends a page's rows, and waits when the
 * thread is PAGES_AHEAD pages behind; `end` closes the file. A failure of the thread rejects the next call.
 */
class OutcomesWriter {
  private ahead = 0;
  private failure: Error | undefined;
  private waiting: (() => void) | undefined;
  private closed: Promise<void>;
  /** the file is closed or given up: the thread's exit is no failure */
  private done = false;

  private constructor(private readonly worker: Worker) {
    let close: () => void = () => {};
    this.closed = new Promise((resolve) => {
      close = resolve;
    });
    worker.on('message', (message: number | typeof CLOSED) => {
      if (message === CLOSED) close();
      else this.ahead -= 1;
      this.wake();
    });
    worker.on('error', (error) => {
      this.failure = error;
      this.wake();
      close();
    });
    worker.on('exit', (code) => {
      if (!this.done)
        this.failure ??= new Error(`the outcomes.csv writer thread stopped (exit code ${code})`);
      this.wake();
      close();
    });
  }

  static async start(data: WriterData): Promise<OutcomesWriter> {
    const script = await writerScript();
    // V8's flags are the process's: the check's 16 MB semi-spaces (package.json) would give the thread, which keeps
    // nothing from one line to the next, a young generation of 32 MB. Smaller while its heap is made, then back.
    const semiSpace = process.execArgv.find((flag) => flag.startsWith('--max-semi-space-size='));
    setFlagsFromString(`--max-semi-space-size=${WRITER_SEMI_SPACE_MB}`);
    try {
      const worker = new Worker(script, { eval: true, execArgv: [], workerData: data });
      await once(worker, 'online');
      return new OutcomesWriter(worker);
    } finally {
      setFlagsFromString(semiSpace ?? '--max-semi-space-size=0');
    }
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  private async settle(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.waiting = resolve;
    });
  }

  /** Names the fields in messages as the file's header does (before the first page). */
  labels(labels: FieldLabels): void {
    this.worker.postMessage({ labels: [...labels] } satisfies WriterLabels);
  }

  async write(page: WriterPage): Promise<void> {
    if (this.failure) throw this.failure;
    this.worker.postMessage(page, [page.numbers.buffer]);
    this.ahead += 1;
    while (this.ahead >= PAGES_AHEAD && !this.failure) await this.settle();
    if (this.failure) throw this.failure;
  }

  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    this.worker.postMessage(END);
    await this.closed;
    this.done = true;
    await this.worker.terminate();
    if (this.failure) throw this.failure;
  }

  async destroy(): Promise<void> {
    this.done = true;
    await this.worker.terminate();
  }
}

/** A page's rows for the writer thread (check-writer.ts WriterPage), counted into `tally` on the way. */
function writerPage(page: readonly DecidedRow[], tally: LedgerTally): WriterPage {
  const numbers = new Int32Array(page.length * PAGE_NUMBERS);
  const issues: RowIssue[][] = [];
  let texts = '';
  for (let i = 0, at = 0; i < page.length; i++, at += PAGE_NUMBERS) {
    const outcome = page[i] as DecidedRow;
    tally.add(outcome);
    const formId = outcome.formId ?? '';
    const identity = outcome.identity ?? '';
    const line = outcome.line;
    numbers[at] = outcome.row;
    numbers[at + 1] = line === undefined || Number.isNaN(line) ? -1 : line;
    numbers[at + 2] = OUTCOMES.indexOf(outcome.outcome);
    numbers[at + 3] = formId.length;
    numbers[at + 4] = identity.length;
    texts += formId + identity;
    if (outcome.issues.length > 0) {
      numbers[at + 5] = 1;
      issues.push(outcome.issues);
    }
  }
  return { numbers, texts, issues };
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
  const outcomes = await OutcomesWriter.start({
    path: outcomesPath,
    start: OUTCOMES_CSV_START,
    ...(options.personKey ?? { version: THROWAWAY_VERSION, secret: randomBytes(32) }),
  });

  let summary: BatchSummary;
  try {
    const format = formatOfName(file);
    if (!format) throw new BatchFailedError('BATCH_UNSUPPORTED_FORMAT', basename(file));
    const batch = await openBatch(input.createReadStream({ highWaterMark: 1 << 17 }), format);
    const tick = options.progress ? progress() : () => {};
    outcomes.labels(fieldLabels(batch.layout.headerCells));
    const context = options.context ?? defaultValidationContext();
    const { correctionColumns } = batch.layout;
    // a correction file's rows are checked by their own columns (the register decides them against the person)
    const pages = correctionColumns
      ? checkCorrectionOutcomes(batch.pages, correctionColumns, context)
      : decidePages(
          batch.pages,
          context,
          // a row of a plain CSV takes a few hundred bytes: room for the persons of the file from the start
          format === 'csv' && !batch.layout.compressed ? size / BYTES_A_ROW : 0,
        );
    for await (const page of pages) {
      await outcomes.write(writerPage(page, tally));
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
      await outcomes.destroy();
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
  await outcomes.end();
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
