// bench/check: the pre-upload check (`npm run check`) against the read + validate it wraps, on the same
// generated CSV in the same run: each pass in a fresh process (bench/validate-worker.ts, so peak RSS is its
// own), the two alternating `--runs` times; medians of wall and CPU seconds, and their ratios.
// Usage: npm run bench:check -- [--rows 1090000] [--runs 3] [--file PATH] [--json]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jsonMode, machine, median, printJson, STREAMING_NODE_FLAGS } from './report.ts';

const json = jsonMode();
const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    // the issue's reference file: 1.09 M rows of bench/validate's 16 columns
    rows: { type: 'string', default: '1090000' },
    runs: { type: 'string', default: '3' },
    file: { type: 'string' },
  },
});
const COLUMNS =
  'form_id,full_name,date_of_birth,sex,personal_id,birth_registration_place,hometown,ethnicity,religion,nationality,current_address,current_commune_code,phone,father_name,mother_name,relationship_to_head';
const rows = Number(values.rows);
const runs = Number(values.runs);
const outDir = join(import.meta.dirname, 'out');
mkdirSync(outDir, { recursive: true });
// the same name and seed as bench/validate's, so that the two share a generated file
const file = values.file ?? join(outDir, `validate-${rows}-16col.csv`);
if (!existsSync(file)) {
  console.error(`generating ${rows.toLocaleString('en')} rows into ${file} …`);
  execFileSync(
    'npx',
    [
      'tsx',
      'local/generate.ts',
      '--rows',
      String(rows),
      '--out',
      file,
      '--seed',
      '896',
      '--columns',
      COLUMNS,
    ],
    { stdio: 'inherit' },
  );
}

interface PassResult {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  /** the main thread's share (Node 23.9 and later): the check seals and writes on a second thread */
  mainCpuSeconds?: number;
  peakRssMB: number;
}
const pass = (name: string): PassResult => {
  const out = execFileSync(
    'node',
    [...STREAMING_NODE_FLAGS, '--import', 'tsx', join(import.meta.dirname, 'validate-worker.ts'), name, file],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as PassResult;
};

const PASSES = { readValidate: 'dancu-read+validate', check: 'dancu-check' } as const;
const measured: Record<keyof typeof PASSES, PassResult[]> = { readValidate: [], check: [] };
const sizeMB = statSync(file).size / 1e6;
console.log(`bench/check: ${file} (${sizeMB.toFixed(0)} MB), ${runs} runs, each pass in a fresh process`);
for (let i = 0; i < runs; i++) {
  for (const [key, name] of Object.entries(PASSES) as [keyof typeof PASSES, string][]) {
    const result = pass(name);
    measured[key].push(result);
    console.log(
      `  run ${i + 1} ${name.padEnd(20)} ${result.seconds.toFixed(2)} s, ${result.cpuSeconds.toFixed(2)} s CPU` +
        `${result.mainCpuSeconds === undefined ? '' : ` (${result.mainCpuSeconds.toFixed(2)} s main thread)`}, ` +
        `peak RSS ${result.peakRssMB} MB`,
    );
  }
}
const summary = (results: PassResult[]) => {
  const main = results.flatMap((r) => (r.mainCpuSeconds === undefined ? [] : [r.mainCpuSeconds]));
  return {
    rows: results[0]?.rows ?? 0,
    seconds: Number(median(results.map((r) => r.seconds)).toFixed(2)),
    cpuSeconds: Number(median(results.map((r) => r.cpuSeconds)).toFixed(2)),
    ...(main.length === results.length ? { mainCpuSeconds: Number(median(main).toFixed(2)) } : {}),
    peakRssMB: Math.max(...results.map((r) => r.peakRssMB)),
  };
};
const readValidate = summary(measured.readValidate);
const check = summary(measured.check);
const ratio = Number((check.seconds / readValidate.seconds).toFixed(2));
const cpuRatio = Number((check.cpuSeconds / readValidate.cpuSeconds).toFixed(2));
const mainCpuRatio =
  check.mainCpuSeconds !== undefined && readValidate.mainCpuSeconds !== undefined
    ? Number((check.mainCpuSeconds / readValidate.mainCpuSeconds).toFixed(2))
    : undefined;
console.log(
  `\ncheck ÷ read+validate (medians): ${ratio} wall (target ≤ 1.5), ${cpuRatio} CPU` +
    `${mainCpuRatio === undefined ? '' : `, ${mainCpuRatio} the main thread's CPU`}; ` +
    `check peak RSS ${check.peakRssMB} MB (target < 200), read+validate ${readValidate.peakRssMB} MB`,
);

if (json) {
  printJson({
    bench: 'check',
    machine: machine(),
    file,
    sizeMB: Math.round(sizeMB),
    runs,
    readValidate,
    check,
    ratio,
    cpuRatio,
    ...(mainCpuRatio === undefined ? {} : { mainCpuRatio }),
    every: measured,
  });
}
