// bench/issue-ids: personal ID numbers issued per second by dancu's allocator against the local stack's DynamoDB
// (dynalite), the write units each costs (target ≤ 2, issue 20), and that none collides. Each allocation is a birth
// registration's (one number per purpose, as the births function asks): the counter's claim, then the record.
// Usage: npm run bench:issue-ids -- [--numbers 5000] [--concurrency 16] [--prefixes 4] [--json]
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulators } from '../local/runtime/emulators.ts';
import { provision } from '../local/runtime/provision.ts';
import { checkPersonalId } from '../shared/domain/personal-id.ts';
import type { IssueRequest } from '../shared/model/ids.ts';

const { values } = parseArgs({
  options: {
    numbers: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    prefixes: { type: 'string', default: '4' },
    // one JSON line, for bench/run-all.ts
    json: { type: 'boolean', default: false },
  },
});
const numbers = Number(values.numbers);
const concurrency = Number(values.concurrency);
const prefixes = Number(values.prefixes);

const emulators = await startEmulators({
  dir: await mkdtemp(join(tmpdir(), 'dancu-issue-ids-')),
  ports: { s3: 0, sqs: 0, dynamodb: 0 },
});
const names = await provision({
  endpoints: emulators.endpoints,
  log: { info: () => {}, error: console.error },
});
Object.assign(process.env, {
  AWS_REGION: names.region,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
});
const { dynamodb } = await import('../shared/aws/dynamodb.ts');
const { IdStore } = await import('../shared/store/id-store.ts');
const { createAllocator } = await import('../shared/ids/allocator.ts');
const { allowedSuffixes } = await import('../shared/ids/suffixes.ts');

// every write's units as DynamoDB bills them (the emulator reports them when asked); a refused condition is 1 unit
const writes = { requests: 0, units: 0 };
type Stack = typeof dynamodb.middlewareStack;
(dynamodb.middlewareStack as Stack).add(
  (next, context) => async (args) => {
    if (!/^(PutItem|UpdateItem|DeleteItem)Command$/.test(context.commandName ?? '')) return next(args);
    (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
    writes.requests += 1;
    try {
      const result = await next(args);
      writes.units +=
        (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity
          ?.CapacityUnits ?? 0;
      return result;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') writes.units += 1;
      throw error;
    }
  },
  { step: 'initialize', name: 'benchIdWrites' },
);

// the allowed suffixes are made once per container: timed apart, as a cold start's cost
let started = performance.now();
allowedSuffixes();
const tableMs = performance.now() - started;

const store = new IdStore(names.tables.ids);
const allocator = createAllocator({
  counters: store,
  issued: store,
  held: async () => false,
  issuedBy: 'bench',
});
const request = (i: number): IssueRequest => ({
  purpose: { kind: 'birth', registrationId: `bench-${i}` },
  placeCode: ['064', '052', '001', '079'][(i % prefixes) % 4] ?? '064',
  sex: i % 2 ? 'male' : 'female',
  birthYear: 2026,
  issuedFor: 'STP-GIALAI',
  why: 'bench',
});

const issued: string[] = [];
let next = 0;
started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < numbers; i = next++) {
      const result = await allocator.issue(request(i));
      if (result.status !== 'issued') throw new Error(`allocation ${i}: ${result.status}`);
      const { number } = result.record;
      if (checkPersonalId(number, 'id', { sex: i % 2 ? 'male' : 'female', birthYear: 2026 }).length > 0)
        throw new Error(`allocation ${i}: ${number} fails the ID checks`);
      issued.push(number);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const collisions = issued.length - new Set(issued).size;
// a redelivery of every purpose: no new number, no write
const before = { ...writes };
for (let i = 0; i < Math.min(numbers, 500); i++) await allocator.issue(request(i));
const redeliveryWrites = writes.requests - before.requests;

const figures = {
  numbers,
  concurrency,
  prefixes,
  seconds: Number(seconds.toFixed(2)),
  numbersPerSecond: Math.round(numbers / seconds),
  writeUnitsPerNumber: Number((before.units / numbers).toFixed(3)),
  writeRequestsPerNumber: Number((before.requests / numbers).toFixed(3)),
  collisions,
  redeliveryWrites,
  allowedSuffixesPerPrefix: allowedSuffixes().length,
  suffixTableMs: Math.round(tableMs),
};
console.log(values.json ? JSON.stringify(figures) : JSON.stringify(figures, null, 2));
await emulators.stop();
if (collisions > 0 || redeliveryWrites > 0 || before.units / numbers > 2) process.exit(1);
