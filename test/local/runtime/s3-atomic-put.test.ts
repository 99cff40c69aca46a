// The local S3 replaces an object atomically, as S3 does: a GET while a PUT of the same key is still arriving
// reads the old object whole, and a GET after the PUT's answer reads the new one whole.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../../local/runtime/emulators.ts';

let emulators: Emulators;
let s3: S3Client;

beforeAll(async () => {
  emulators = await startEmulators({
    dir: await mkdtemp(join(tmpdir(), 'dancu-s3-atomic-')),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
  });
  s3 = new S3Client({
    endpoint: emulators.endpoints.s3,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'atomic' }));
});
afterAll(async () => {
  s3?.destroy();
  await emulators?.stop();
});

const read = async (Key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket: 'atomic', Key }))).Body?.transformToString();

describe('local S3 PUT', () => {
  it('keeps the old object readable, whole, until the new one is written', async () => {
    const old = 'a'.repeat(300_000);
    await s3.send(new PutObjectCommand({ Bucket: 'atomic', Key: 'k', Body: old }));

    const body = new PassThrough();
    const replacing = s3.send(
      new PutObjectCommand({ Bucket: 'atomic', Key: 'k', Body: body, ContentLength: 300_000 }),
    );
    body.write('b'.repeat(100_000)); // a third of the new object has arrived
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await read('k')).toBe(old);

    body.end('b'.repeat(200_000));
    await replacing;
    expect(await read('k')).toBe('b'.repeat(300_000));
  });
});
