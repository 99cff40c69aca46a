// The queue → function event source on the real emulators: batches, partial failures, redelivery after the
// visibility timeout, the dead-letter queue, the concurrency cap, timeouts and stopping.
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalClients, type LocalClients } from '../../../local/runtime/clients.ts';
import { type Emulators, startEmulators } from '../../../local/runtime/emulators.ts';
import {
  type EventSource,
  type SqsFunctionHandler,
  startEventSource,
} from '../../../local/runtime/event-source.ts';
import { type LocalNames, type LocalQueue, provision } from '../../../local/runtime/provision.ts';
import { failedMessageIds } from '../../../local/runtime/sqs-event.ts';
import type { QueueSource } from '../../../shared/resources.ts';
import { FREE_PORTS, recordingLogger, sleep, temporaryDir, waitFor } from './helpers.ts';

let emulators: Emulators;
let names: LocalNames;
let clients: LocalClients;
let sources: EventSource[];
const log = recordingLogger();

beforeEach(async () => {
  emulators = await startEmulators({ dir: await temporaryDir(), ports: FREE_PORTS });
  names = await provision({
    endpoints: emulators.endpoints,
    visibilityTimeouts: { intake: 1, records: 1, finalize: 1 },
    log,
  });
  clients = createLocalClients(emulators.endpoints);
  sources = [];
  log.lines.length = 0;
});

afterEach(async () => {
  await Promise.all(sources.map((source) => source.stop()));
  clients.destroy();
  await emulators.stop();
});

function run(
  queue: LocalQueue,
  handler: SqsFunctionHandler,
  source: Partial<Omit<QueueSource, 'queue'>> = {},
  timeoutSeconds = 5,
): EventSource {
  const started = startEventSource({
    functionName: 'dancu-test',
    handler,
    queue,
    source: { batchSize: 1, maxBatchingWindowSeconds: 0, maximumConcurrency: 1, ...source },
    timeoutSeconds,
    memoryMb: 1024,
    sqs: clients.sqs,
    region: names.region,
    log,
  });
  sources.push(started);
  return started;
}

async function send(queue: LocalQueue, ...bodies: string[]): Promise<void> {
  await clients.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queue.url,
      Entries: bodies.map((body, i) => ({ Id: `e${i}`, MessageBody: body })),
    }),
  );
}

async function messagesOn(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

const bodies = (event: SQSEvent) => event.Records.map((record) => record.body);
const receiveCounts = (event: SQSEvent) =>
  event.Records.map((record) => record.attributes.ApproximateReceiveCount);

describe('event source', () => {
  it('hands a function a real SQS event and a Lambda context', async () => {
    const queue = names.queues.records;
    const seen: { event: SQSEvent; context: Context; remaining: number[] }[] = [];
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"chunk":1}',
        MessageAttributes: { batchId: { DataType: 'String', StringValue: 'b-1' } },
      }),
    );
    run(
      queue,
      async (event, context) => {
        const remaining = [context.getRemainingTimeInMillis()];
        await sleep(100);
        remaining.push(context.getRemainingTimeInMillis());
        seen.push({ event, context, remaining });
      },
      {},
      2,
    );
    const { event, context, remaining } = await waitFor(() => seen[0], 5000, 'an invocation');
    const [record] = event.Records;
    expect(record).toMatchObject({
      body: '{"chunk":1}',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'ap-southeast-1',
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: { batchId: { stringValue: 'b-1', dataType: 'String', stringListValues: [] } },
    });
    expect(record?.messageId).toMatch(/^[\w-]{36}$/);
    expect(record?.receiptHandle).toBeTruthy();
    expect(record?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(record?.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(context).toMatchObject({
      functionName: 'dancu-test',
      memoryLimitInMB: '1024',
      functionVersion: '$LATEST',
    });
    expect(context.awsRequestId).toMatch(/^[\w-]{36}$/);
    expect(remaining[0]).toBeLessThanOrEqual(2000);
    expect(remaining[0]).toBeGreaterThan(1800);
    expect((remaining[0] ?? 0) - (remaining[1] ?? 0)).toBeGreaterThanOrEqual(90);
    await waitFor(async () => (await messagesOn(queue.url)) === 0, 2000, 'the message deleted');
  });

  it('deletes only the messages that succeeded and redelivers a failed one after the visibility timeout', async () => {
    const queue = names.queues.records;
    const invocations: SQSEvent[] = [];
    await send(queue, 'a', 'b', 'c');
    run(
      queue,
      async (event) => {
        invocations.push(event);
        const failed = event.Records.filter(
          (r) => r.body === 'b' && r.attributes.ApproximateReceiveCount === '1',
        );
        return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
      },
      { batchSize: 3 },
    );
    await waitFor(() => invocations.length >= 2, 5000, 'the redelivery');
    const [first, second] = invocations as [SQSEvent, SQSEvent];
    expect(bodies(first).sort()).toEqual(['a', 'b', 'c']);
    expect(bodies(second)).toEqual(['b']);
    expect(receiveCounts(second)).toEqual(['2']);
    await waitFor(async () => (await messagesOn(queue.url)) === 0, 2000, 'an empty queue');
    expect(invocations).toHaveLength(2);
  });

  it('redelivers the whole batch when the function throws', async () => {
    const queue = names.queues.records;
    const invocations: SQSEvent[] = [];
    await send(queue, 'a', 'b');
    run(
      queue,
      async (event) => {
        invocations.push(event);
        if (invocations.length === 1) throw new Error('DynamoDB said no');
      },
      { batchSize: 2 },
    );
    await waitFor(() => invocations.length >= 2 && invocations, 5000, 'the redelivery');
    expect(bodies(invocations[1] as SQSEvent).sort()).toEqual(['a', 'b']);
    expect(receiveCounts(invocations[1] as SQSEvent)).toEqual(['2', '2']);
    expect(log.lines.some((line) => line.includes('Error: DynamoDB said no'))).toBe(true);
  });

  it('fails the whole batch when an itemIdentifier is not a messageId of the batch', () => {
    const event = { Records: [{ messageId: 'm1' }, { messageId: 'm2' }] } as SQSEvent;
    expect(failedMessageIds(undefined, event)).toEqual(new Set());
    expect(failedMessageIds({ batchItemFailures: [] }, event)).toEqual(new Set());
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'm2' }] }, event)).toEqual(
      new Set(['m2']),
    );
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'm3' }] }, event)).toBe('all');
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: '' }] }, event)).toBe('all');
    expect(failedMessageIds({ batchItemFailures: [{}] }, event)).toBe('all');
    expect(failedMessageIds({ batchItemFailures: 'm1' }, event)).toBe('all');
  });

  it('redelivers a batch whose function runs past its timeout', async () => {
    const queue = names.queues.records;
    const receiveCountsSeen: string[][] = [];
    await send(queue, 'slow');
    run(
      queue,
      async (event) => {
        receiveCountsSeen.push(receiveCounts(event));
        if (receiveCountsSeen.length === 1) await sleep(600);
      },
      {},
      0.2,
    );
    await waitFor(() => receiveCountsSeen.length >= 2, 5000, 'the redelivery');
    expect(receiveCountsSeen).toEqual([['1'], ['2']]);
    expect(log.lines.some((line) => line.includes('timed out after 0.2 s'))).toBe(true);
  });

  it('moves a message that always fails to the dead-letter queue after maxReceiveCount receives', async () => {
    const queue = names.queues.finalize;
    expect(queue.maxReceiveCount).toBe(3);
    const counts: string[] = [];
    await send(queue, 'poison');
    run(queue, async (event) => {
      counts.push(...receiveCounts(event));
      throw new Error('cannot finalize');
    });
    await waitFor(async () => (await messagesOn(queue.deadLetter.url)) === 1, 8000, 'a dead letter');
    expect(counts).toEqual(['1', '2', '3']);
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.deadLetter.url }),
    );
    expect(Messages.map((m) => m.Body)).toEqual(['poison']);
    expect(await messagesOn(queue.url)).toBe(0);
    expect(log.lines.some((line) => line.includes(`tried 3 times goes to ${queue.deadLetter.name}`))).toBe(
      true,
    );
  }, 15_000);

  it('never runs more than maximumConcurrency invocations at once', async () => {
    const queue = names.queues.records;
    let running = 0;
    let most = 0;
    let done = 0;
    await send(queue, ...'abcdefghij'.split(''));
    await send(queue, 'k', 'l');
    run(
      queue,
      async () => {
        most = Math.max(most, ++running);
        await sleep(150);
        running--;
        done++;
      },
      { maximumConcurrency: 3 },
    );
    await waitFor(() => done === 12, 5000, 'every message');
    expect(most).toBe(3);
  });

  it('gathers messages within the batching window, until the batch is full or the window ends', async () => {
    const queue = names.queues.records;
    const invocations: { bodies: string[]; at: number }[] = [];
    await send(queue, 'a', 'b');
    run(queue, async (event) => void invocations.push({ bodies: bodies(event).sort(), at: Date.now() }), {
      batchSize: 4,
      maxBatchingWindowSeconds: 1,
    });
    await sleep(300);
    await send(queue, 'c', 'd');
    await waitFor(() => invocations.length === 1, 5000, 'a full batch');
    expect(invocations[0]?.bodies).toEqual(['a', 'b', 'c', 'd']);
    const sentAt = Date.now();
    await send(queue, 'e');
    await waitFor(() => invocations.length === 2, 5000, 'the window to end');
    expect(invocations[1]?.bodies).toEqual(['e']);
    expect((invocations[1]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(900);
  });

  it('waits for the invocations in flight when stopped, and logs no message body', async () => {
    const queue = names.queues.records;
    let finished = false;
    let started = false;
    await send(queue, '{"fullName":"Nguyễn Văn An"}');
    const source = run(queue, async () => {
      started = true;
      await sleep(300);
      finished = true;
    });
    await waitFor(() => started, 5000, 'an invocation');
    await source.stop();
    expect(finished).toBe(true);
    expect(await messagesOn(queue.url)).toBe(0);
    expect(log.lines.join('\n')).not.toContain('Nguyễn');
  });
});
