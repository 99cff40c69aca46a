// The batches bucket as the pipeline uses it: reading uploads (whole or from a byte offset), the work files of
// a batch in flight (chunks, outcomes, rejected rows: one JSON value per line) and the reports.
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from '../aws/clients.ts';

const WORK = 'work/';
const REPORTS = 'reports/';

export const workKeys = {
  chunk: (batchId: string, partition: number, seq: number) =>
    `${WORK}${batchId}/chunks/${partition}/${seq}.ndjson`,
  outcomes: (batchId: string, partition: number, seq: number) =>
    `${WORK}${batchId}/outcomes/${partition}/${seq}.ndjson`,
  rejected: (batchId: string, seq: number) => `${WORK}${batchId}/rejected/${seq}.ndjson`,
};

const INCOMING = /^incoming\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/([^/]+)$/;

/** The agency and file name of an upload key `incoming/{agencyCode}/{name}`, or undefined. */
export function parseIncomingKey(key: string): { agencyCode: string; name: string } | undefined {
  const match = INCOMING.exec(key);
  return match?.[1] && match[2] ? { agencyCode: match[1], name: match[2] } : undefined;
}

/** `reports/{agencyCode}/{name}/` for an upload `incoming/{agencyCode}/{name}`. */
export function reportPrefix(agencyCode: string, name: string): string {
  return `${REPORTS}${agencyCode}/${name}/`;
}

export class WorkFiles {
  constructor(readonly bucket: string) {}

  /** An uploaded object's bytes, from `offset` on when given (a ranged read for a resumed split). */
  async open(key: string, versionId?: string, offset = 0): Promise<Readable> {
    const { Body } = await s3.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        VersionId: versionId,
        Range: offset > 0 ? `bytes=${offset}-` : undefined,
      }),
    );
    return Body as Readable;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'NotFound' || error instanceof NoSuchKey) return false;
      throw error;
    }
  }

  async putLines(key: string, values: unknown[]): Promise<void> {
    // each line to bytes on its own: joining a chunk's 500 lines into one string and encoding that took 3× as long
    // (a sixth of the split's CPU in its profile, bench/split-memory with --cpu-prof)
    const body = Buffer.concat(values.map((value) => Buffer.from(`${JSON.stringify(value)}\n`)));
    await s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/x-ndjson',
      }),
    );
  }

  /** The values of a work file; an absent file holds none. */
  async readLines<T>(key: string): Promise<T[]> {
    try {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const text = (await Body?.transformToString('utf8')) ?? '';
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as T);
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return [];
      throw error;
    }
  }

  async putText(key: string, body: string, contentType: string): Promise<void> {
    await s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}
