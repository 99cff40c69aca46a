// bench/lookup: sustained GET /applications/{code} on the local stack (a steady 300 req/s for 30 s, random known
// codes), against as many bare GetItem calls to the same DynamoDB emulator at the same rate and concurrency in the
// same run, both driven by one open-loop generator on a worker thread; then autocannon at the same fixed rate and unthrottled (the most
// the path serves). Every lookup sends the birth year (issue 23); a wrong year on known codes and the right-looking
// year on unknown codes are then timed side by side, as they must give one answer in about one time.
// The functions' bundles and cold starts are bench/cold-start.ts's.
// Usage: npm run bench:lookup -- [--seconds 30] [--rate 300] [--connections 32] [--applications 10000] [--json]
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { startPipeline } from '../local/pipeline.ts';
import { applicationOf, protectEvent } from '../shared/procedures/application.ts';
import { ProcedureEvent } from '../shared/procedures/event.ts';
import { jsonMode, machine, printJson } from './report.ts';
import type { SteadyLoad, SteadyResult } from './steady-load.ts';

const json = jsonMode();
const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '30' },
    rate: { type: 'string', default: '300' },
    connections: { type: 'string', default: '32' },
    applications: { type: 'string', default: '10000' },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const connections = Number(values.connections);
const applications = Number(values.applications);
const quiet = { info: () => undefined, error: (line: string) => console.error(line) };

const stack = await startPipeline({
  dir: await mkdtemp(join(tmpdir(), 'dancu-bench-')),
  ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
  log: quiet,
});
const http = stack.http ?? '';

// 1. seed: the state items a lookup reads, written as the status function writes them
const { ApplicationStore } = await import('../shared/store/application-store.ts');
const store = new ApplicationStore(stack.names.tables.applications);
const BIRTH_YEAR = 1990;
const codes = Array.from(
  { length: applications },
  (_, i) => `000.00.${String(10 + (i % 90))}.H21-251127-${String(i).padStart(6, '0')}`,
);
const seeded = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    for (let i = next++; i < codes.length; i = next++) {
      const code = codes[i] ?? '';
      const events = [2, 4, 5].map((status, n) =>
        protectEvent(
          ProcedureEvent.parse({
            applicationCode: code,
            procedureCode: '1.012784.H21',
            procedureName: 'Đăng ký khai sinh',
            agencyCode: '000.00.12.H21',
            agencyName: 'UBND phường Hội Thương',
            status,
            sequence: n + 1,
            occurredAt: new Date(Date.UTC(2025, 10, 20 + n)).toISOString(),
            ...(n === 0
              ? {
                  dueAt: '2025-11-30T17:00:00+07:00',
                  applicant: { fullName: 'Nguyễn Văn An', birthYear: BIRTH_YEAR },
                }
              : { note: 'Bổ sung bản sao giấy khai sinh' }),
          }),
        ),
      );
      await store.saveState(applicationOf(events));
    }
  }),
);
console.log(`seeded ${applications} applications in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
const randomCode = () => codes[Math.floor(Math.random() * codes.length)] ?? '';

interface Run {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
  /** CPU time of the whole process (every thread: stack, emulator, load generator) per request */
  cpuMsPerRequest?: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

function report(run: Run) {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return {
    run: run.name,
    requests: run.requests,
    errors: run.errors,
    'req/s': Number((run.requests / run.seconds).toFixed(1)),
    'p50 ms': Number(percentile(sorted, 50).toFixed(2)),
    'p99 ms': Number(percentile(sorted, 99).toFixed(2)),
    'max ms': Number((sorted.at(-1) ?? Number.NaN).toFixed(2)),
    'CPU ms/req': run.cpuMsPerRequest === undefined ? '' : Number(run.cpuMsPerRequest.toFixed(2)),
  };
}

/** autocannon against the HTTP API; latencies taken from each response (float ms), errors = non-2xx + failures. */
async function httpRun(
  name: string,
  options: { duration: number; overallRate?: number; connections: number },
) {
  const latencies: number[] = [];
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: http,
        connections: options.connections,
        duration: options.duration,
        ...(options.overallRate ? { overallRate: options.overallRate } : {}),
        requests: [
          {
            method: 'GET',
            headers: { 'x-dancu-birth-year': String(BIRTH_YEAR) },
            setupRequest: (request) => ({ ...request, path: `/applications/${randomCode()}` }),
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) latencies.push(responseTime);
    });
  });
  const elapsed = (performance.now() - started) / 1000;
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    run: { name, requests: result.requests.total, errors, seconds: elapsed, latencies } satisfies Run,
    autocannon: { p50: result.latency.p50, p99: result.latency.p99, average: result.requests.average },
  };
}

/** The steady load on a worker thread of its own (bench/steady-load.ts). */
async function steadyRun(
  name: string,
  target: SteadyLoad['target'],
  count: number,
  lookupCodes = codes,
): Promise<Run> {
  const load: SteadyLoad = { target, codes: lookupCodes, count, perSecond: rate, concurrency: connections };
  // the worker registers tsx's loader before it imports the TypeScript module (Node 20 workers do not inherit it)
  const module = new URL('./steady-load.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(module)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: load });
  await once(worker, 'message'); // ready: its modules are loaded
  const cpu = process.cpuUsage();
  const [result] = (await once(worker, 'message')) as [SteadyResult];
  const { user, system } = process.cpuUsage(cpu);
  await worker.terminate();
  // less sensitive than latency to other processes on the machine: what the path costs, not how long it waited
  return { name, ...result, cpuMsPerRequest: (user + system) / 1000 / count };
}
const httpTarget = {
  kind: 'http',
  baseUrl: http,
  birthYear: String(BIRTH_YEAR),
  expectStatus: 200,
} as const;
const wrongYearTarget = { ...httpTarget, birthYear: String(BIRTH_YEAR + 1), expectStatus: 404 } as const;
const notFoundTarget = { ...httpTarget, expectStatus: 404 } as const;
// well-formed codes never seeded (another running-number range), as many as the known ones
const unknownCodes = codes.map((code) => code.replace(/-(\d{6})$/, (_, n: string) => `-9${n}`));
const getItemTarget = {
  kind: 'getItem',
  endpoint: stack.endpoints.dynamodb,
  region: stack.names.region,
  table: stack.names.tables.applications,
} as const;

// warm up both paths (JIT, connections), then measure: HTTP for `seconds`, then as many bare GetItem calls
const total = rate * seconds;
await steadyRun('warm-up', httpTarget, rate * 3);
await steadyRun('warm-up', getItemTarget, rate * 3);
await steadyRun('warm-up', wrongYearTarget, rate);
await steadyRun('warm-up', notFoundTarget, rate, unknownCodes);
const steady = await steadyRun(`GET /applications/{code}, ${rate}/s`, httpTarget, total);
const bare = await steadyRun(`bare GetItem, ${rate}/s`, getItemTarget, total);
// a wrong year and an unknown code: one answer; timed in alternating slices, so drift on the machine hits both
const sideSeconds = Math.min(seconds, 10);
const slices = 4;
const sliceCount = Math.ceil((rate * sideSeconds) / slices);
const wrongYear: Run = {
  name: `wrong birth year (404), ${rate}/s`,
  requests: 0,
  errors: 0,
  seconds: 0,
  latencies: [],
};
const unknownCode: Run = {
  name: `unknown code (404), ${rate}/s`,
  requests: 0,
  errors: 0,
  seconds: 0,
  latencies: [],
};
for (let slice = 0; slice < slices; slice++) {
  for (const [run, target, lookupCodes] of [
    [wrongYear, wrongYearTarget, codes],
    [unknownCode, notFoundTarget, unknownCodes],
  ] as const) {
    const part = await steadyRun(run.name, target, sliceCount, lookupCodes);
    run.requests += part.requests;
    run.errors += part.errors;
    run.seconds += part.seconds;
    run.latencies.push(...part.latencies);
  }
}
// autocannon: its fixed rate sends each second's quota at the second's start (a burst on every connection),
// so its latencies are those of a 32-way burst every second; unthrottled, it measures the most the path serves
const burst = await httpRun(`autocannon ${rate}/s (bursts each second)`, {
  duration: seconds,
  overallRate: rate,
  connections,
});
const maximum = await httpRun(`autocannon unthrottled, ${Math.min(seconds, 10)} s`, {
  duration: Math.min(seconds, 10),
  connections: connections * 2,
});
await stack.stop();

const rows = [report(steady), report(bare), report(burst.run), report(maximum.run)];
console.table(rows);
const sideBySide = [report(wrongYear), report(unknownCode)];
console.log('a wrong birth year and an unknown code, side by side (both must be the one 404):');
console.table(sideBySide);
const [wrongRow, unknownRow] = sideBySide;
console.log(
  `wrong year - unknown code: p50 ${((wrongRow?.['p50 ms'] ?? 0) - (unknownRow?.['p50 ms'] ?? 0)).toFixed(2)} ms, p99 ${((wrongRow?.['p99 ms'] ?? 0) - (unknownRow?.['p99 ms'] ?? 0)).toFixed(2)} ms`,
);
console.log(
  `load average during the run: ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} on ${cpus().length} cores`,
);
const [httpRow, bareRow] = rows;
const ratio = (httpRow?.['p50 ms'] ?? 0) / (bareRow?.['p50 ms'] ?? 1);
console.log(
  `autocannon's own figures (whole ms, corrected for coordinated omission): ${rate}/s p50 ${burst.autocannon.p50} ms, p99 ${burst.autocannon.p99} ms`,
);
console.log(
  `HTTP p50 / bare GetItem p50 = ${ratio.toFixed(2)} (target ≤ 2); HTTP p99 ${httpRow?.['p99 ms']} ms at ${httpRow?.['req/s']} req/s (target ≤ 50 ms at 300 req/s); errors ${httpRow?.errors}`,
);

if (json) {
  printJson({
    bench: 'lookup',
    machine: machine(),
    seconds,
    rate,
    connections,
    applications,
    http: rows[0],
    bareGetItem: rows[1],
    autocannonBurst: rows[2],
    autocannonUnthrottled: rows[3],
    wrongBirthYear: sideBySide[0],
    unknownCode: sideBySide[1],
    p50Ratio: Number(ratio.toFixed(2)),
  });
}
process.exit(0);
