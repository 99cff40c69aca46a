// The pipeline's dead-letter queues as the dead-letter watch reads them, the DeadLetters port: every message
// received, then made visible again at once, never deleted, so `npm run redrive` still moves each one back.
import {
  ChangeMessageVisibilityBatchCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { sqs } from '../aws/sqs.ts';
import type { DeadLetter, DeadLetters } from '../model/ports.ts';
import type { QueueId } from '../resources.ts';

/**
 * How long a message read stays hidden: long enough that one read of a queue sees each message once, short
 * enough that a redrive started meanwhile finds it again soon if making it visible again failed.
 */
const HOLD_SECONDS = 20;
/** Messages read of one queue per sweep at most; the rest wait for the next sweep (a queue is seldom so full). */
const MAX_PER_QUEUE = 1000;

export class DeadLetterQueues implements DeadLetters {
  /** `urls`: each watched queue's dead-letter queue URL, by the queue it takes the failures of */
  constructor(readonly urls: Partial<Record<QueueId, string>>) {}

  async peek(): Promise<DeadLetter[]> {
    const queues = Object.entries(this.urls) as [QueueId, string][];
    const read = await Promise.all(queues.map(([, url]) => this.read(url)));
    return queues.flatMap(([queue], i) =>
      (read[i] ?? []).map((message) => ({ queue, body: message.Body ?? '' })),
    );
  }

  /** Every message of one queue, each once, made visible again before this returns. */
  private async read(QueueUrl: string): Promise<Message[]> {
    const seen = new Map<string, Message>();
    try {
      while (seen.size < MAX_PER_QUEUE) {
        // the first read waits a second (a long poll asks every SQS server); the rest return at once, so the
        // messages read are hidden for as short a time as may be
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: HOLD_SECONDS,
            WaitTimeSeconds: seen.size === 0 ? 1 : 0,
          }),
        );
        const fresh = Messages.filter((message) => !seen.has(message.MessageId ?? ''));
        if (fresh.length === 0) break;
        for (const message of fresh) seen.set(message.MessageId ?? '', message);
      }
    } finally {
      await this.release(QueueUrl, [...seen.values()]);
    }
    return [...seen.values()];
  }

  private async release(QueueUrl: string, messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const Entries = messages.slice(i, i + 10).map((message, n) => ({
        Id: String(n),
        ReceiptHandle: message.ReceiptHandle ?? '',
        VisibilityTimeout: 0,
      }));
      // best effort: a message not released comes back by itself after HOLD_SECONDS
      await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries })).catch(() => undefined);
    }
  }
}
