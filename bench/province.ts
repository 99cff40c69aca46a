// bench/province: a whole province in one file (1.6 M rows, Gia Lai's scale) through the local stack end to end,
// to show that it completes: split hands over as often as it must, every row gets one outcome, and the report's
// counts equal the generator's ground truth. Prints progress while it runs; exits 1 on any mismatch.
// Usage: npm run bench:province -- [--rows 1600000]
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startPipeline } from '../local/pipeline.ts';
import { LOCAL_UPLOAD_SIGNER } from '../local/runtime/account.ts';
import { signerMetadata } from '../local/upload-ticket.ts';
import { batchKeys, objectKeys } from '../shared/keys.ts';
import { type GenerationSummary, writeBatch } from '../tools/synthetic/write.ts';
import { localS3 } from './report.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1600000' },
    // shorter than the deployed 900 s, so that this machine's split hands over several times on the way
    'split-timeout': { type: 'string', default: '120' },
  },
});
const rows = Number(values.rows);
const outDir = join(import.meta.dirname, 'out');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `province-${rows}.csv`);
const truthFile = `${file}.summary.json`;
if (!existsSync(file) || !existsSync(truthFile)) {
  const out = createWriteStream(file);
  const generated = await writeBatch(out, { rows, seed: 1957, errorRate: 0.04, duplicateRate: 0.05 });
  out.end();
  await once(out, 'finish');
  await writeFile(truthFile, JSON.stringify(generated));
}
const expected = JSON.parse(await readFile(truthFile, 'utf8')) as GenerationSummary;
const megabytes = (await stat(file)).size / 1e6;
console.log(`bench/province: ${rows.toLocaleString('en')} rows, ${megabytes.toFixed(0)} MB`);

/**
 * Resident memory without file-backed pages: dynalite's LevelDB maps its table files into memory, which Linux
 * counts in RSS (docs/benchmarks.md, bench/province) although they are page cache the kernel can take back.
 */
function anonymousRssMb(): string {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = /RssAnon:\s+(\d+)/.exec(status)?.[1];
  return kb ? `${(Number(kb) / 1024).toFixed(0)} MB` : 'n/a';
}

const quiet = { info: () => undefined, error: (line: string) => console.error(line) };
const stack = await startPipeline({
  dir: await mkdtemp(join(tmpdir(), 'dancu-province-')),
  ports: { s3: 0, sqs: 0, dynamodb: 0 },
  timeouts: { split: Number(values['split-timeout']) },
  log: quiet,
});
const common = {
  region: stack.names.region,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
};
const s3 = new S3Client({
  ...common,
  endpoint: stack.endpoints.s3,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const dynamodb = new DynamoDBClient({ ...common, endpoint: stack.endpoints.dynamodb });
const bucket = stack.names.buckets.batches;
const name = `province-${rows}.csv`;

const started = performance.now();
const seconds = () => (performance.now() - started) / 1000;
await new Upload({
  // as an upload URL of the agency function puts it: the split admits the signer's uploads only
  client: localS3(stack.endpoints.s3, stack.names.region, LOCAL_UPLOAD_SIGNER),
  params: {
    Bucket: bucket,
    Key: objectKeys.upload('CA-GIALAI', name),
    Body: createReadStream(file),
    Metadata: signerMetadata('CA-GIALAI'),
  },
  partSize: 64 << 20,
}).done();
console.log(`uploaded in ${seconds().toFixed(0)} s`);

const summaryKey = objectKeys.report('CA-GIALAI', name, 'summary.json');
let lastProgress = 0;
for (;;) {
  const done = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: summaryKey })).then(
    () => true,
    () => false,
  );
  if (done) break;
  if (seconds() - lastProgress >= 60) {
    lastProgress = seconds();
    const { Items = [] } = await dynamodb.send(
      new ScanCommand({ TableName: stack.names.tables.batches, Limit: 100 }),
    );
    const meta = Items.find((item) => item.sk?.S === batchKeys.batchSortKey);
    console.log(
      `${seconds().toFixed(0)} s: ${meta?.status?.S ?? 'waiting'}, ` +
        `partitions done ${meta?.donePartitions?.L?.length ?? 0}, RSS ${(process.memoryUsage.rss() / 1e6).toFixed(0)} MB (anonymous ${anonymousRssMb()})`,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
}
const elapsed = seconds();
const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: summaryKey }));
const summary = JSON.parse((await Body?.transformToString()) ?? '{}');
const { Items: batchItems = [] } = await dynamodb.send(
  new ScanCommand({ TableName: stack.names.tables.batches, Limit: 100 }),
);
const invocations = batchItems.find((item) => item.sk?.S === batchKeys.batchSortKey)?.checkpoint?.M
  ?.invocations?.N;
await stack.stop();

const want = { ...expected.outcomes, probable_duplicate: 0 };
const matches = summary.status === 'completed' && summary.rows === rows;
const outcomesMatch =
  JSON.stringify(Object.entries(summary.outcomes).sort()) === JSON.stringify(Object.entries(want).sort());
console.log(
  `completed in ${elapsed.toFixed(0)} s (${Math.round(rows / elapsed).toLocaleString('en')} rows/s): ` +
    `status ${summary.status}, rows ${summary.rows}, outcomes ${JSON.stringify(summary.outcomes)}`,
);
console.log(`split invocations (each hand-over starts one): ${invocations}`);
console.log(`ground truth ${JSON.stringify(want)}: ${matches && outcomesMatch ? 'equal' : 'DIFFERENT'}`);
console.log(
  `peak RSS of this process (emulators, all functions): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
process.exit(matches && outcomesMatch ? 0 : 1);
