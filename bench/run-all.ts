// npm run bench: every benchmark in bench/, each in a process of its own with --json, one after another, and
// bench/results.md from their JSON lines: each figure beside the baseline measured in the same run, the ratio,
// and the machine. The benches' own human output streams to the terminal as they run.
// Usage: npm run bench -- [--quick | --full] [--only validate,ingest,...] [--out bench/results.md]
//   [--add LABEL=FILE]: a bench's JSON line from a run of its own, under its own heading (e.g. split-memory-3m)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Machine, machine } from './report.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: join(import.meta.dirname, 'results.md') },
    add: { type: 'string', multiple: true, default: [] },
  },
});
type Size = 'quick' | 'default' | 'full';
const size: Size = values.full ? 'full' : values.quick ? 'quick' : 'default';

/** Each bench's arguments by size: --full has the issue's sizes; how long each takes is in docs/benchmarks.md. */
const BENCHES: Record<string, Record<Size, string[]>> = {
  validate: {
    quick: ['--rows', '100000', '--runs', '3'],
    default: ['--rows', '300000', '--runs', '3'],
    full: ['--rows', '1000000', '--runs', '5'],
  },
  check: {
    quick: ['--rows', '100000', '--runs', '3'],
    default: ['--rows', '300000', '--runs', '3'],
    full: ['--rows', '1090000', '--runs', '3'],
  },
  ingest: {
    quick: ['--rows', '5000'],
    default: ['--rows', '20000'],
    full: ['--rows', '100000'],
  },
  lookup: {
    quick: ['--seconds', '10', '--applications', '2000'],
    default: ['--seconds', '30'],
    full: ['--seconds', '60'],
  },
  linkage: {
    quick: ['--people', '20000'],
    default: ['--people', '100000'],
    full: ['--people', '200000'],
  },
  'link-pass': {
    quick: ['--rows', '5000'],
    default: ['--rows', '20000'],
    full: ['--rows', '100000', '--segments', '8', '--partitions', '8'],
  },
  'cold-start': {
    quick: ['--runs', '3'],
    default: ['--runs', '5'],
    full: ['--runs', '9'],
  },
  'issue-ids': {
    quick: ['--numbers', '1000'],
    default: ['--numbers', '5000'],
    full: ['--numbers', '20000'],
  },
  corrections: {
    quick: ['--persons', '1000', '--corrections', '500'],
    default: ['--persons', '2000', '--corrections', '1000'],
    full: ['--persons', '10000', '--corrections', '5000'],
  },
  'split-memory': {
    quick: ['--rows', '100000'],
    default: ['--rows', '100000,1000000'],
    full: ['--rows', '100000,1000000,3000000'],
  },
};
/**
 * Benches whose figure is one run of the whole local stack, so the machine's noise moves it: run several times, and
 * the run with the median of `by` is reported, with every run's value beside it.
 */
const REPEATS: Record<string, { runs: Record<Size, number>; by: string }> = {
  ingest: { runs: { quick: 1, default: 3, full: 3 }, by: 'ratio' },
};
const only = values.only?.split(',').filter(Boolean) ?? Object.keys(BENCHES);
for (const name of only) if (!BENCHES[name]) throw new Error(`unknown bench ${name}`);

/** A bench in its own process; its JSON line, or its failure. */
function run(name: string, args: string[]): Promise<{ json?: Record<string, unknown>; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, `${name}.ts`), ...args, '--json'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(code === 0 ? { json: JSON.parse(line) } : { error: `exit ${code}` });
      } catch {
        resolve({ error: `no JSON line (exit ${code})` });
      }
    });
  });
}

// --- bench/results.md ---

function render(): string {
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${size === 'default' ? '' : ` -- --${size}`}\` (bench/run-all.ts); how to read it: docs/benchmarks.md.`,
    '',
    '## Machine',
    '',
    machineLine(started),
    '',
    'Each bench runs in a process of its own, one after another. Every ratio compares two figures measured in the',
    'same run, on the same machine, minutes apart; the load average is printed with each bench because other',
    'work on the machine moves wall-clock figures (CPU-time figures move less).',
    '',
  ];
  for (const [name, result] of results) {
    lines.push(`## ${name}`, '');
    if (!result.json) {
      lines.push(`Failed: ${result.error} (after ${result.seconds.toFixed(0)} s).`, '');
      continue;
    }
    const json = result.json;
    const args = (BENCHES[name]?.[size] ?? []).join(' ');
    lines.push(
      result.separate
        ? `Run on its own (\`npm run bench:${String(json.bench)}\`, JSON added with --add), ${(json.machine as Machine | undefined)?.date ?? ''}; ${loadLine(json.machine as Machine)}`
        : `\`npm run bench:${name} -- ${args}\`, ${result.seconds.toFixed(0)} s; ${loadLine(json.machine as Machine)}`,
      '',
    );
    lines.push(
      ...((RENDER[String(json.bench)] ?? RENDER[name])?.(json) ?? [
        '```',
        JSON.stringify(json, null, 2),
        '```',
      ]),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB memory, Node ${m.node}, ${m.date.slice(0, 16).replace('T', ' ')} UTC`;
}
function loadLine(m: Machine | undefined): string {
  return m ? `load average ${m.loadAverage.join(' / ')} (1/5/15 min) on ${m.cores} cores at its end` : '';
}

const n = (x: unknown, digits = 0) =>
  typeof x === 'number'
    ? x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';
const table = (header: string[], rows: unknown[][]) => [
  `| ${header.join(' | ')} |`,
  `| ${header.map(() => '---').join(' | ')} |`,
  ...rows.map((row) => `| ${row.join(' | ')} |`),
];

type Json = Record<string, unknown>;
const RENDER: Record<string, (json: Json) => string[]> = {
  validate(json) {
    const passes = json.passes as Json[];
    const get = (pass: string) => passes.find((p) => p.pass === pass) ?? {};
    const mine = get('dancu-read+validate');
    return [
      `${n(json.sizeMB)} MB generated CSV, ${json.columns} columns; each pass in its own process, median of ${json.runs} runs.`,
      '',
      ...table(
        ['pass', 'rows/s', 'seconds', '× csv-parse time', '× the floor time', 'peak RSS MB'],
        passes.map((p) => [
          p.pass === 'dancu-read+validate' ? `**${p.pass}**` : p.pass,
          n(p.rowsPerSecond),
          n(p.seconds, 2),
          n(p.timesCsvParse, 2),
          n(p.timesFloor, 2),
          n(p.peakRssMB),
        ]),
      ),
      '',
      `Baseline: bare csv-parse on the same file (and the floor: find line ends, decode each line). dancu read + validate: ` +
        `**${n(mine.rowsPerSecond)} rows/s, ${n(mine.timesCsvParse, 2)}× csv-parse's time, ${n(mine.timesFloor, 2)}× the floor's** ` +
        `(targets ≥ 150,000 rows/s, ≤ 5× the floor; peak RSS ≤ 200 MB).`,
    ];
  },
  check(json) {
    const pass = (label: string, p: Json) => [
      label,
      n(p.rows),
      n(p.seconds, 2),
      n(p.cpuSeconds, 2),
      p.mainCpuSeconds === undefined ? '—' : n(p.mainCpuSeconds, 2),
      n((p.rows as number) / (p.seconds as number)),
      n(p.peakRssMB),
    ];
    const check = json.check as Json;
    return [
      `${n(json.sizeMB)} MB generated CSV (bench/validate's 16 columns); each pass in its own process, the two alternating, median of ${json.runs} runs.`,
      '',
      ...table(
        ['pass', 'rows', 'seconds', 'CPU seconds', 'main thread CPU s', 'rows/s', 'peak RSS MB'],
        [
          pass('read + validate (baseline)', json.readValidate as Json),
          pass('**npm run check** (read + validate + in-file dedupe + report)', check),
        ],
      ),
      '',
      `Baseline: read + validate of the same file in the same run. The check ÷ read + validate: **${n(json.ratio, 2)} wall** ` +
        `(target ≤ 1.5), ${n(json.cpuRatio, 2)} CPU` +
        `${json.mainCpuRatio === undefined ? '' : `, ${n(json.mainCpuRatio, 2)} the main thread's CPU (the check seals and writes outcomes.csv on a second thread)`}; ` +
        `the check's peak RSS ${n(check.peakRssMB)} MB (target < 200).`,
    ];
  },
  ingest(json) {
    const floor = json.floor as Json;
    const cpu = json.cpu as Json;
    const repeats = json.repeats as Json[] | undefined;
    const runs = repeats
      ? [
          `The run with the median end-to-end ratio of ${repeats.length} (each a fresh local stack and its own floor): ` +
            `ratios ${repeats.map((r) => n(r.ratio, 2)).join(', ')}; process CPU ratios ` +
            `${repeats.map((r) => n((r.cpu as Json | undefined)?.ratio, 2)).join(', ')}.`,
          '',
        ]
      : [];
    return [
      ...runs,
      ...table(
        ['figure', 'value', 'baseline (same run)', 'baseline value', 'ratio'],
        [
          [
            `pipeline end to end (S3 → split → register → report), ${n(json.rows)} rows, ${n(json.accepted)} accepted`,
            `${n(json.pipelineSeconds, 1)} s (${n(json.rowsPerSecond)} rows/s)`,
            `${n(floor.puts)} bare conditional puts, mean of before and after`,
            `${n(floor.meanSeconds, 1)} s (${n(floor.beforeSeconds, 1)} / ${n(floor.afterSeconds, 1)})`,
            `**${n(json.ratio, 2)}** (target ≤ 1.5)`,
          ],
          [
            'process CPU time, pipeline',
            `${n(cpu.pipelineSeconds, 1)} s`,
            'process CPU time, bare puts',
            `${n(cpu.floorSeconds, 1)} s`,
            n(cpu.ratio, 2),
          ],
          [
            'DynamoDB write units per accepted row',
            n(json.writeUnitsPerAcceptedRow, 3),
            '1 put per row',
            '1',
            n(json.writeUnitsPerAcceptedRow, 2),
          ],
        ],
      ),
    ];
  },
  lookup(json) {
    const http = json.http as Json;
    const bare = json.bareGetItem as Json;
    const row = (r: Json) => [
      r.run,
      n(r.requests),
      n(r.errors),
      n(r['req/s'], 1),
      n(r['p50 ms'], 2),
      n(r['p99 ms'], 2),
      n(r['CPU ms/req'], 2),
    ];
    return [
      ...table(
        ['run', 'requests', 'errors', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req'],
        [row(http), row(bare), row(json.autocannonBurst as Json), row(json.autocannonUnthrottled as Json)],
      ),
      '',
      `Baseline: bare GetItem to the same emulator at the same rate and concurrency. HTTP p50 / GetItem p50 = ` +
        `**${n(json.p50Ratio, 2)}** (target ≤ 2); HTTP p99 ${n(http['p99 ms'], 2)} ms (target ≤ 50 ms at 300 req/s).`,
    ];
  },
  linkage(json) {
    const auto = json.autoMerge as Json;
    const review = json.autoMergeAndReview as Json;
    return [
      ...table(
        ['figure', 'value'],
        [
          ['rows (first forms + 10 % noisy second forms)', n(json.rows)],
          ['linkage (blocking keys, lookups, scoring) records/s', n(json.linkageRecordsPerSecond)],
          ['whole in-memory register pass rows/s', n(json.wholePassRowsPerSecond)],
          ['auto-merge precision / recall / F1', `${auto.precision} / ${auto.recall} / ${auto.f1}`],
          [
            'auto-merge + review precision / recall / F1',
            `${review.precision} / ${review.recall} / ${review.f1}`,
          ],
          ['review share of rows', `${n((json.reviewShare as number) * 100, 2)} %`],
        ],
      ),
      '',
      'Offline: an in-memory map stands in for the blocking index, so there is no I/O baseline; the figures are',
      'the linkage core per record, and the quality against the generator’s ground truth.',
    ];
  },
  'link-pass'(json) {
    return [
      ...table(
        ['figure', 'value'],
        [
          ['rows registered by exact keys / persons', `${n(json.rows)} / ${n(json.persons)}`],
          ['segments / partitions', `${json.segments} / ${json.partitions}`],
          ['pass seconds (local stack)', n(json.passSeconds, 1)],
          [
            'main-thread CPU ms per person (functions, S3 and SQS emulators)',
            n(json.mainThreadMsPerPerson, 3),
          ],
          ['the pass’s own work (lines, groups, scores) ms per person', n(json.domainMsPerPerson, 3)],
          [
            'scan read units per person (eventually consistent)',
            n((json.scanReadUnits as number) / (json.persons as number), 4),
          ],
          [
            'write / read units per person, all told',
            `${n(json.writeUnitsPerPerson, 3)} / ${n(json.readUnitsPerPerson, 3)}`,
          ],
          ['S3 PUT / GET', `${n(json.s3Puts)} / ${n(json.s3Gets)}`],
          ['merged / put on the review list', `${n(json.merged)} / ${n(json.reviews)}`],
          ['auto-merge precision / recall', `${n(json.precision, 4)} / ${n(json.recallAutoMerge, 4)}`],
          ['recall with review', n(json.recallWithReview, 4)],
          ['review share of rows', `${n((json.probableDuplicateShare as number) * 100, 2)} %`],
        ],
      ),
      '',
      `Baseline: the blocking items online linkage would file the same persons under (${n(json.onlineFilingWriteUnitsPerPerson, 2)} write units each, ` +
        `USD ${n(json.onlineUsdPerMillionPersons, 3)} per million persons before its Queries). The pass's DynamoDB cost: USD ` +
        `${n(json.passUsdPerMillionPersons, 3)} per million persons, ratio **${n(json.dynamodbCostRatio, 3)}**.`,
    ];
  },
  'cold-start'(json) {
    const rows = json.rows as Json[];
    const base = json.baseline as Json;
    return [
      `Each function bundled as deployed (infra/bundling.ts), loaded and invoked once against the local stack in a fresh`,
      `process with its deployed NODE_OPTIONS (no \`--enable-source-maps\`); median of ${json.runs} processes. Baseline: an empty handler bundled the same`,
      `way, in the same run (load ${n(base.loadMs, 1)} ms, process ready ${n(base.readyMs, 1)} ms after start).`,
      '',
      ...table(
        [
          'function',
          'bundle KB',
          'gzip KB',
          'load ms',
          'load CPU ms',
          'load ms, with --enable-source-maps',
          'first invocation ms',
          'first invocation CPU ms',
          'ready ms',
          '× empty ready',
          'RSS MB',
          'outcome',
        ],
        rows.map((r) => [
          r.function,
          n(r.bundleKB),
          n(r.gzipKB),
          n(r.loadMs, 1),
          n(r.loadCpuMs, 1),
          n(r.loadMsWithSourceMaps, 1),
          n(r.firstInvokeMs, 1),
          n(r.firstInvokeCpuMs, 1),
          n(r.readyMs, 1),
          n(r.readyVsEmpty, 2),
          n(r.rssMB),
          r.outcomes,
        ]),
      ),
      '',
      `Targets: bundle ≤ 500 KB (${(json.meets as Json).bundle ? 'met' : '**not met**'}), module load ≤ 150 ms on this ` +
        `machine (wall time: ${(json.meets as Json).load ? 'met' : '**not met**'}; CPU time, which waiting for a core ` +
        `does not inflate: ${(json.meets as Json).loadCpu ? 'met' : '**not met**'}).`,
      '',
      'Largest parts of each bundle (KB):',
      '',
      ...rows
        .filter((r) => r.function !== 'empty')
        .map(
          (r) =>
            `- ${r.function}: ${(r.largestKB as [string, number][]).map(([p, kb]) => `${p} ${kb}`).join(', ')}`,
        ),
    ];
  },
  'issue-ids'(json) {
    return [
      "dancu's allocator against the local DynamoDB (dynalite): each number a birth registration's, the counter's claim then the record.",
      '',
      ...table(
        [
          'numbers',
          'concurrency',
          'prefixes',
          'numbers/s',
          'write units / number',
          'collisions',
          'writes on redelivery',
          'suffix table ms',
        ],
        [
          [
            n(json.numbers),
            n(json.concurrency),
            n(json.prefixes),
            n(json.numbersPerSecond),
            n(json.writeUnitsPerNumber, 2),
            n(json.collisions),
            n(json.redeliveryWrites),
            n(json.suffixTableMs),
          ],
        ],
      ),
      '',
      `Target: ≤ 2 write units per number, no collision; ${n(json.allowedSuffixesPerPrefix)} numbers per prefix.`,
    ];
  },
  corrections(json) {
    const byTable = (json.byTable ?? {}) as Record<string, number>;
    return [
      "A generated register, then a correction file whose every row applies (current addresses, which move persons between communes, and phones) through the local stack; the correction batch's DynamoDB writes alone.",
      '',
      ...table(
        ['persons', 'corrections applied', 'seconds', 'write units / applied correction', 'by table'],
        [
          [
            n(json.persons),
            n(json.applied),
            n(json.seconds, 1),
            n(json.writeUnitsPerAppliedCorrection, 3),
            Object.entries(byTable)
              .map(([name, units]) => `${name} ${units}`)
              .join(', '),
          ],
        ],
      ),
      '',
      'Target (issue 19): ≤ 3 write units per applied correction, all told.',
    ];
  },
  'split-memory'(json) {
    const results = json.results as Json[];
    const first = results[0] ?? {};
    return [
      `The split function alone in its own process (${json.heapLimit}); peak RSS is the process's maxRSS.`,
      '',
      ...table(
        ['rows', 'MB', 'seconds', 'rows/s', 'CPU s', 'peak RSS MB', '× the smallest file’s peak'],
        results.map((r) => [
          n(r.rows),
          n(r.MB),
          n(r.seconds, 1),
          n(r.rowsPerSecond),
          n(r.cpuSeconds, 1),
          n(r.peakRssMB),
          n((r.peakRssMB as number) / (first.peakRssMB as number), 2),
        ]),
      ),
      '',
      'Baseline: the same function on the smallest file. Target: peak RSS ≤ 256 MB, flat with the file.',
    ];
  },
};

/** The bench run REPEATS times, as the run with the median figure, and every run's figure in `repeats`. */
async function repeated(name: string, args: string[]): Promise<{ json?: Json; error?: string }> {
  const repeat = REPEATS[name];
  if (!repeat || repeat.runs[size] <= 1) return run(name, args);
  const runs: Json[] = [];
  for (let i = 0; i < repeat.runs[size]; i++) {
    const result = await run(name, args);
    if (!result.json) return result;
    runs.push(result.json);
  }
  const figure = (json: Json) => json[repeat.by] as number;
  const sorted = [...runs].sort((a, b) => figure(a) - figure(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as Json;
  return { json: { ...median, repeats: runs.map((json) => ({ [repeat.by]: figure(json), cpu: json.cpu })) } };
}

// the runs, one bench at a time; results.md is rewritten after each, so a stopped suite keeps what it measured
const started = machine();
const results = new Map<
  string,
  { json?: Record<string, unknown>; error?: string; seconds: number; separate?: boolean }
>();
for (const name of only) {
  const args = BENCHES[name]?.[size] ?? [];
  console.error(`\n=== bench/${name}.ts ${args.join(' ')}`);
  const t = performance.now();
  const result = await repeated(name, args);
  results.set(name, { ...result, seconds: (performance.now() - t) / 1000 });
  // each JSON line kept too, so that results.md can be rebuilt with --add without running the bench again
  if (result.json) {
    mkdirSync(join(import.meta.dirname, 'out', 'results'), { recursive: true });
    writeFileSync(
      join(import.meta.dirname, 'out', 'results', `${name}.json`),
      `${JSON.stringify(result.json)}\n`,
    );
  }
  writeFileSync(values.out, render());
}
for (const added of values.add) {
  const [name = '', file = ''] = added.split('=');
  const json = JSON.parse(readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '{}');
  results.set(name, { json, seconds: Number.NaN, separate: true });
}
writeFileSync(values.out, render());
console.error(`\nwrote ${values.out}`);
