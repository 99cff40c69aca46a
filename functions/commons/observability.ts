// What every function is wrapped in, in one place: the logger's Lambda context (request id, cold start), an X-Ray
// trace of the invocation and of each SDK call, and the EMF metrics of batches and dead letters.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as Unit } from '@aws-lambda-powertools/metrics/types';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { QueueId } from '../../infra/resources.ts';
import { dynamodb } from '../../shared/aws/dynamodb.ts';
import type { Batch } from '../../shared/ingest/types.ts';
import { logger } from './logger.ts';

// off outside Lambda (tests, the local stack): Tracer checks the execution environment itself
export const tracer = new Tracer({ serviceName: 'dancu' });
// every function uses DynamoDB; the S3 and SQS clients are traced where they are wired (pipeline.ts), so that
// the HTTP and status functions neither bundle nor construct them
tracer.captureAWSv3Client(dynamodb);

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

/** A Lambda handler with the logger's context and a trace (no response or error captured: they hold rows). */
export function observed<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }));
}
