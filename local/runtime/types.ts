// The shapes the local stack hands around: where the emulators listen, what was provisioned on them, and the
// Lambda event, context and handler types (written out like `@types/aws-lambda`, which this repo does not use).
import type { QueueId, TableId } from '../../shared/resources.ts';

/** Base URLs (`http://127.0.0.1:PORT`) of the emulators, one per AWS service. */
export interface LocalEndpoints {
  s3: string;
  sqs: string;
  dynamodb: string;
}

/** Ports to listen on; 0 picks a free one (tests). */
export interface LocalPorts {
  s3: number;
  sqs: number;
  dynamodb: number;
}

export interface LocalQueueName {
  name: string;
  url: string;
  arn: string;
}

export interface LocalQueue extends LocalQueueName {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  deadLetter: LocalQueueName;
}

/** What the provisioning created on the emulators, by the ids of `shared/resources.ts`. */
export interface LocalNames {
  region: string;
  buckets: { batches: string };
  tables: Record<TableId, string>;
  queues: Record<QueueId, LocalQueue>;
}

export interface Logger {
  info(line: string): void;
  error(line: string): void;
}

// --- Lambda shapes (as in @types/aws-lambda) ---

export interface SQSMessageAttribute {
  stringValue?: string | undefined;
  /** base64 */
  binaryValue?: string | undefined;
  stringListValues?: string[] | undefined;
  binaryListValues?: string[] | undefined;
  dataType: string;
}

export interface SQSRecordAttributes {
  AWSTraceHeader?: string | undefined;
  ApproximateReceiveCount: string;
  SentTimestamp: string;
  SenderId: string;
  ApproximateFirstReceiveTimestamp: string;
  SequenceNumber?: string | undefined;
  MessageGroupId?: string | undefined;
  MessageDeduplicationId?: string | undefined;
  DeadLetterQueueSourceArn?: string | undefined;
}

export interface SQSRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: SQSRecordAttributes;
  messageAttributes: Record<string, SQSMessageAttribute>;
  md5OfBody: string;
  md5OfMessageAttributes?: string | undefined;
  eventSource: string;
  eventSourceARN: string;
  awsRegion: string;
}

export interface SQSEvent {
  Records: SQSRecord[];
}

export interface SQSBatchItemFailure {
  itemIdentifier: string;
}

export interface SQSBatchResponse {
  batchItemFailures: SQSBatchItemFailure[];
}

export interface Context {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  identity?: undefined;
  clientContext?: undefined;
  getRemainingTimeInMillis(): number;
  /** @deprecated callback-style handlers are not supported (nor are they on the newest Lambda Node runtimes) */
  done(error?: Error, result?: unknown): void;
  /** @deprecated */
  fail(error: Error | string): void;
  /** @deprecated */
  succeed(messageOrObject: unknown): void;
}

/**
 * A function behind an SQS event source: returns nothing (every message succeeded), or
 * `{ batchItemFailures }` (ReportBatchItemFailures); a throw fails the whole batch.
 */
export type SqsFunctionHandler = (event: SQSEvent, context: Context) => unknown;
