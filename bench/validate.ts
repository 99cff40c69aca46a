// bench/validate: rows/s of dancu's read+validate on a generated 1M-row CSV, against the floor (find line
// ends and decode each line) and bare parsing with the candidate CSV libraries, on the same file in the
// same run. Each pass runs in its own process (so peak RSS is its own), several times; the median is shown.
// Usage: npm run bench:validate -- [--rows 1000000] [--runs 3] [--file PATH] [--json]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonMode, machine, median, printJson, STREAMING_NODE_FLAGS } from './report.ts';

const json = jsonMode();
const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    file: { type: 'string' },
    // the reference file: 16 of the form's columns (its size: docs/benchmarks.md)
    columns: {
      type: 'string',
      default:
        'form_id,full_name,date_of_birth,sex,personal_id,birth_registration_place,hometown,ethnicity,religion,nationality,current_address,current_commune_code,phone,father_name,mother_name,relationship_to_head',
    },
  },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const outDir = join(import.meta.dirname, 'out');
mkdirSync(outDir, { recursive: true });
const columnCount = values.columns.split(',').length;
const file = values.file ?? join(outDir, `validate-${rows}-${columnCount}col.csv`);

if (!existsSync(file)) {
  console.error(`generating ${rows.toLocaleString('en')} rows into ${file} …`);
  const args = ['tsx', 'local/generate.ts', '--rows', String(rows), '--out', file, '--seed', '896'];
  execFileSync('npx', [...args, '--columns', values.columns], {
    stdio: 'inherit',
  });
}

interface PassResult {
  rows: number;
  seconds: number;
  peakRssMB: number;
}

function measure(pass: string): PassResult {
  const results: PassResult[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(
      'node',
      [
        ...STREAMING_NODE_FLAGS,
        '--import',
        'tsx',
        join(import.meta.dirname, 'validate-worker.ts'),
        pass,
        file,
      ],
      {
        encoding: 'utf8',
      },
    );
    results.push(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as PassResult);
  }
  return {
    rows: results[0]?.rows ?? 0,
    seconds: median(results.map((r) => r.seconds)),
    peakRssMB: Math.max(...results.map((r) => r.peakRssMB)),
  };
}

const passes = ['split-lines', 'papaparse', 'csv-parser', 'csv-parse', 'dancu-read', 'dancu-read+validate'];
const sizeMB = statSync(file).size / 1e6;
console.log(
  `bench/validate: ${file} (${sizeMB.toFixed(0)} MB), median of ${runs} runs, ${cpus()[0]?.model ?? 'cpu'}`,
);
console.log('pass                  rows      seconds   rows/s    × floor time   peak RSS');
const results = new Map<string, PassResult>();
for (const pass of passes) {
  const result = measure(pass);
  results.set(pass, result);
  const floor = results.get('split-lines')?.seconds ?? result.seconds;
  console.log(
    [
      pass.padEnd(20),
      String(result.rows).padStart(8),
      result.seconds.toFixed(2).padStart(10),
      Math.round(result.rows / result.seconds)
        .toLocaleString('en')
        .padStart(10),
      (result.seconds / floor).toFixed(2).padStart(12),
      `${result.peakRssMB} MB`.padStart(10),
    ].join(' '),
  );
}
const mine = results.get('dancu-read+validate');
const floor = results.get('split-lines');
if (mine && floor) {
  const rate = mine.rows / mine.seconds;
  console.log(
    `\nread+validate: ${Math.round(rate).toLocaleString('en')} rows/s (target ≥ 150,000), ` +
      `${(mine.seconds / floor.seconds).toFixed(2)}× the floor's time (target ≤ 5), peak RSS ${mine.peakRssMB} MB (target ≤ 200)`,
  );
}

if (json) {
  const floorSeconds = results.get('split-lines')?.seconds ?? Number.NaN;
  const csvParseSeconds = results.get('csv-parse')?.seconds ?? Number.NaN;
  printJson({
    bench: 'validate',
    machine: machine(),
    file,
    sizeMB: Math.round(sizeMB),
    columns: columnCount,
    runs,
    passes: [...results].map(([pass, r]) => ({
      pass,
      rows: r.rows,
      seconds: Number(r.seconds.toFixed(2)),
      rowsPerSecond: Math.round(r.rows / r.seconds),
      timesFloor: Number((r.seconds / floorSeconds).toFixed(2)),
      timesCsvParse: Number((r.seconds / csvParseSeconds).toFixed(2)),
      peakRssMB: r.peakRssMB,
    })),
  });
}
