// An SQS event as Lambda passes it: built from the messages SQS gives the local stack's event source
// (event-source.ts), or for a handler called directly (handler tests, benches); and what a partial batch response
// says failed.
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttribute, SQSRecord } from 'aws-lambda';

export interface QueuedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** the SQS SenderId: the sender's IAM unique id (locally its access key id) */
  senderId?: string;
}

/** Lambda's event for `messages` of the queue `queueArn`, each on its `receiveCount`th delivery. */
export function sqsEventFor(queueArn: string, messages: QueuedMessage[], receiveCount = 1): SQSEvent {
  const awsRegion = queueArn.split(':')[3] ?? '';
  return {
    Records: messages.map(({ messageId, receiptHandle, body, senderId }) => ({
      messageId,
      receiptHandle,
      body,
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: '0',
        SenderId: senderId ?? 'x',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion,
    })),
  };
}

/**
 * The messages a ReportBatchItemFailures response names, or 'all' when Lambda would fail the whole batch:
 * a batchItemFailures that is not a list, or an itemIdentifier that is empty or not a messageId of the batch.
 * No response, or one without batchItemFailures, is a complete success.
 */
export function failedMessageIds(response: unknown, event: SQSEvent): Set<string> | 'all' {
  if (typeof response !== 'object' || response === null) return new Set();
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const inBatch = new Set(event.Records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !inBatch.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const system = message.Attributes ?? {};
  const messageAttributes: Record<string, SQSMessageAttribute> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
        : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((bytes) => Buffer.from(bytes).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  const optional = (
    ['AWSTraceHeader', 'SequenceNumber', 'MessageGroupId', 'MessageDeduplicationId'] as const
  ).filter((name) => system[name] !== undefined);
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
      SentTimestamp: system.SentTimestamp ?? '',
      SenderId: system.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? '',
      ...Object.fromEntries(optional.map((name) => [name, system[name]])),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}
