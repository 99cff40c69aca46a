// Pre-upload check: `npm run check -- FILE [--out DIR] [--agency CODE]`. Runs the readers and validation on
// a local file, no AWS, and writes summary.json and outcomes.csv. Exit 0: every row accepted; 1: some rows
// rejected; 2: the file cannot be read at all; 64: bad usage.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkPages } from '#batch/check-batch.ts';
import { buildSummary, LedgerTally, OUTCOMES_CSV_HEADER, outcomeCsvLine } from '#batch/ledger.ts';
import { formatOfName, openBatch } from '#batch/read-batch.ts';
import { BatchFailedError } from '#domain/errors.ts';
import { defaultValidationContext } from '#domain/validate.ts';

const USAGE = 'usage: npm run check -- FILE [--out DIR] [--agency CODE]';

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

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'check-report' },
      agency: { type: 'string', default: 'local' },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error(USAGE);
    return 64;
  }
  const outDir = resolve(values.out);
  await mkdir(outDir, { recursive: true });
  const startedAt = new Date();
  const tally = new LedgerTally();
  const base = {
    batchId: `check-${randomUUID()}`,
    agencyCode: values.agency,
    objectKey: basename(file),
    startedAt,
  };
  const outcomesPath = join(outDir, 'outcomes.csv');
  const outcomes = createWriteStream(outcomesPath);
  outcomes.write(`${OUTCOMES_CSV_HEADER}\n`);

  let summary: ReturnType<typeof buildSummary>;
  try {
    const format = formatOfName(file);
    if (!format) throw new BatchFailedError('BATCH_UNSUPPORTED_FORMAT', basename(file));
    const batch = await openBatch(createReadStream(file, { highWaterMark: 1 << 17 }), format);
    const tick = progress();
    for await (const page of checkPages(batch.pages, defaultValidationContext())) {
      let lines = '';
      for (const outcome of page) {
        tally.add(outcome);
        lines += `${outcomeCsvLine(outcome)}\n`;
      }
      if (!outcomes.write(lines)) await once(outcomes, 'drain');
      tick(tally.rows);
    }
    tick(tally.rows, true);
    summary = buildSummary({
      ...base,
      finishedAt: new Date(),
      tally,
      unknownColumns: batch.layout.unknownColumns,
    });
  } catch (error) {
    if (!(error instanceof BatchFailedError)) throw error;
    summary = buildSummary({ ...base, finishedAt: new Date(), tally, failure: error });
  }
  outcomes.end();
  await once(outcomes, 'finish');
  if (summary.status === 'failed') await writeFile(outcomesPath, `${OUTCOMES_CSV_HEADER}\n`);
  await writeFile(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

  console.log(JSON.stringify(summary, null, 2));
  console.error(`report written to ${outDir}`);
  if (summary.status === 'failed') return 2;
  return summary.outcomes.rejected > 0 ? 1 : 0;
}

process.exitCode = await main();
