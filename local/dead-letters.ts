// Moves messages from a dead-letter queue back to its source queue, ten at a time, deleting each only once it
// has been sent again (so a crash part-way duplicates at worst, which the pipeline tolerates, and loses nothing).
// An empty read is believed only when no message of the queue is in flight: the dead-letter watch holds the messages
// it reads for a moment (shared/ingest/dead-letter-watch.ts), and a redrive that met it would otherwise stop short.
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** How many of the queue's messages someone holds (received, not yet deleted or visible again). */
async function inFlight(sqs: SQSClient, queue: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queue,
      AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

export async function redriveQueue(
  sqs: SQSClient,
  from: string,
  to: string,
  /** how long an empty read waits for messages someone else holds to come back, polling each `pollMs` */
  { patienceMs = 30_000, pollMs = 1000 }: { patienceMs?: number; pollMs?: number } = {},
): Promise<number> {
  let moved = 0;
  let waitUntil: number | undefined;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: from,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
      }),
    );
    if (Messages.length === 0) {
      if ((await inFlight(sqs, from)) === 0) return moved;
      waitUntil ??= Date.now() + patienceMs;
      if (Date.now() >= waitUntil) return moved;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      continue;
    }
    waitUntil = undefined;
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
