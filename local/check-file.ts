// Checks a local batch file with no AWS and writes summary.json and outcomes.csv: the pre-upload check.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checkPages } from '#batch/check-batch.ts';
import {
  type BatchSummary,
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

export async function checkFile(
  file: string,
  outDir: string,
  options: CheckFileOptions = {},
): Promise<BatchSummary> {
  await mkdir(outDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const tally = new LedgerTally();
  const agencyCode = options.agencyCode ?? 'local';
  const base = { batchId: `check-${randomUUID()}`, agencyCode, objectKey: basename(file), startedAt };
  const outcomesPath = join(outDir, 'outcomes.csv');
  const outcomes = createWriteStream(outcomesPath);
  outcomes.write(OUTCOMES_CSV_START);

  let summary: BatchSummary;
  try {
    const format = formatOfName(file);
    if (!format) throw new BatchFailedError('BATCH_UNSUPPORTED_FORMAT', basename(file));
    const batch = await openBatch(createReadStream(file, { highWaterMark: 1 << 17 }), format);
    const tick = options.progress ? progress() : () => {};
    const labels = fieldLabels(batch.layout.headerCells);
    for await (const page of checkPages(
      batch.pages,
      options.context ?? defaultValidationContext(),
      options.keyer ?? throwawayKeyer(),
    )) {
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
    });
  } catch (error) {
    if (!(error instanceof BatchFailedError)) throw error;
    summary = buildSummary({ ...base, finishedAt: new Date().toISOString(), tally, failure: error });
  }
  outcomes.end();
  await once(outcomes, 'finish');
  // a file that cannot be read reports no rows at all, whatever was read before it failed
  if (summary.status === 'failed') await writeFile(outcomesPath, OUTCOMES_CSV_START);
  await writeFile(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
