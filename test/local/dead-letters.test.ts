// `npm run redrive`'s queue mover: every message sent back before it is deleted, and an empty read believed only
// when nobody holds a message of the queue (the dead-letter watch reads it for a moment).
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { redriveQueue } from '../../local/dead-letters.ts';

const sqs = mockClient(SQSClient);
const message = (n: number) => ({ MessageId: `m${n}`, ReceiptHandle: `r${n}`, Body: `{"n":${n}}` });

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  sqs.on(DeleteMessageBatchCommand).resolves({});
});

describe('redriveQueue', () => {
  it('sends every message back, then deletes it, and stops when the queue is empty and nothing is held', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message(1), message(2)] })
      .resolves({ Messages: [] });
    sqs
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { ApproximateNumberOfMessagesNotVisible: '0' } });
    expect(await redriveQueue(new SQSClient({}), 'dlq', 'queue')).toBe(2);
    expect(
      sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.map((e) => e.MessageBody),
    ).toEqual(['{"n":1}', '{"n":2}']);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(1);
  });

  it('waits for messages someone holds for a moment instead of stopping short', async () => {
    // the watch held message 3 during the first empty read; it is back on the next
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [] })
      .resolvesOnce({ Messages: [message(3)] })
      .resolves({ Messages: [] });
    sqs
      .on(GetQueueAttributesCommand)
      .resolvesOnce({ Attributes: { ApproximateNumberOfMessagesNotVisible: '1' } })
      .resolves({ Attributes: { ApproximateNumberOfMessagesNotVisible: '0' } });
    expect(await redriveQueue(new SQSClient({}), 'dlq', 'queue', { pollMs: 1 })).toBe(1);
  });

  it('gives up waiting once its patience is spent, with what it moved', async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    sqs
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { ApproximateNumberOfMessagesNotVisible: '4' } });
    expect(await redriveQueue(new SQSClient({}), 'dlq', 'queue', { patienceMs: 20, pollMs: 5 })).toBe(0);
    expect(sqs.commandCalls(ReceiveMessageCommand).length).toBeGreaterThan(1);
  });
});
