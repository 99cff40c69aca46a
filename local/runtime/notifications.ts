// The batches bucket's event notifications: ObjectCreated under `incoming/` → the intake queue, and of a
// `reference/population/*.csv` → the finalize queue (infra/constructs/ingestion-storage.ts), one S3 event record per
// message, in the shape AWS sends. s3rver's own records differ from AWS's in small ways (region,
// bucket ARN, raw keys), so each is rebuilt here.
import type { EventEmitter } from 'node:events';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from './log.ts';
import { consoleLogger, describeError } from './log.ts';

export interface ForwardObjectCreatedOptions {
  /** s3rver's `event` emitter */
  s3Events: EventEmitter;
  sqs: SQSClient;
  bucket: string;
  prefix: string;
  /** only keys ending with it, as S3's suffix filter */
  suffix?: string;
  queue: { name: string; url: string };
  region: string;
  log?: Logger;
}

export interface ObjectCreatedForwarding {
  /** Stops listening and waits for the messages being sent. */
  stop(): Promise<void>;
}

/** The record fields s3rver fills in (see s3rver/lib/models/event.js). */
interface S3rverRecord {
  eventName?: string;
  eventTime?: string;
  userIdentity?: { principalId?: string };
  requestParameters?: { sourceIPAddress?: string };
  responseElements?: Record<string, string>;
  s3?: {
    bucket?: { name?: string; ownerIdentity?: { principalId?: string } };
    object?: { key?: string; size?: number; eTag?: string };
  };
}

export function forwardObjectCreated(options: ForwardObjectCreatedOptions): ObjectCreatedForwarding {
  const { s3Events, sqs, bucket, prefix, suffix = '', queue, region } = options;
  const log = options.log ?? consoleLogger;
  const sending = new Set<Promise<void>>();

  const onEvent = (notification: { Records?: S3rverRecord[] }) => {
    for (const record of notification.Records ?? []) {
      const key = record.s3?.object?.key ?? '';
      const created = record.eventName?.startsWith('ObjectCreated:') ?? false;
      if (!created || record.s3?.bucket?.name !== bucket || !key.startsWith(prefix) || !key.endsWith(suffix))
        continue;
      const body = JSON.stringify({ Records: [toAwsS3EventRecord(record, region)] });
      const send = sqs
        .send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }))
        .then(
          () => log.info(`s3 ${record.eventName} ${bucket}/${key} → ${queue.name}`),
          (error: unknown) =>
            log.error(`s3 ${bucket}/${key}: notification to ${queue.name} lost: ${describeError(error)}`),
        )
        .finally(() => sending.delete(send));
      sending.add(send);
    }
  };
  s3Events.on('event', onEvent);

  return {
    async stop() {
      s3Events.off('event', onEvent);
      await Promise.all(sending);
    },
  };
}

let lastSequencer = '';

/** S3's sequencer grows for later events on a key; consumers compare them (padded, as strings) to order events. */
function nextSequencer(): string {
  let sequencer = Date.now().toString(16).toUpperCase().padStart(16, '0');
  if (sequencer <= lastSequencer)
    sequencer = (BigInt(`0x${lastSequencer}`) + 1n).toString(16).toUpperCase().padStart(16, '0');
  lastSequencer = sequencer;
  return sequencer;
}

function toAwsS3EventRecord(record: S3rverRecord, region: string) {
  const bucket = record.s3?.bucket?.name ?? '';
  const object = record.s3?.object ?? {};
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: record.eventTime ?? new Date().toISOString(),
    eventName: record.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: record.userIdentity?.principalId ?? 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: record.requestParameters?.sourceIPAddress ?? '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': record.responseElements?.['x-amz-request-id'] ?? '',
      'x-amz-id-2': record.responseElements?.['x-amz-id-2'] ?? '',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'incoming-batches',
      bucket: {
        name: bucket,
        ownerIdentity: { principalId: record.s3?.bucket?.ownerIdentity?.principalId ?? 'LOCAL' },
        arn: `arn:aws:s3:::${bucket}`,
      },
      object: {
        key: encodeS3EventKey(object.key ?? ''),
        size: object.size ?? 0,
        ...(object.eTag ? { eTag: object.eTag } : {}),
        sequencer: nextSequencer(),
      },
    },
  };
}

/**
 * An object key as S3 writes it into event notifications: form-URL-encoded (a space is `+`; letters, digits and
 * `-_.*` stay; other bytes of the UTF-8 become `%XX`), with `/` kept. Consumers undo it with
 * `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+'),
    )
    .join('/');
}
