// What every function is wrapped in, in one place: the logger's Lambda context (request id, cold start) and the
// EMF metrics of batches and dead letters. Traces are Lambda's active tracing (infra DancuFunction): the function's
// segment with its initialisation and invocation, and the trace header the SDK passes on to every AWS call. No
// X-Ray SDK in the bundle: with Powertools Tracer it was 120 KB of every bundle, 23 ms of evaluation at a cold start
// and, through its async hooks, a sixth of the pipeline's CPU, for a subsegment per SDK call (docs/benchmarks.md).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { QueueId } from '../../infra/resources.ts';
import type { Batch } from '../../shared/ingest/types.ts';
import { logger } from './logger.ts';

/** The CloudWatch units these metrics use (Powertools' MetricUnit names). */
export const MetricUnit = { Count: 'Count', Seconds: 'Seconds' } as const;
type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
type Metric = readonly [name: string, unit: Unit, value: number];

const SERVICE = 'dancu';
const TRUE = /^\s*(true|1|yes|on)\s*$/i;

/**
 * One line of CloudWatch's embedded metric format, as Powertools Metrics writes it for one set of dimensions
 * (`service` first): test/functions/observability.test.ts compares the two. Written here rather than through
 * Powertools Metrics, which was 12 KB of each queue function's bundle for these few lines.
 */
export function emfRecord(
  namespace: string,
  dimensions: Record<string, string>,
  values: readonly Metric[],
  timestamp = Date.now(),
): Record<string, unknown> {
  const allDimensions = { service: SERVICE, ...dimensions };
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(allDimensions)],
          Metrics: values.map(([Name, Unit]) => ({ Name, Unit })),
        },
      ],
    },
    ...allDimensions,
    ...Object.fromEntries(values.map(([name, , value]) => [name, value])),
  };
}

/** Off where Powertools Metrics is off: POWERTOOLS_METRICS_DISABLED, else POWERTOOLS_DEV (the local stack sets it). */
function metricsDisabled(): boolean {
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  return TRUE.test(disabled ?? process.env.POWERTOOLS_DEV ?? '');
}

/** EMF lines with these dimensions (besides `service`), flushed at once, to stdout as Powertools writes them. */
function publish(dimensions: Record<string, string>, values: readonly Metric[]): void {
  if (values.length === 0 || metricsDisabled()) return;
  const namespace = process.env.POWERTOOLS_METRICS_NAMESPACE || 'Dancu';
  process.stdout.write(`${JSON.stringify(emfRecord(namespace, dimensions, values))}\n`);
}

/** A reported batch's rows by outcome and its duration, per agency (the dashboard's per-agency graphs). */
export function batchMetrics(batch: Batch): Metric[] {
  const outcomes = batch.outcomes;
  if (!outcomes) return [];
  const rows = Object.values(outcomes).reduce((sum, count) => sum + count, 0);
  const values: Metric[] = [
    ['RowsAccepted', MetricUnit.Count, rows - outcomes.rejected],
    ['RowsRejected', MetricUnit.Count, outcomes.rejected],
    ['Conflicts', MetricUnit.Count, outcomes.conflict],
    ['ProbableDuplicates', MetricUnit.Count, outcomes.probable_duplicate ?? 0],
  ];
  if (batch.finishedAt) {
    const seconds = (Date.parse(batch.finishedAt) - Date.parse(batch.startedAt)) / 1000;
    if (Number.isFinite(seconds)) values.push(['BatchDuration', MetricUnit.Seconds, seconds]);
  }
  return values;
}

export function recordBatchReported(batch: Batch): void {
  publish({ agency: batch.agencyCode }, batchMetrics(batch));
}

/** A batch that failed as a whole (unreadable, refused uploader, gave up after retries). */
export function recordBatchFailed(agencyCode: string, code: string): void {
  publish({ agency: agencyCode, failure: code }, [['BatchesFailed', MetricUnit.Count, 1]]);
}

/** A message that failed its last try: SQS moves it to the queue's dead-letter queue. */
export function recordDeadLetter(queue: QueueId): void {
  publish({ queue }, [['DeadLetterSends', MetricUnit.Count, 1]]);
}

/** A Lambda handler with the logger's context. */
export function observed<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy(handler).use(injectLambdaContext(logger, { resetKeys: true }));
}
