// What every bench shares: medians, the machine a figure was measured on, and the --json line that
// bench/run-all.ts collects (the bench's human output then goes to stderr, so stdout holds the JSON alone).
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { S3Client } from '@aws-sdk/client-s3';

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
