// bench/corrections: what an applied correction costs in DynamoDB writes (issue 19's ≤ 3 write units, all told: the
// person, its history item, the coverage counters a moved address changes, the batch's own bookkeeping shared out).
// A generated register of --persons people goes in first; then a correction file whose every row applies (current
// addresses, which move the person between communes' counters, and phones), counted alone, by table.
// Usage: npm run bench:corrections -- [--persons 3000] [--corrections 2000] [--json]
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { benchAgencies } from '../local/demo-agencies.ts';
import { startPipeline } from '../local/pipeline.ts';
import { LOCAL_UPLOAD_SIGNER } from '../local/runtime/account.ts';
import { signerMetadata } from '../local/upload-ticket.ts';
import { objectKeys } from '../shared/keys.ts';
import { buildCorrections } from '../tools/synthetic/corrections.ts';
import { generateRows } from '../tools/synthetic/generator.ts';
import { buildBatch } from '../tools/synthetic/write.ts';
import { jsonMode, localS3, machine, printJson, waitForObject } from './report.ts';

const json = jsonMode();
const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '3000' },
    corrections: { type: 'string', default: '2000' },
    json: { type: 'boolean', default: false },
  },
});
const persons = Number(values.persons);
const wanted = Number(values.corrections);
process.env.LINKAGE = 'off';
const stack = await startPipeline({
  agencies: benchAgencies(),
  dir: await mkdtemp(join(tmpdir(), 'dancu-bench-')),
  ports: { s3: 0, sqs: 0, dynamodb: 0 },
  log: { info: () => undefined, error: (line: string) => console.error(line) },
  timeouts: { register: 900 },
});
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const region = stack.names.region;
const s3 = localS3(stack.endpoints.s3, region, credentials);
const bucket = stack.names.buckets.batches;

// every DynamoDB write the functions make, with the write units the emulator reports, by table; a failed condition
// is charged one unit (bench/ingest.ts)
const { dynamodb } = await import('../shared/aws/clients.ts');
const units = new Map<string, number>();
let counting = false;
const WRITES = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem)Command$/;
dynamodb.middlewareStack.add(
  (next, context) => async (args) => {
    if (!counting || !WRITES.test(context.commandName ?? '')) return next(args);
    const input = args.input as { ReturnConsumedCapacity?: string; TableName?: string };
    input.ReturnConsumedCapacity = 'TOTAL';
    const table =
      Object.entries(stack.names.tables).find(([, name]) => name === input.TableName)?.[0] ?? 'other';
    try {
      const result = await next(args);
      for (const entry of [(result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity ?? []].flat())
        units.set(
          table,
          (units.get(table) ?? 0) + ((entry as { CapacityUnits?: number }).CapacityUnits ?? 0),
        );
      return result;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException')
        units.set(table, (units.get(table) ?? 0) + 1);
      throw error;
    }
  },
  { step: 'initialize', name: 'benchCounter' },
);

const total = () => [...units.values()].reduce((sum, n) => sum + n, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function upload(name: string, bytes: Buffer): Promise<Record<string, unknown>> {
  await localS3(stack.endpoints.s3, region, LOCAL_UPLOAD_SIGNER).send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: objectKeys.upload('CA-BENCH', name),
      Body: bytes,
      Metadata: signerMetadata('CA-BENCH'),
    }),
  );
  const key = objectKeys.report('CA-BENCH', name, 'summary.json');
  await waitForObject(s3, bucket, key);
  // finalize moves the coverage counters after the summary: wait until the writes stop
  for (let last = -1, now = total(); now !== last; await sleep(3000)) [last, now] = [now, total()];
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await Body?.transformToString()) ?? '{}') as Record<string, unknown>;
}

const generation = { rows: persons, seed: 1919, errorRate: 0, duplicateRate: 0 };
const register = await upload('people.csv', buildBatch({ ...generation, format: 'csv' }).bytes);
console.log(
  `bench/corrections: register of ${persons.toLocaleString('en')} persons: ${JSON.stringify(register.outcomes)}`,
);
const batch = buildCorrections([...generateRows(generation)], {
  count: wanted,
  seed: 19,
  today: new Date().toISOString().slice(0, 10),
  kinds: ['address', 'phone'],
});
counting = true;
const started = performance.now();
const summary = await upload('corrections.csv', batch.bytes);
const seconds = (performance.now() - started) / 1000;
counting = false;
await stack.stop();

const written = total();
const applied = (summary.outcomes as Record<string, number>).applied ?? 0;
const per = (n: number) => Number((n / applied).toFixed(3));
const byTable = Object.fromEntries(
  [...units].sort((a, b) => b[1] - a[1]).map(([table, n]) => [table, per(n)]),
);
console.log(
  `corrections: ${batch.truth.length.toLocaleString('en')} rows in ${seconds.toFixed(1)} s, outcomes ${JSON.stringify(summary.outcomes)}`,
);
console.log(
  `DynamoDB write units: ${written.toLocaleString('en')} = ${per(written)} per applied correction (target ≤ 3); by table: ` +
    Object.entries(byTable)
      .map(([table, n]) => `${table} ${n}`)
      .join(', '),
);
if (json)
  printJson({
    bench: 'corrections',
    machine: machine(),
    persons,
    rows: batch.truth.length,
    applied,
    seconds: Number(seconds.toFixed(1)),
    writeUnitsPerAppliedCorrection: per(written),
    byTable,
  });
process.exit(0);
