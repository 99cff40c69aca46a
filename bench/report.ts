// What every bench shares: medians, the machine a figure was measured on, and the --json line that
// bench/run-all.ts collects (the bench's human output then goes to stderr, so stdout holds the JSON alone).
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { batchKeys } from '../shared/keys.ts';

/**
 * The Node flags of the tools that stream a whole file (`npm run check`, package.json) and of the bench passes that
 * measure them: Node 24's V8 sizes the young generation from the heap limit (three 32 MB semi-spaces under this
 * machine's 4 GB limit, against 16 MB on Node 20), which took a province file's check from 186 to 268 MB peak RSS and
 * read + validate from 123 to 216 MB. With 16 MB semi-spaces both are back and no slower (docs/benchmarks.md).
 * Without allocation-site pretenuring: in three runs of four V8 began to allocate some of the check's short-lived
 * objects straight in the old generation, which then grew to 80 MB between collections (the check's peak 249-265 MB
 * against 181-187 without it, and no slower; read + validate unchanged).
 */
export const STREAMING_NODE_FLAGS = ['--max-semi-space-size=16', '--no-allocation-site-pretenuring'];

export const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  freeMemoryGB: number;
  node: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the figure was printed: above `cores`, others were using the CPU */
  loadAverage: number[];
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Number((totalmem() / 2 ** 30).toFixed(1)),
    freeMemoryGB: Number((freemem() / 2 ** 30).toFixed(1)),
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: loadavg().map((n) => Number(n.toFixed(2))),
  };
}

/** `--json`: the human output moves to stderr, so that stdout carries only the one JSON line. */
export function jsonMode(argv: string[] = process.argv): boolean {
  const json = argv.includes('--json');
  if (json) console.log = console.error;
  return json;
}

export function printJson(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** An S3 client for the local stack's s3rver, configured as its notes require (path style, checksums only when required). */
export function localS3(
  endpoint: string,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): S3Client {
  return new S3Client({
    region,
    credentials,
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Follows the one batch of a fresh local stack through its stages (the batches table's META item): the seconds
 * since `started` at which each status was first seen. stop() ends the polling.
 */
export function watchBatchStages(
  dynamodb: DynamoDBClient,
  TableName: string,
  started: number,
): { stages: Record<string, number>; stop(): void } {
  const stages: Record<string, number> = {};
  let batchKey: Record<string, AttributeValue> | undefined;
  const timer = setInterval(async () => {
    if (!batchKey) {
      const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName, Limit: 50 }));
      const meta = Items.find((i) => i.sk?.S === batchKeys.batchSortKey);
      if (meta?.pk && meta.sk) batchKey = { pk: meta.pk, sk: meta.sk };
    }
    if (!batchKey) return;
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName, Key: batchKey }));
    const status = Item?.status?.S;
    if (status && stages[status] === undefined) stages[status] = (performance.now() - started) / 1000;
  }, 250);
  return { stages, stop: () => clearInterval(timer) };
}

/** Waits until an object exists (a batch's summary.json: its report is written). */
export async function waitForObject(s3: S3Client, Bucket: string, Key: string): Promise<void> {
  for (;;) {
    try {
      await s3.send(new HeadObjectCommand({ Bucket, Key }));
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
