// The batches bucket's notification: an upload under incoming/ reaches the split function as AWS delivers it,
// an S3 event notification inside an SQS message.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalClients, type LocalClients } from '../../../local/runtime/clients.ts';
import { encodeS3EventKey } from '../../../local/runtime/notifications.ts';
import { type LocalStack, startLocalStack } from '../../../local/runtime/stack.ts';
import { objectKeys, PREFIXES } from '../../../shared/keys.ts';
import { FREE_PORTS, recordingLogger, sleep, temporaryDir, waitFor } from './helpers.ts';

describe('encodeS3EventKey', () => {
  it('form-encodes each path segment as S3 event notifications do', () => {
    expect(encodeS3EventKey('incoming/CAT-GIALAI/batch_01.csv')).toBe('incoming/CAT-GIALAI/batch_01.csv');
    expect(encodeS3EventKey('incoming/CAT HN/Danh sách (1).csv')).toBe(
      'incoming/CAT+HN/Danh+s%C3%A1ch+%281%29.csv',
    );
    expect(encodeS3EventKey("a+b=c&d@e:f!g'h~i*j")).toBe('a%2Bb%3Dc%26d%40e%3Af%21g%27h%7Ei*j');
  });

  it('is undone by the usual decoding', () => {
    const key = 'incoming/CAT-ĐắkLắk/Hộ khẩu + tạm trú (bản 2).csv.gz';
    expect(decodeURIComponent(encodeS3EventKey(key).replace(/\+/g, ' '))).toBe(key);
  });
});

describe('ObjectCreated under incoming/ → intake queue → split', () => {
  let stack: LocalStack;
  let clients: LocalClients;
  const events: SQSEvent[] = [];
  const log = recordingLogger();

  beforeAll(async () => {
    stack = await startLocalStack({
      dir: await temporaryDir(),
      ports: FREE_PORTS,
      handlers: { split: async (event) => void events.push(event) },
      log,
    });
    clients = createLocalClients(stack.endpoints);
  });

  afterAll(async () => {
    clients?.destroy();
    await stack?.stop();
  });

  it('delivers an S3 event notification with the URL-encoded key, like AWS', async () => {
    const bucket = stack.names.buckets.batches;
    const key = 'incoming/CAT-GIALAI/Danh sách (1).csv';
    const content = 'full_name,date_of_birth\n';
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'reports/CAT-GIALAI/x/summary.json', Body: '{}' }),
    );
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: content }));

    const event = await waitFor(() => events[0], 5000, 'the split invocation');
    const [message] = event.Records;
    expect(message?.eventSourceARN).toBe(stack.names.queues.intake.arn);
    const notification = JSON.parse(message?.body ?? '{}');
    expect(Object.keys(notification)).toEqual(['Records']);
    expect(notification.Records).toHaveLength(1);
    const [record] = notification.Records;
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'ap-southeast-1',
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
        object: { key: 'incoming/CAT-GIALAI/Danh+s%C3%A1ch+%281%29.csv', size: Buffer.byteLength(content) },
      },
    });
    expect(record.s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]{16}$/);
    expect(Date.parse(record.eventTime)).not.toBeNaN();

    await sleep(200);
    expect(events).toHaveLength(1);
  });

  it('gives a later upload of the same key a greater sequencer', async () => {
    const bucket = stack.names.buckets.batches;
    const key = 'incoming/CAT-KONTUM/b.ndjson';
    events.length = 0;
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{}\n' }));
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{}\n{}\n' }));
    await waitFor(() => events.length === 2, 5000, 'two invocations');
    const sequencers = events.map((event) => JSON.parse(event.Records[0]?.body ?? '').Records[0].s3.object);
    const [first, second] = sequencers.sort((a, b) => a.size - b.size);
    expect(second.sequencer > first.sequencer).toBe(true);
  });
});

describe('ObjectCreated of a reference upload → finalize queue (issue 18)', () => {
  let stack: LocalStack;
  let clients: LocalClients;
  const finalized: SQSEvent[] = [];
  const split: SQSEvent[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      dir: await temporaryDir(),
      ports: FREE_PORTS,
      handlers: {
        split: async (event) => void split.push(event),
        finalize: async (event) => void finalized.push(event),
      },
      deadLetterWatchSeconds: 0,
      log: recordingLogger(),
    });
    clients = createLocalClients(stack.endpoints);
  });

  afterAll(async () => {
    clients?.destroy();
    await stack?.stop();
  });

  it('sends a .csv directly under reference/population/ to finalize, and its report or another file nowhere', async () => {
    const bucket = stack.names.buckets.batches;
    const put = (Key: string) => clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x\n' }));
    await put(objectKeys.referenceReport('gialai'));
    await put(`${PREFIXES.referencePopulation}notes.txt`);
    await put(objectKeys.referenceUpload('gialai'));
    const event = await waitFor(() => finalized[0], 5000, 'the finalize invocation');
    expect(event.Records[0]?.eventSourceARN).toBe(stack.names.queues.finalize.arn);
    const notification = JSON.parse(event.Records[0]?.body ?? '{}');
    expect(notification.Records[0].s3.object.key).toBe(objectKeys.referenceUpload('gialai'));
    await sleep(300);
    expect(finalized).toHaveLength(1);
    expect(split).toHaveLength(0);
  });
});
