// The batches bucket as the pipeline uses it, the Files port: reading uploads (whole or from a byte offset), the work
// files of a batch in flight (chunks, outcomes, rejected rows: one JSON value per line) and the reports. The keys:
// shared/keys.ts.
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from '../aws/clients.ts';
import type { Files } from '../model/ports.ts';

const GONE = new Set(['NotFound', 'NoSuchKey', 'NoSuchVersion', 'Forbidden', 'AccessDenied']);

export class WorkFiles implements Files {
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

  async metadata(key: string, versionId?: string): Promise<Record<string, string> | undefined> {
    try {
      const { Metadata } = await s3.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }),
      );
      return Metadata ?? {};
    } catch (error) {
      // a HEAD's error has no body: 404 is NotFound, and a missing object outside ListBucket 403 Forbidden
      if (GONE.has((error as Error).name)) return undefined;
      throw error;
    }
  }

  async putLines(key: string, values: unknown[]): Promise<void> {
    // each line to bytes on its own: cheaper than encoding one joined string (docs/benchmarks.md)
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

  async putText(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    await s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}
