// Shared set-up for handler unit tests: the environment the functions read, and S3 bodies as the SDK gives them.
import { Readable } from 'node:stream';
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { sqsEventFor } from '../../local/runtime/sqs-event.ts';

export function setPipelineEnvironment(): void {
  Object.assign(process.env, {
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    BATCHES_BUCKET: 'batches-bucket',
    BATCHES_TABLE: 'batches-table',
    REGISTER_TABLE: 'register-table',
    INTAKE_QUEUE_URL: 'https://sqs.local/intake',
    RECORDS_QUEUE_URL: 'https://sqs.local/records',
    FINALIZE_QUEUE_URL: 'https://sqs.local/finalize',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    // the uploader of s3Notification() acts for CA-PLEIKU, the agency of the tests' keys
    AGENCY_UPLOADERS: JSON.stringify({ AIDAEXAMPLE: 'CA-PLEIKU' }),
  });
}

/** An S3 GetObject body: a stream that also has the SDK's transformToString. */
export function body(text: string | Buffer) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  return Object.assign(Readable.from([bytes]), { transformToString: async () => bytes.toString('utf8') });
}

export function sqsEvent(bodies: unknown[], receiveCount = 1): SQSEvent {
  const messages = bodies.map((message, i) => ({
    messageId: `m${i}`,
    receiptHandle: `r${i}`,
    body: typeof message === 'string' ? message : JSON.stringify(message),
  }));
  return sqsEventFor('arn:aws:sqs:ap-southeast-1:000000000000:q', messages, receiveCount);
}

export function lambdaContext(remainingMs = 600_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test',
    functionVersion: '1',
    invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:test',
    memoryLimitInMB: '1024',
    awsRequestId: 'req-1',
    logGroupName: 'g',
    logStreamName: 's',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An S3 ObjectCreated notification as AWS sends it to a queue; `extra` overrides the object's fields. */
export function s3Notification(key: string, extra: Record<string, unknown> = {}, bucket = 'batches-bucket') {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'ap-southeast-1',
        eventTime: '2026-11-27T00:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'c',
          bucket: { name: bucket, ownerIdentity: { principalId: 'o' }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/'),
            size: 10,
            eTag: 'e1',
            sequencer: '0A1',
            ...extra,
          },
        },
      },
    ],
  };
}

export interface RegisterMocks {
  s3: AwsClientStub<S3Client>;
  sqs: AwsClientStub<SQSClient>;
  dynamo: AwsClientStub<DynamoDBDocumentClient>;
  /** createPerson writes attribute values with the base client (register-store.ts) */
  base: AwsClientStub<DynamoDBClient>;
}

/**
 * The register handler's world, reset for each test: batch `b1` (`batchItem`) whose chunk holds `line`, no outcomes
 * yet, and every write accepted (an UpdateCommand answers `updated`).
 */
export function resetRegisterMocks(
  { s3, sqs, dynamo, base }: RegisterMocks,
  line: unknown,
  batchItem: Record<string, unknown>,
  updated: Record<string, unknown> = {},
): void {
  for (const mock of [s3, sqs, dynamo, base]) mock.reset();
  base.on(PutItemCommand).resolves({});
  s3.on(GetObjectCommand).resolves({ Body: body(`${JSON.stringify(line)}\n`) as never });
  s3.on(PutObjectCommand).resolves({});
  s3.on(HeadObjectCommand).rejects(Object.assign(new Error('not found'), { name: 'NotFound' }));
  sqs.on(SendMessageCommand).resolves({});
  dynamo.on(GetCommand, { Key: { pk: 'BATCH#b1', sk: 'META' } }).resolves({ Item: batchItem });
  dynamo.on(UpdateCommand).resolves(updated);
}
