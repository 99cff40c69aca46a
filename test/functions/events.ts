// Shared set-up for handler unit tests: the environment the functions read as they load, and the events and
// Lambda context they are invoked with.
import type { Context, SQSEvent } from 'aws-lambda';
import { sqsEventFor } from '../../local/runtime/sqs-event.ts';

/** What every function reads as it loads: a region and credentials for its SDK clients, and a silent log. */
const FUNCTION_ENVIRONMENT = {
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

export function setPipelineEnvironment(): void {
  Object.assign(process.env, FUNCTION_ENVIRONMENT, {
    BATCHES_BUCKET: 'batches-bucket',
    BATCHES_TABLE: 'batches-table',
    REGISTER_TABLE: 'register-table',
    AGENCIES_TABLE: 'agencies-table',
    HISTORY_TABLE: 'history-table',
    HISTORY_DAYS: '3653',
    INTAKE_QUEUE_URL: 'https://sqs.local/intake',
    RECORDS_QUEUE_URL: 'https://sqs.local/records',
    FINALIZE_QUEUE_URL: 'https://sqs.local/finalize',
    INTAKE_DEAD_LETTER_QUEUE_URL: 'https://sqs.local/intake-dlq',
    RECORDS_DEAD_LETTER_QUEUE_URL: 'https://sqs.local/records-dlq',
    FINALIZE_DEAD_LETTER_QUEUE_URL: 'https://sqs.local/finalize-dlq',
    POWERTOOLS_METRICS_DISABLED: 'true',
    // the principal of s3Notification(): the one that signs upload URLs
    UPLOAD_SIGNER: 'AIDAEXAMPLE',
    // finalize: how long a rejected form waits to be re-collected (issue 18)
    KEEP_REJECTED_DAYS: '30',
  });
}

/** The procedure-status functions (status, lookup) build their applications store as they load. */
export function setProceduresEnvironment(): void {
  Object.assign(process.env, FUNCTION_ENVIRONMENT, { APPLICATIONS_TABLE: 'applications-table' });
}

/** The agency function builds its stores, and reads its page's client, as it loads. */
export function setAgencyEnvironment(): void {
  Object.assign(process.env, FUNCTION_ENVIRONMENT, {
    BATCHES_BUCKET: 'batches-bucket',
    BATCHES_TABLE: 'batches-table',
    REGISTER_TABLE: 'register-table',
    AGENCIES_TABLE: 'agencies-table',
    IDS_TABLE: 'ids-table',
    HISTORY_TABLE: 'history-table',
    HISTORY_DAYS: '3653',
    PEOPLE_CLIENT_ID: 'people-client',
  });
}

export function sqsEvent(bodies: unknown[], receiveCount = 1, senderId?: string): SQSEvent {
  const messages = bodies.map((message, i) => ({
    messageId: `m${i}`,
    receiptHandle: `r${i}`,
    body: typeof message === 'string' ? message : JSON.stringify(message),
    ...(senderId ? { senderId } : {}),
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
