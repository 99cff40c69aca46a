import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { send } from '../../functions/commons/pipeline.ts';
import { setPipelineEnvironment } from './events.ts';

setPipelineEnvironment();
const sqs = mockClient(SQSClient);

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({});
  sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
});

describe('send', () => {
  it('sends to the URL in the queue’s variable: one message alone, more ten to a request', async () => {
    await send('records', [{ n: 0 }]);
    await send(
      'finalize',
      Array.from({ length: 11 }, (_, n) => ({ n })),
    );
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs.local/records', MessageBody: '{"n":0}' },
    ]);
    const batches = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(batches.map((batch) => [batch.QueueUrl, batch.Entries?.length])).toEqual([
      ['https://sqs.local/finalize', 10],
      ['https://sqs.local/finalize', 1],
    ]);
  });

  it('holds a message back when asked (a chunk copy handed back until its lease ends)', async () => {
    await send('records', [{ n: 0 }], 130);
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs.local/records', MessageBody: '{"n":0}', DelaySeconds: 130 },
    ]);
  });

  it('takes a queue id, so a misspelt queue fails the type check', () => {
    // @ts-expect-error a variable's name is not a queue id
    const misspelt = () => send('RECORDS_QUEUE_URL', []);
    expect(misspelt).toBeTypeOf('function');
  });
});
