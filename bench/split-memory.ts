// bench/split-memory: peak RSS of the split function alone on generated files of growing size, to show that
// it does not grow with the file. The local stack runs here with no handlers (messages wait on the queues);
// the split handler runs in a child process of its own (bench/split-worker.ts), pointed at the same emulators.
// Usage: npm run bench:split-memory -- [--rows 100000,1000000] [--json]
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { benchAgencies } from '../local/demo-agencies.ts';
import { LOCAL_UPLOAD_SIGNER } from '../local/runtime/account.ts';
import { startLocalStack } from '../local/runtime/stack.ts';
import { signerMetadata } from '../local/upload-ticket.ts';
import { objectKeys } from '../shared/keys.ts';
import { FUNCTIONS } from '../shared/resources.ts';
import { writeBatch } from '../tools/synthetic/write.ts';
import { jsonMode, machine, printJson } from './report.ts';

const json = jsonMode();
const { values } = parseArgs({
  options: { rows: { type: 'string', default: '100000,1000000' }, json: { type: 'boolean', default: false } },
});
const sizes = values.rows.split(',').map(Number);
const outDir = join(import.meta.dirname, 'out');
mkdirSync(outDir, { recursive: true });
const quiet = { info: () => undefined, error: (line: string) => console.error(line) };
const stack = await startLocalStack({
  dir: await mkdtemp(join(tmpdir(), 'dancu-split-')),
  ports: { s3: 0, sqs: 0, dynamodb: 0 },
  handlers: {},
  agencies: benchAgencies(),
  log: quiet,
});
const s3 = new S3Client({
  region: stack.names.region,
  endpoint: stack.endpoints.s3,
  forcePathStyle: true,
  // the upload signer's key: the split admits its uploads only (what an upload URL of the agency function puts)
  credentials: LOCAL_UPLOAD_SIGNER,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

// the split function's heap limit, as deployed (shared/resources.ts)
const heapLimit = FUNCTIONS.split.maxHeapMb ? [`--max-old-space-size=${FUNCTIONS.split.maxHeapMb}`] : [];
console.log(
  `bench/split-memory: the split function alone, in its own process (peak RSS = its maxRSS), ${heapLimit.join(' ')}`,
);
console.log('rows        MB      seconds   rows/s     peak RSS    CPU s');
const results: {
  rows: number;
  MB: number;
  seconds: number;
  cpuSeconds: number;
  rowsPerSecond: number;
  peakRssMB: number;
}[] = [];
for (const rows of sizes) {
  const file = join(outDir, `split-${rows}.csv`);
  if (!existsSync(file)) {
    const out = createWriteStream(file);
    await writeBatch(out, { rows, seed: 896, errorRate: 0.05, duplicateRate: 0.05 });
    out.end();
    await once(out, 'finish');
  }
  const key = objectKeys.upload('CA-BENCH', `split-${rows}.csv`);
  await new Upload({
    client: s3,
    params: {
      Bucket: stack.names.buckets.batches,
      Key: key,
      Body: createReadStream(file),
      Metadata: signerMetadata(objectKeys.parseUpload(key)?.agencyCode ?? ''),
    },
    partSize: 64 << 20,
  }).done();
  // not execFileSync: the emulators live in this process and must go on answering the worker
  const { stdout: out } = await promisify(execFile)(
    'node',
    [
      ...heapLimit,
      ...(process.env.SPLIT_NODE_OPTIONS?.split(' ') ?? []),
      '--import',
      'tsx',
      join(import.meta.dirname, 'split-worker.ts'),
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        ...stack.env,
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      maxBuffer: 1 << 24,
    },
  );
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    rows: number;
    seconds: number;
    cpuSeconds: number;
    peakRssMB: number;
    bytes: number;
    peaksMB: Record<string, number>;
  };
  console.log(
    [
      String(rows).padEnd(10),
      (result.bytes / 1e6).toFixed(0).padStart(5),
      result.seconds.toFixed(1).padStart(10),
      Math.round(rows / result.seconds)
        .toLocaleString('en')
        .padStart(9),
      `${result.peakRssMB} MB`.padStart(11),
      result.cpuSeconds.toFixed(1).padStart(8),
      `  ${JSON.stringify(result.peaksMB)}`,
    ].join(' '),
  );
  results.push({
    rows,
    MB: Math.round(result.bytes / 1e6),
    seconds: Number(result.seconds.toFixed(1)),
    cpuSeconds: Number(result.cpuSeconds.toFixed(1)),
    rowsPerSecond: Math.round(rows / result.seconds),
    peakRssMB: result.peakRssMB,
  });
}
await stack.stop();
if (json) printJson({ bench: 'split-memory', machine: machine(), heapLimit: heapLimit.join(' '), results });
process.exit(0);
