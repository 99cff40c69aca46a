// What every function is wrapped in, in one place: the logger's Lambda context (request id, cold start) and the
// EMF metrics of batches and dead letters. Traces are Lambda's active tracing (infra DancuFunction): the function's
// segment with its initialisation and invocation, and the trace header the SDK passes on to every AWS call. No
// X-Ray SDK in the bundle: with Powertools Tracer it weighed on every bundle and cold start and, through its async
// hooks, on the pipeline's CPU, for a subsegment per SDK call (docs/benchmarks.md).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as Unit } from '@aws-lambda-powertools/metrics/types';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Batch } from '../../shared/model/batch.ts';
import type { QueueId } from '../../shared/resources.ts';
import { logger } from './logger.ts';

type Metric = readonly [name: string, unit: Unit, value: number];

/** EMF lines with these dimensions (besides `service`), flushed at once. */
function publish(dimensions: Record<string, string>, values: readonly Metric[]): void {
  if (values.length === 0) return;
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Dancu',
    serviceName: 'dancu',
    defaultDimensions: dimensions,
  });
  for (const [name, unit, value] of values) metrics.addMetric(name, unit, value);
  metrics.publishStoredMetrics();
}

/** A reported batch's rows by outcome and its duration, per agency (the dashboard's per-agency graphs). */
export function batchMetrics(batch: Pick<Batch, 'outcomes' | 'startedAt' | 'finishedAt'>): Metric[] {
  const outcomes = batch.outcomes;
  if (!outcomes) return [];
  const rows = Object.values(outcomes).reduce((sum, count) => sum + count, 0);
  const rejected = outcomes.rejected ?? 0;
  const values: Metric[] = [
    ['RowsAccepted', MetricUnit.Count, rows - rejected],
    ['RowsRejected', MetricUnit.Count, rejected],
    ['Conflicts', MetricUnit.Count, outcomes.conflict ?? 0],
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

/** What a finished link pass did (passSummary): persons read, merged, put on review lists, and how long it took. */
export function linkPassMetrics(pass: {
  persons: number;
  merged: number;
  reviews: number;
  startedAt: string;
  finishedAt?: string;
  /** a pass that issues numbers (issue 20): those it issued */
  issued?: number;
}): Metric[] {
  const values: Metric[] = [
    ['LinkPassPersons', MetricUnit.Count, pass.persons],
    ['LinkPassMerged', MetricUnit.Count, pass.merged],
    ['LinkPassReviews', MetricUnit.Count, pass.reviews],
  ];
  if (pass.issued !== undefined) values.push(['LinkPassIdsIssued', MetricUnit.Count, pass.issued]);
  const seconds = pass.finishedAt ? (Date.parse(pass.finishedAt) - Date.parse(pass.startedAt)) / 1000 : NaN;
  if (Number.isFinite(seconds)) values.push(['LinkPassDuration', MetricUnit.Seconds, seconds]);
  return values;
}

export function recordLinkPassFinished(pass: Parameters<typeof linkPassMetrics>[0]): void {
  publish({ job: 'link-pass' }, linkPassMetrics(pass));
}

/** A batch that failed as a whole (unreadable, refused uploader, gave up after retries). */
export function recordBatchFailed(agencyCode: string, code: string): void {
  publish({ agency: agencyCode, failure: code }, [['BatchesFailed', MetricUnit.Count, 1]]);
}

/** A number that could not be issued (a birth's, or a form's in a link pass): its prefix (place, century and sex, year) has no number left. */
export function recordIdPrefixFull(prefix: string): void {
  publish({ prefix }, [['IdPrefixFull', MetricUnit.Count, 1]]);
}

/** A message that failed its last try: SQS moves it to the queue's dead-letter queue. */
export function recordDeadLetter(queue: QueueId): void {
  publish({ queue }, [['DeadLetterSends', MetricUnit.Count, 1]]);
}

/** A Lambda handler with the logger's context. */
export function observed<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy(handler).use(injectLambdaContext(logger, { resetKeys: true }));
}
