// Synthetic DC01 batches with ground truth: `npm run generate -- --rows N --out FILE [options]`.
// Streams to disk (gzip when FILE ends in .gz); the same seed and options give the same bytes.
// Exit 0: written; 64: bad usage.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { FIELD_NAMES, type FieldName } from '#domain/fields.ts';
import type { Delimiter } from '../tools/synthetic/encode.ts';
import { writeBatch } from '../tools/synthetic/write.ts';

const USAGE = `usage: npm run generate -- --rows N --out FILE [options]
  --format csv|ndjson       default: from FILE (.ndjson/.jsonl, else csv)
  --seed S                  default 1
  --error-rate R            share of rows with one deliberate fault (default 0.05)
  --duplicate-rate R        share of rows repeating an earlier person (default 0.05)
  --truth FILE              ground truth CSV: row,outcome,codes,identity
  --delimiter ','|';'|tab   CSV delimiter (default ',')
  --header en|vi            CSV header: English field names or Vietnamese labels (default en)
  --as-of YYYY-MM-DD        latest date of birth (default 2025-12-31)
  --bom                     start with a UTF-8 byte-order mark
  --crlf                    end lines with CRLF
  --shuffle-columns         CSV columns in a seeded random order
  --blank-lines R           share of rows followed by a blank line (default 0)
  --columns a,b,…           CSV with only these columns (benchmarks; the ground truth assumes every column)`;

class UsageError extends Error {}

function columnList(list: string): FieldName[] {
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(FIELD_NAMES as string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`--columns: not fields: ${unknown.join(', ')}`);
  return names as FieldName[];
}

function rate(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new UsageError(`--${name} must be between 0 and 1`);
  return n;
}

const DELIMITERS: Record<string, Delimiter> = {
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  tab: '\t',
  '\t': '\t',
};

function open(path: string): { file: Writable; stream: Writable } {
  const file = createWriteStream(path, { highWaterMark: 1 << 20 });
  if (!path.endsWith('.gz')) return { file, stream: file };
  const gzip = createGzip({ level: 6 });
  gzip.pipe(file);
  return { file, stream: gzip };
}

async function close({ file, stream }: { file: Writable; stream: Writable }): Promise<void> {
  stream.end();
  await once(file, 'close');
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        rows: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        seed: { type: 'string', default: '1' },
        'error-rate': { type: 'string' },
        'duplicate-rate': { type: 'string' },
        truth: { type: 'string' },
        delimiter: { type: 'string', default: ',' },
        header: { type: 'string', default: 'en' },
        'as-of': { type: 'string' },
        bom: { type: 'boolean', default: false },
        crlf: { type: 'boolean', default: false },
        'shuffle-columns': { type: 'boolean', default: false },
        'blank-lines': { type: 'string' },
        columns: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 64;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const rows = Number(values.rows);
    if (typeof values.rows !== 'string' || !Number.isInteger(rows) || rows < 0) {
      throw new UsageError('--rows must be a whole number');
    }
    const out = values.out;
    if (typeof out !== 'string' || out === '') throw new UsageError('--out is required');
    const format =
      (values.format as string | undefined) ?? (/\.(ndjson|jsonl)(\.gz)?$/i.test(out) ? 'ndjson' : 'csv');
    if (format !== 'csv' && format !== 'ndjson') throw new UsageError('--format must be csv or ndjson');
    const delimiter = DELIMITERS[values.delimiter as string];
    if (!delimiter) throw new UsageError("--delimiter must be ',', ';' or tab");
    const header = values.header as string;
    if (header !== 'en' && header !== 'vi') throw new UsageError('--header must be en or vi');
    const seedText = values.seed as string;
    const seed =
      /^\d+$/.test(seedText) && Number.isSafeInteger(Number(seedText)) ? Number(seedText) : seedText;

    const started = performance.now();
    const batch = open(out);
    const truthPath = values.truth as string | undefined;
    const truth = truthPath ? open(truthPath) : undefined;
    const summary = await writeBatch(
      batch.stream,
      {
        rows,
        seed,
        errorRate: rate('error-rate', values['error-rate'] as string | undefined, 0.05),
        duplicateRate: rate('duplicate-rate', values['duplicate-rate'] as string | undefined, 0.05),
        asOf: values['as-of'] as string | undefined,
        format,
        delimiter,
        header,
        bom: values.bom === true,
        lineEnding: values.crlf === true ? '\r\n' : '\n',
        shuffleColumns: values['shuffle-columns'] === true,
        ...(typeof values.columns === 'string' ? { columns: columnList(values.columns) } : {}),
        blankLineRate: rate('blank-lines', values['blank-lines'] as string | undefined, 0),
      },
      truth?.stream,
    );
    await Promise.all([close(batch), truth ? close(truth) : undefined]);
    const seconds = (performance.now() - started) / 1000;
    console.error(
      `${summary.rows.toLocaleString('en')} rows (${summary.persons.toLocaleString('en')} persons), ` +
        `${(summary.bytes / 1e6).toFixed(1)} MB of text to ${out} in ${seconds.toFixed(1)} s`,
    );
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof RangeError) {
      console.error(`${error.message}\n${USAGE}`);
      return 64;
    }
    throw error;
  }
}

process.exitCode = await main();
