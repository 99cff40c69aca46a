// A queue → function event source mapping, as Lambda runs one: long-poll the queue, gather up to batchSize
// messages within maxBatchingWindow, keep at most maximumConcurrency invocations in flight, delete what succeeded
// (all of it, or all but the `batchItemFailures`), and leave the rest to come back after the visibility timeout.
// A throw or a timeout fails the whole batch. The queue's RedrivePolicy moves a message to its dead-letter queue
// on the receive after its maxReceiveCount-th (fauxqs does that itself, as SQS does).
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueSource } from '../../shared/resources.ts';
import { invokeAlone } from './invocation.ts';
import { createLambdaContext } from './lambda-context.ts';
import { consoleLogger, describeError, type Logger } from './log.ts';
import type { LocalQueue } from './provision.ts';
import { failedMessageIds, toSqsRecord } from './sqs-event.ts';

/**
 * A function behind an SQS event source: returns nothing (every message succeeded), or
 * `{ batchItemFailures }` (ReportBatchItemFailures); a throw fails the whole batch.
 */
export type SqsFunctionHandler = (event: SQSEvent, context: Context) => unknown;

/** SQS's longest long poll. */
const MAX_WAIT_TIME_SECONDS = 20;
const RECEIVE_RETRY_MS = [200, 1000, 5000] as const;

export interface EventSourceOptions {
  functionName: string;
  handler: SqsFunctionHandler;
  queue: LocalQueue;
  source: Omit<QueueSource, 'queue'>;
  /** may be fractional (tests) */
  timeoutSeconds: number;
  memoryMb: number;
  sqs: SQSClient;
  region: string;
  log?: Logger;
}

export interface EventSource {
  /** Stops polling and waits for the invocations in flight (not for those past their timeout). */
  stop(): Promise<void>;
}

type Outcome =
  | { kind: 'returned'; value: unknown }
  | { kind: 'threw'; error: unknown }
  | { kind: 'timedOut' };

export function startEventSource(options: EventSourceOptions): EventSource {
  const { functionName, handler, queue, source, sqs, region } = options;
  if (!(options.timeoutSeconds > 0)) throw new RangeError(`${functionName}: timeout must be positive`);
  if (!(source.batchSize >= 1 && source.maximumConcurrency >= 1)) {
    throw new RangeError(`${functionName}: batchSize and maximumConcurrency must be at least 1`);
  }
  const log = options.log ?? consoleLogger;
  const timeoutMs = options.timeoutSeconds * 1000;
  // A long poll longer than the visibility timeout makes some emulators hand out a message twice.
  const waitTimeSeconds = Math.min(MAX_WAIT_TIME_SECONDS, queue.visibilityTimeoutSeconds);
  const polling = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const slots = new Slots(source.maximumConcurrency);
  let stopped = false;

  async function receive(maxMessages: number, waitSeconds: number): Promise<Message[]> {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(10, maxMessages),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: polling.signal },
    );
    return Messages ?? [];
  }

  /** Up to batchSize messages: the window opens with the first message and closes when full or elapsed. */
  async function collectBatch(): Promise<Message[]> {
    const batch: Message[] = [];
    const windowMs = source.maxBatchingWindowSeconds * 1000;
    let closesAt: number | undefined;
    while (!stopped && batch.length < source.batchSize) {
      const remainingMs = closesAt === undefined ? undefined : closesAt - Date.now();
      if (remainingMs !== undefined && remainingMs <= 0) break;
      const wait =
        remainingMs === undefined
          ? waitTimeSeconds
          : Math.min(waitTimeSeconds, Math.floor(remainingMs / 1000));
      let received: Message[];
      try {
        received = await receive(source.batchSize - batch.length, wait);
      } catch (error) {
        if (batch.length === 0) throw error;
        break; // stopping, or the emulator went away: hand over what is already received
      }
      for (const message of received) {
        // A window longer than the visibility timeout sees a message again; only its newest receipt handle deletes it.
        const earlier = batch.findIndex((m) => m.MessageId === message.MessageId);
        if (earlier >= 0) batch.splice(earlier, 1);
        batch.push(message);
      }
      if (received.length === 0 && remainingMs !== undefined && wait === 0)
        await sleep(Math.min(remainingMs, 50));
      if (batch.length > 0 && closesAt === undefined) {
        if (windowMs === 0) break;
        closesAt = Date.now() + windowMs;
      }
    }
    return batch;
  }

  async function invoke(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((message) => toSqsRecord(message, queue.arn, region)) };
    const context = createLambdaContext({ functionName, region, memoryMb: options.memoryMb, timeoutMs });
    const request = `[request ${context.awsRequestId}]`;
    const retries = event.Records.filter(
      (record) => record.attributes.ApproximateReceiveCount !== '1',
    ).length;
    log.info(
      `${functionName} ← ${plural(messages.length, 'message')} from ${queue.name}` +
        `${retries ? ` (${retries} redelivered)` : ''} ${request}`,
    );
    const startedAt = Date.now();
    const outcome = await runWithTimeout(
      () => invokeAlone(context, () => handler(event, context)),
      timeoutMs,
    );
    const took = `${Date.now() - startedAt} ms`;
    if (outcome.kind === 'timedOut') {
      // Lambda would end the invocation here; in this process it cannot be stopped, so it may still write.
      log.error(
        `${functionName} ✗ timed out after ${options.timeoutSeconds} s (still running in this process); ` +
          `${redelivery(event.Records)} ${request}`,
      );
      return;
    }
    if (outcome.kind === 'threw') {
      log.error(
        `${functionName} ✗ ${describeError(outcome.error)} after ${took}; ${redelivery(event.Records)} ${request}`,
      );
      return;
    }
    const failed = failedMessageIds(outcome.value, event);
    if (failed === 'all') {
      log.error(
        `${functionName} ✗ invalid batchItemFailures (an itemIdentifier that is no messageId of the batch); ` +
          `${redelivery(event.Records)} ${request}`,
      );
      return;
    }
    await deleteMessages(messages.filter((message) => !failed.has(message.MessageId ?? '')));
    if (failed.size === 0) {
      log.info(`${functionName} ✓ ${took}, ${plural(messages.length, 'message')} deleted ${request}`);
    } else {
      const failedRecords = event.Records.filter((record) => failed.has(record.messageId));
      log.error(
        `${functionName} ✗ ${failed.size} of ${plural(messages.length, 'message')} failed after ${took}; ` +
          `${redelivery(failedRecords)} ${request}`,
      );
    }
  }

  /** What happens next to messages that failed, in one clause. */
  function redelivery(records: SQSRecord[]): string {
    const exhausted = records.filter(
      (r) => Number(r.attributes.ApproximateReceiveCount) >= queue.maxReceiveCount,
    );
    const back = `back on ${queue.name} after ${queue.visibilityTimeoutSeconds} s`;
    if (exhausted.length === 0) return `${plural(records.length, 'message')} ${back}`;
    const toDeadLetter = `${plural(exhausted.length, 'message')} tried ${queue.maxReceiveCount} times go${exhausted.length === 1 ? 'es' : ''} to ${queue.deadLetter.name}`;
    const rest = records.length - exhausted.length;
    return rest ? `${plural(rest, 'message')} ${back}, ${toDeadLetter}` : toDeadLetter;
  }

  async function deleteMessages(messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      try {
        const { Failed } = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queue.url,
            Entries: chunk.map((message, j) => ({ Id: `m${j}`, ReceiptHandle: message.ReceiptHandle })),
          }),
        );
        for (const failure of Failed ?? [])
          log.error(`${functionName}: delete failed on ${queue.name}: ${failure.Code}`);
      } catch (error) {
        log.error(`${functionName}: delete failed on ${queue.name}: ${describeError(error)}`);
      }
    }
  }

  const polling$ = (async () => {
    let receiveErrors = 0;
    while (!stopped) {
      if (!(await slots.acquire())) break;
      let batch: Message[];
      try {
        batch = await collectBatch();
        receiveErrors = 0;
      } catch (error) {
        slots.release();
        if (stopped) break;
        const retryMs = RECEIVE_RETRY_MS[Math.min(receiveErrors, RECEIVE_RETRY_MS.length - 1)] ?? 5000;
        if (receiveErrors++ === 0)
          log.error(`${functionName}: cannot receive from ${queue.name}: ${describeError(error)}`);
        await sleep(retryMs);
        continue;
      }
      if (batch.length === 0) {
        slots.release();
        continue;
      }
      const invocation = invoke(batch)
        .catch((error: unknown) => log.error(`${functionName}: ${describeError(error)}`))
        .finally(() => {
          inFlight.delete(invocation);
          slots.release();
        });
      inFlight.add(invocation);
    }
  })();

  return {
    async stop() {
      stopped = true;
      polling.abort();
      slots.close();
      // like a Lambda environment shutting down, wait a while for work in flight, then leave it
      const settled = Promise.all([polling$, ...inFlight]).then(() => true);
      const waited = new Promise<boolean>((resolve) => setTimeout(resolve, STOP_WAIT_MS, false).unref());
      if (!(await Promise.race([settled, waited]))) {
        log.info(`${functionName}: stopped with ${inFlight.size} invocation(s) still running, left behind`);
      }
    },
  };
}

/** How long stop() waits for the poll and the invocations in flight. */
const STOP_WAIT_MS = 15_000;

/** Runs the handler; past the timeout stops waiting for it (it cannot be killed in this process). */
async function runWithTimeout(run: () => unknown, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timedOut' }), timeoutMs);
  });
  const settled = Promise.resolve()
    .then(run)
    .then(
      (value): Outcome => ({ kind: 'returned', value }),
      (error: unknown): Outcome => ({ kind: 'threw', error }),
    );
  try {
    return await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** A counting semaphore: at most `size` holders; once closed, acquire() answers false at once. */
class Slots {
  private free: number;
  private closed = false;
  private waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<boolean> {
    while (this.free === 0 && !this.closed) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.closed) return false;
    this.free--;
    return true;
  }

  release(): void {
    this.free++;
    this.waiting.shift()?.();
  }

  close(): void {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
