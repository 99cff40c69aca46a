// `npm run rekey` over the batches bucket: every outcomes.csv and review.csv under the reports prefix read once to count
// its legacy keys, and those that hold some read again and written back sealed (rekey-csv.ts), streamed both ways. A
// report without a legacy key is not written, so a second run writes nothing. The bucket is versioned: the version
// replaced stays until the lifecycle rule expires it (docs/operations.md, "Re-keying the register").
import { Readable } from 'node:stream';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { s3 } from '../aws/clients.ts';
import { PREFIXES, type ReportFile } from '../keys.ts';
import { ReportSealer, sealReport } from './rekey-csv.ts';

/** The report files that show person keys. */
const KEYED_FILES: ReportFile[] = ['outcomes.csv', 'review.csv'];
/** Reports read at once. */
const CONCURRENCY = 4;

export interface ReportRekeyOptions {
  bucket: string;
  keyer: PersonKeyer;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface ReportRekeyCounts {
  /** outcomes.csv and review.csv files read */
  files: number;
  /** files that held legacy keys: rewritten (in a dry run: to rewrite) */
  rewritten: number;
  /** legacy keys sealed (to seal) in them */
  keys: number;
  complete: boolean;
}

async function* reportFiles(bucket: string): AsyncGenerator<string> {
  const pages = paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: PREFIXES.reports });
  for await (const page of pages) {
    for (const { Key } of page.Contents ?? []) {
      if (Key && KEYED_FILES.some((file) => Key.endsWith(`/${file}`))) yield Key;
    }
  }
}

async function open(bucket: string, key: string) {
  const { Body, ContentType } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { body: Body as Readable, contentType: ContentType };
}

/** The legacy keys one report holds; when it holds some (and not `dryRun`), the report written back sealed. */
async function rekeyReport(
  bucket: string,
  key: string,
  keyer: PersonKeyer,
  dryRun?: boolean,
): Promise<number> {
  const counting = new ReportSealer(keyer);
  for await (const _ of sealReport((await open(bucket, key)).body, counting));
  if (counting.sealed === 0 || dryRun) return counting.sealed;
  const { body, contentType } = await open(bucket, key);
  const sealed = Readable.from(sealReport(body, new ReportSealer(keyer)), { objectMode: false });
  await new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: sealed, ContentType: contentType },
  }).done();
  return counting.sealed;
}

/** Seals the legacy keys of every report in the bucket, or counts them (`dryRun`). */
export async function rekeyReports(options: ReportRekeyOptions): Promise<ReportRekeyCounts> {
  const counts: ReportRekeyCounts = { files: 0, rewritten: 0, keys: 0, complete: false };
  const files = reportFiles(options.bucket);
  const worker = async () => {
    for (let next = await files.next(); !next.done; next = await files.next()) {
      const keys = await rekeyReport(options.bucket, next.value, options.keyer, options.dryRun);
      counts.files += 1;
      if (keys > 0) counts.rewritten += 1;
      counts.keys += keys;
      if (options.signal?.aborted) return;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  // a worker that saw the signal left files unread
  counts.complete = !options.signal?.aborted;
  return counts;
}
