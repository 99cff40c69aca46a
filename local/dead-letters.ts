// Moves messages from a dead-letter queue back to its source queue, ten at a time, deleting each only once it
// has been sent again (so a crash part-way duplicates at worst, which the pipeline tolerates, and loses nothing).
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export async function redriveQueue(sqs: SQSClient, from: string, to: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: from,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
      }),
    );
    if (Messages.length === 0) return moved;
    const entries = Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' }));
    const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: to, Entries: entries }));
    const sent = Messages.filter((_, i) => !Failed.some((f) => f.Id === String(i)));
    if (sent.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: from,
          Entries: sent.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    moved += sent.length;
    if (Failed.length > 0)
      throw new Error(`${Failed.length} messages could not be sent back: ${Failed[0]?.Code}`);
  }
}
