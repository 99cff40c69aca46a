// An SQS event as Lambda passes it, for a handler called directly (handler tests, benches). The local stack's
// event source builds its records from the messages SQS gives it instead (event-source.ts).
import type { SQSEvent } from 'aws-lambda';

export interface QueuedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
}

/** Lambda's event for `messages` of the queue `queueArn`, each on its `receiveCount`th delivery. */
export function sqsEventFor(queueArn: string, messages: QueuedMessage[], receiveCount = 1): SQSEvent {
  const awsRegion = queueArn.split(':')[3] ?? '';
  return {
    Records: messages.map(({ messageId, receiptHandle, body }) => ({
      messageId,
      receiptHandle,
      body,
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: '0',
        SenderId: 'x',
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
