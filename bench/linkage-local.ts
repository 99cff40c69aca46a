// bench/linkage --local N: the linkage register of bench/linkage through the real code on the local stack.
// 1. The whole pipeline (S3 → split → register → report) on N generated rows: rows/s, and the report scored
//    against the generator's truth (outcomes.csv and review.csv, row by row).
// 2. The real RegisterStore on the DynamoDB emulator, row after row: the DynamoDB reads and writes each row
//    makes, measured (requests seen by the SDK client), split by ID-less rows and rows with an ID.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import Papa from 'papaparse';
import { personKey } from '#domain/identity.ts';
import { throwawayKeyer } from '#domain/person-keyer.ts';
import { benchAgencies } from '../local/demo-agencies.ts';
import { startPipeline } from '../local/pipeline.ts';
import { LOCAL_UPLOAD_SIGNER } from '../local/runtime/account.ts';
import { createTableCommand } from '../local/runtime/provision.ts';
import { signerMetadata } from '../local/upload-ticket.ts';
import { objectKeys, type ReportFile } from '../shared/keys.ts';
import { type LinkageRow, linkageBatchNdjson } from '../tools/synthetic/linkage.ts';
import { describeLinkageScore, scoreLinkageLedger } from '../tools/synthetic/linkage-truth.ts';
import { localS3, waitForObject, watchBatchStages } from './report.ts';

/** the keys the split would seal; a throwaway secret, as no register outlives the run */
const keyer = throwawayKeyer();

export async function runLocal(rows: LinkageRow[]): Promise<void> {
  process.env.LINKAGE = 'on';
  const quiet = { info: () => undefined, error: (line: string) => console.error(line) };
  const stack = await startPipeline({
    agencies: benchAgencies(),
    dir: await mkdtemp(join(tmpdir(), 'dancu-bench-linkage-')),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    log: quiet,
    // the emulator answers a few hundred requests/s on a shared machine: with linkage's four requests per row a
    // chunk can take longer than the register's 120 s, which would only send it round again after 720 s
    timeouts: { register: 900 },
  });
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const region = stack.names.region;
  const { dynamodb: pipelineClient } = await import('../shared/aws/clients.ts');
  const counts = new Map<string, number>();
  pipelineClient.middlewareStack.add(
    (next, context) => (args) => {
      const name = (context.commandName ?? '?').replace(/Command$/, '');
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchLinkageCounter' },
  );

  // 1. the pipeline
  const s3 = localS3(stack.endpoints.s3, region, credentials);
  const Bucket = stack.names.buckets.batches;
  const Body = linkageBatchNdjson(rows);
  const batchesClient = new DynamoDBClient({ region, credentials, endpoint: stack.endpoints.dynamodb });
  const started = performance.now();
  // as an upload URL of the agency function puts it: the split admits the signer's uploads only
  await localS3(stack.endpoints.s3, region, LOCAL_UPLOAD_SIGNER).send(
    new PutObjectCommand({
      Bucket,
      Key: objectKeys.upload('CA-BENCH', 'linkage.ndjson'),
      Body,
      Metadata: signerMetadata('CA-BENCH'),
    }),
  );
  const watch = watchBatchStages(batchesClient, stack.names.tables.batches, started);
  const report = (file: ReportFile) => objectKeys.report('CA-BENCH', 'linkage.ndjson', file);
  await waitForObject(s3, Bucket, report('summary.json'));
  const seconds = (performance.now() - started) / 1000;
  watch.stop();
  const phases = watch.stages;
  const text = async (Key: string) =>
    (await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body?.transformToString()) ?? '';
  const summary = JSON.parse(await text(report('summary.json')));
  const outcomes = Papa.parse<Record<string, string>>(await text(report('outcomes.csv')), {
    header: true,
    skipEmptyLines: true,
  }).data;
  const review = Papa.parse<Record<string, string>>(await text(report('review.csv')), {
    header: true,
    skipEmptyLines: true,
  }).data;
  const ledger = outcomes.map((line) => ({
    row: Number(line.row),
    outcome: String(line.outcome),
    personKey: String(line.person_key),
  }));
  const candidates = new Map(review.map((line) => [Number(line.row), String(line.candidate_person_key)]));
  const registering = (phases.finalizing ?? seconds) - (phases.registering ?? 0);
  console.log(
    `\nlocal stack, LINKAGE=on: ${rows.length} rows end to end in ${seconds.toFixed(1)} s = ${Math.round(rows.length / seconds)} rows/s; ` +
      `register phase ${registering.toFixed(1)} s = ${Math.round(summary.rows / registering)} rows/s (phases ${JSON.stringify(phases)})`,
  );
  console.log(`outcomes ${JSON.stringify(summary.outcomes)}`);
  for (const line of describeLinkageScore(scoreLinkageLedger(rows, ledger, candidates)))
    console.log(`  ${line}`);
  console.log(
    `DynamoDB requests by the functions: ${[...counts].map(([name, n]) => `${name} ${n}`).join(', ')}`,
  );

  // 2. the register store, row after row, on an empty table of the same shape
  const TableName = `bench-linkage-${Date.now()}`;
  await batchesClient.send(createTableCommand(TableName));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { RegisterStore } = await import('../shared/store/register-store.ts');
  const { registerRecord } = await import('../shared/ingest/register-row.ts');
  const store = new RegisterStore(TableName);
  const READS = ['GetItem', 'Query'];
  const reads = (): number => READS.reduce((n, name) => n + (counts.get(name) ?? 0), 0);
  const perRow = { idLess: [] as number[], withId: [] as number[] };
  const queries = { idLess: 0 };
  const storeStarted = performance.now();
  for (const row of rows) {
    const before = reads();
    const queriesBefore = counts.get('Query') ?? 0;
    await registerRecord(
      { row: row.row, personKey: personKey(row.record, keyer), record: row.record },
      { batchId: 'bench', row: row.row, agencyCode: 'CA-BENCH' },
      store,
      // the bench counts the register's reads: history items are writes to another table, not counted
      { put: async () => '' },
      true,
    );
    if (row.record.personalId) perRow.withId.push(reads() - before);
    else {
      perRow.idLess.push(reads() - before);
      queries.idLess += (counts.get('Query') ?? 0) - queriesBefore;
    }
  }
  const storeSeconds = (performance.now() - storeStarted) / 1000;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const max = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), 0);
  console.log(
    `\nreal RegisterStore on the emulator, one row at a time (${Math.round(rows.length / storeSeconds)} rows/s):`,
  );
  console.log(
    `  reads per ID-less record (${perRow.idLess.length} rows): mean ${mean(perRow.idLess).toFixed(2)} ` +
      `(Queries ${(queries.idLess / Math.max(1, perRow.idLess.length)).toFixed(2)}, GetItem the rest), max ${max(perRow.idLess)}`,
  );
  console.log(
    `  reads per record with an ID (${perRow.withId.length} rows): mean ${mean(perRow.withId).toFixed(2)}, max ${max(perRow.withId)}`,
  );
  await stack.stop();
}
