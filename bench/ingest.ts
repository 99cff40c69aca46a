// bench/ingest: a generated batch through the local stack end to end (S3 → split → register → report),
// against the floor of the same number of bare conditional puts to the same DynamoDB emulator in the same run.
// Also counts the DynamoDB writes the pipeline makes (and their write units, as the emulator reports them) per accepted row.
// Usage: npm run bench:ingest -- [--rows 100000] [--concurrency 32] [--linkage off|on] [--json] [--profile DIR]
// --linkage: off (the default) measures issue 3's pipeline, the exact-key register; on adds record linkage
// (issue 5: three Queries and three blocking items per new person), which the deployed register runs.
// --profile writes one CPU profile of the pipeline and one of the floor (after it), for a per-package diff
// (bench/profile-diff.ts)
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { benchAgencies } from '../local/demo-agencies.ts';
import { startPipeline } from '../local/pipeline.ts';
import { LOCAL_UPLOAD_SIGNER } from '../local/runtime/account.ts';
import { signerMetadata } from '../local/upload-ticket.ts';
import { objectKeys, registerKeys } from '../shared/keys.ts';
import { buildBatch } from '../tools/synthetic/write.ts';
import { jsonMode, localS3, machine, printJson, waitForObject, watchBatchStages } from './report.ts';

const json = jsonMode();
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '32' },
    profile: { type: 'string' },
    json: { type: 'boolean', default: false },
    linkage: { type: 'string', default: 'off' },
  },
});
const profiler = values.profile ? new Session() : undefined;
if (profiler && values.profile) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await mkdir(values.profile, { recursive: true });
}
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  if (!profiler || !values.profile) return run();
  await profiler.post('Profiler.start');
  const result = await run();
  const { profile } = await profiler.post('Profiler.stop');
  await writeFile(join(values.profile, `${name}.cpuprofile`), JSON.stringify(profile));
  return result;
}
const rows = Number(values.rows);
if (values.linkage !== 'on' && values.linkage !== 'off') throw new Error('--linkage on|off');
// the register reads LINKAGE as it loads; the local stack passes the one it was started with
process.env.LINKAGE = values.linkage;
const quiet = { info: () => undefined, error: (line: string) => console.error(line) };

const stack = await startPipeline({
  agencies: benchAgencies(),
  dir: await mkdtemp(join(tmpdir(), 'dancu-bench-')),
  ports: { s3: 0, sqs: 0, dynamodb: 0 },
  log: quiet,
  // the emulator answers a few hundred requests/s on a shared machine: with linkage's four requests per row a
  // chunk can take longer than the register's 120 s, which would only send it round again after 720 s
  timeouts: { register: 900 },
});
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const region = stack.names.region;

// count every DynamoDB write the pipeline's own client makes, with its write units: DynamoDB charges
// ceil(item size / 1 KB) per write, a failed condition included; an update is charged the larger of the item's
// sizes before and after
const { dynamodb: pipelineClient, s3: pipelineS3 } = await import('../shared/aws/clients.ts');
const { sqs: pipelineSqs } = await import('../shared/aws/sqs.ts');
interface Tally {
  writes: { requests: number; units: number; failedConditions: number; blockingUnits: number };
  /** every request, by service and command: what a row costs besides its one put */
  requests: Map<string, number>;
}
const newTally = (): Tally => ({
  writes: { requests: 0, units: 0, failedConditions: 0, blockingUnits: 0 },
  requests: new Map(),
});
const tally = newTally();
const WRITES = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem)Command$/;
type Stack = typeof pipelineClient.middlewareStack;
/** The counting middleware, on the pipeline's clients and on the floor's alike, so that both pay for it. */
function count(client: { middlewareStack: unknown }, service: string, into: Tally): void {
  (client.middlewareStack as Stack).add(
    (next, context) => async (args) => {
      const name = `${service} ${(context.commandName ?? '?').replace(/Command$/, '')}`;
      into.requests.set(name, (into.requests.get(name) ?? 0) + 1);
      if (!WRITES.test(context.commandName ?? '')) return next(args);
      // the emulator reports what DynamoDB would charge, as DynamoDB does when asked
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      into.writes.requests += 1;
      try {
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        for (const entry of [consumed ?? []].flat() as { CapacityUnits?: number }[]) {
          into.writes.units += entry.CapacityUnits ?? 0;
          // the register writes blocking items, and only those, with BatchWriteItem
          if (context.commandName === 'BatchWriteItemCommand')
            into.writes.blockingUnits += entry.CapacityUnits ?? 0;
        }
        return result;
      } catch (error) {
        // a failed condition is charged too, and no capacity comes back with the error: one unit (items < 1 KB)
        if ((error as Error).name === 'ConditionalCheckFailedException') {
          into.writes.failedConditions += 1;
          into.writes.units += 1;
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'benchCounter' },
  );
}
count(pipelineClient, 'dynamodb', tally);
count(pipelineS3, 's3', tally);
count(pipelineSqs, 'sqs', tally);

const batch = buildBatch({ rows, seed: 896, errorRate: 0.05, duplicateRate: 0.05 });
const accepted = batch.truth.filter((t) => t.outcome !== 'rejected').length;
console.log(
  `bench/ingest: ${rows.toLocaleString('en')} rows (${(batch.bytes.length / 1e6).toFixed(1)} MB), ${accepted.toLocaleString('en')} accepted`,
);

// the floor: as many conditional puts as accepted rows, of records the same size, to the same emulator; run
// before the pipeline (into a table as empty as the pipeline finds it) and after it (as full as it leaves it),
// since the emulator's speed moves with what it holds and with its compactions
const floorClient = new DynamoDBClient({ region, credentials, endpoint: stack.endpoints.dynamodb });
count(floorClient, 'dynamodb', newTally());
const floorRecord = JSON.stringify(batch.truth[0]) + 'x'.repeat(600);
async function floor(): Promise<{ seconds: number; cpuSeconds: number }> {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      for (let i = next++; i < accepted; i = next++) {
        await floorClient.send(
          new PutItemCommand({
            TableName: stack.names.tables.register,
            Item: {
              pk: { S: `floor#${randomUUID()}` },
              sk: { S: registerKeys.personSortKey },
              record: { S: floorRecord },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSeconds(process.cpuUsage(cpu)) };
}
const floorBefore = await floor();

// 1. the pipeline, end to end
const s3 = localS3(stack.endpoints.s3, region, credentials);
const bucket = stack.names.buckets.batches;
const started = performance.now();
const pipelineCpu = process.cpuUsage();
if (profiler) await profiler.post('Profiler.start');
// as an upload URL of the agency function puts it: the split admits the signer's uploads only
await localS3(stack.endpoints.s3, region, LOCAL_UPLOAD_SIGNER).send(
  new PutObjectCommand({
    Bucket: bucket,
    Key: objectKeys.upload('CA-BENCH', 'bench.csv'),
    Body: batch.bytes,
    Metadata: signerMetadata('CA-BENCH'),
  }),
);
const summaryKey = objectKeys.report('CA-BENCH', 'bench.csv', 'summary.json');
// when the batch reaches each stage, from the batches table
const batchesClient = new DynamoDBClient({ region, credentials, endpoint: stack.endpoints.dynamodb });
const watch = watchBatchStages(batchesClient, stack.names.tables.batches, started);
await waitForObject(s3, bucket, summaryKey);
const pipelineSeconds = (performance.now() - started) / 1000;
const pipelineCpuSeconds = cpuSeconds(process.cpuUsage(pipelineCpu));
watch.stop();
const phases = Object.entries(watch.stages).map(([status, at]) => `${status} ${at.toFixed(1)}s`);
if (profiler && values.profile) {
  const { profile } = await profiler.post('Profiler.stop');
  await writeFile(join(values.profile, 'pipeline.cpuprofile'), JSON.stringify(profile));
}
const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: summaryKey }));
const summary = JSON.parse((await Body?.transformToString()) ?? '{}');

const floorAfter = await profiled('floor', floor);
const floorSeconds = (floorBefore.seconds + floorAfter.seconds) / 2;
const floorCpuSeconds = (floorBefore.cpuSeconds + floorAfter.cpuSeconds) / 2;
await stack.stop();

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}
const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en');
console.log(
  `pipeline end to end   ${pipelineSeconds.toFixed(1)} s   ${rate(rows, pipelineSeconds)} rows/s   status ${summary.status}, outcomes ${JSON.stringify(summary.outcomes)}`,
);
console.log(`stages reached (batches table): ${phases.join(', ')}, report ${pipelineSeconds.toFixed(1)}s`);
console.log(
  `floor: ${accepted} conditional puts   before the pipeline ${floorBefore.seconds.toFixed(1)} s, after it ` +
    `${floorAfter.seconds.toFixed(1)} s, mean ${floorSeconds.toFixed(1)} s = ${rate(accepted, floorSeconds)} puts/s (concurrency ${values.concurrency})`,
);
// CPU time of the whole process (functions, emulators, this script) is steadier than wall time on a busy machine
console.log(
  `process CPU: pipeline ${pipelineCpuSeconds.toFixed(1)} s, floor ${floorCpuSeconds.toFixed(1)} s, ratio ${(pipelineCpuSeconds / floorCpuSeconds).toFixed(2)}`,
);
console.log(`ratio end-to-end / floor: ${(pipelineSeconds / floorSeconds).toFixed(2)} (target ≤ 1.5)`);
console.log(
  `DynamoDB writes: ${tally.writes.requests.toLocaleString('en')} requests (${tally.writes.failedConditions} failed conditions), ` +
    `${tally.writes.units.toLocaleString('en')} write units = ${(tally.writes.units / accepted).toFixed(2)} per accepted row (target ≤ 1.2)`,
);
console.log(
  `write units per accepted row, linkage ${values.linkage}: persons and the rest ${((tally.writes.units - tally.writes.blockingUnits) / accepted).toFixed(3)}, ` +
    `blocking items ${(tally.writes.blockingUnits / accepted).toFixed(3)}, total ${(tally.writes.units / accepted).toFixed(3)}`,
);
const perRow = (n: number) => (n / accepted).toFixed(3);
console.log(
  `requests by the functions, per accepted row: ${[...tally.requests]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n.toLocaleString('en')} (${perRow(n)})`)
    .join(', ')}`,
);
if (json) {
  printJson({
    bench: 'ingest',
    machine: machine(),
    rows,
    accepted,
    status: summary.status,
    pipelineSeconds: Number(pipelineSeconds.toFixed(1)),
    rowsPerSecond: Math.round(rows / pipelineSeconds),
    floor: {
      puts: accepted,
      beforeSeconds: Number(floorBefore.seconds.toFixed(1)),
      afterSeconds: Number(floorAfter.seconds.toFixed(1)),
      meanSeconds: Number(floorSeconds.toFixed(1)),
    },
    ratio: Number((pipelineSeconds / floorSeconds).toFixed(2)),
    cpu: {
      pipelineSeconds: Number(pipelineCpuSeconds.toFixed(1)),
      floorSeconds: Number(floorCpuSeconds.toFixed(1)),
      ratio: Number((pipelineCpuSeconds / floorCpuSeconds).toFixed(2)),
    },
    linkage: values.linkage,
    writeUnitsPerAcceptedRow: Number((tally.writes.units / accepted).toFixed(3)),
    blockingWriteUnitsPerAcceptedRow: Number((tally.writes.blockingUnits / accepted).toFixed(3)),
    stages: phases,
  });
}
process.exit(0);
