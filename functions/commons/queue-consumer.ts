// The one SQS consumer: what every queue function does around its own step, written once. Each record of a batch
// is processed alone (partial batch response), so one bad message is retried alone; a failure is logged, and on the
// last delivery its queue allows (maxReceiveCount, shared/resources.ts) the handler's bookkeeping runs and the dead
// letter is counted before SQS moves the message to the dead-letter queue.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { MAX_RECEIVE_COUNT, type QueueId } from '../../shared/queues.ts';
import { logger } from './logger.ts';
import { observed, recordDeadLetter } from './observability.ts';

/** Which delivery of its message a record is. */
export interface Delivery {
  /** from 1: SQS's ApproximateReceiveCount */
  attempt: number;
  /** the deliveries the queue allows before its dead-letter queue: its maxReceiveCount */
  maxAttempts: number;
}

/** A failure logged at error level as `line`, with these fields, then the attempt and the error's name. */
export interface FailureLine<M> {
  line: string;
  fields(message: M, delivery: Delivery): Record<string, unknown>;
}

/** A failure the handler logs its own way (the status function: a malformed event's code, at warn). */
export type LogFailure<M> = (message: M, error: unknown, delivery: Delivery) => void;

export interface QueueConsumerOptions<M> {
  /** the queue consumed */
  queue: QueueId;
  /**
   * The record's message, or its messages (an S3 notification's objects; none for S3's test event), each handled
   * in turn. A record that does not parse fails as it is: not logged here, not counted as a dead letter.
   */
  parse(record: SQSRecord): M | readonly M[];
  /** set on the logger before the message is handled, so one search finds every function's lines */
  correlationId?(message: M): string;
  /** the function's step for one message; a throw fails the record, which SQS delivers again */
  handle(message: M, context: Context, delivery: Delivery): Promise<void>;
  failure: FailureLine<M> | LogFailure<M>;
  /** what the last delivery's failure leaves behind before the dead-letter queue (a failed batch, its report) */
  onLastAttempt?(message: M, error: unknown): Promise<void>;
}

/** How many times this message has been received, from its SQS attributes. */
export function receiveCount(record: { attributes: { ApproximateReceiveCount: string } }): number {
  return Number(record.attributes.ApproximateReceiveCount) || 1;
}

/** The Lambda handler of a queue function: each record parsed and handled alone, failures reported by record. */
export function queueConsumer<M>(options: QueueConsumerOptions<M>) {
  const { queue, parse, correlationId, handle, failure, onLastAttempt } = options;
  const processor = new BatchProcessor(EventType.SQS);
  const maxAttempts = MAX_RECEIVE_COUNT[queue];

  function logFailure(message: M, error: unknown, delivery: Delivery): void {
    if (typeof failure === 'function') {
      failure(message, error, delivery);
      return;
    }
    const fields = failure.fields(message, delivery);
    logger.error(failure.line, { ...fields, attempt: delivery.attempt, error: (error as Error).name });
  }

  async function handleRecord(record: SQSRecord, context: Context): Promise<void> {
    const parsed = parse(record);
    const messages = (Array.isArray(parsed) ? parsed : [parsed]) as readonly M[];
    const delivery = { attempt: receiveCount(record), maxAttempts };
    for (const message of messages) {
      if (correlationId) logger.setCorrelationId(correlationId(message));
      try {
        await handle(message, context, delivery);
      } catch (error) {
        logFailure(message, error, delivery);
        if (delivery.attempt >= delivery.maxAttempts) {
          await onLastAttempt?.(message, error);
          recordDeadLetter(queue);
        }
        throw error;
      }
    }
  }

  return observed(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, (record: SQSRecord) => handleRecord(record, context), processor, {
      context,
      throwOnFullBatchFailure: false,
    }),
  );
}
