// Finalize queue → the report of a batch whose every chunk is registered, and the bucket's notification of a
// reference upload (`reference/population/*.csv`: expected residents, issue 18). The dead-letter watch is a function
// of its own (functions/watch/handler.ts).
import type { Context } from 'aws-lambda';
import { env } from '../../shared/aws/env.ts';
import { personKeyerFromEnvironment } from '../../shared/aws/person-key-secret.ts';
import type { CoverageDeps } from '../../shared/coverage/batch-coverage.ts';
import { failAfterRetries } from '../../shared/ingest/failed-report.ts';
import {
  processReferenceUpload,
  type ReferenceObject,
  referenceObjectsOf,
} from '../../shared/ingest/reference-upload.ts';
import { finalizeBatch } from '../../shared/ingest/report.ts';
import { FinalizeMessage, S3Notification } from '../../shared/ingest/types.ts';
import type { ReferencePopulations } from '../../shared/model/coverage.ts';
import type { ReportBatches, ReportFiles } from '../../shared/model/ports.ts';
import { cachedAgencies } from '../../shared/store/agency-reads.ts';
import { BatchStore } from '../../shared/store/batch-store.ts';
import { CoverageMoves } from '../../shared/store/coverage-moves.ts';
import { RecollectStore } from '../../shared/store/recollect-store.ts';
import { ReferenceStore } from '../../shared/store/reference-store.ts';
import { ReportUploads } from '../../shared/store/report-upload.ts';
import { logger } from '../commons/logger.ts';
import { recordBatchReported } from '../commons/observability.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

export interface FinalizeDeps {
  batches: ReportBatches;
  files: ReportFiles;
  references: Pick<ReferencePopulations, 'put'>;
  /** the coverage counters a batch's rows move (issue 18) */
  coverage?: CoverageDeps;
}

/** What one message asks: a batch's report, or a reference upload read. */
type FinalizeJob = FinalizeMessage | { kind: 'reference-upload'; object: ReferenceObject };

function finalizeJobs(body: unknown): FinalizeJob[] {
  // sent once to each queue of a notification when the notifications are set up; and a sweep the schedule sent here
  // before the watch had a queue of its own, done by the watch's next one
  const { Event, kind } = body as { Event?: string; kind?: string };
  if (Event === 's3:TestEvent' || kind === 'sweep-dead-letters') return [];
  const message = FinalizeMessage.safeParse(body);
  if (message.success) return [message.data];
  return referenceObjectsOf(S3Notification.parse(body)).map((object) => ({
    kind: 'reference-upload' as const,
    object,
  }));
}

export function finalizeHandler({ batches, files, references, coverage }: FinalizeDeps) {
  async function finalize(batchId: string, context: Context): Promise<void> {
    const lease = { holder: context.awsRequestId, until: Date.now() + context.getRemainingTimeInMillis() };
    const result = await finalizeBatch(batchId, files, batches, lease, coverage ? { coverage } : {});
    logger.info('finalize', { batchId, result });
    // metrics are best-effort: a failed read of them must not send a reported batch round again
    if (result === 'completed') {
      await batches.get(batchId).then(
        (reported) => reported && recordBatchReported(reported),
        (error: unknown) => logger.warn('batch metrics lost', { batchId, error: (error as Error).name }),
      );
    }
  }

  async function readReference(object: ReferenceObject): Promise<void> {
    const report = await processReferenceUpload(object, { files, references, now: () => new Date() });
    if (!report) logger.warn('reference upload gone before it was read', { objectKey: object.key });
    else {
      const { status, asOf, communes, rejectedCount, failure } = report;
      const provinces = report.provinces.map(({ province }) => province);
      const fields = { objectKey: object.key, status, asOf, communes, provinces, rejectedCount };
      logger.info('reference upload', failure ? { ...fields, code: failure.code } : fields);
    }
  }

  return queueConsumer({
    queue: 'finalize',
    parse: (record) => finalizeJobs(JSON.parse(record.body)),
    correlationId: (job) => ('batchId' in job ? job.batchId : job.object.key),
    handle: (job, context) => ('batchId' in job ? finalize(job.batchId, context) : readReference(job.object)),
    failure: { line: 'finalize failed', fields: (job) => ({ ...job }) },
    // the batch is marked failed, with its report, before the message goes to the dead-letter queue
    // (a reference upload has no batch: its message waits in the dead-letter queue for a redrive)
    onLastAttempt: async (job, error) => {
      if ('batchId' in job)
        await failAfterRetries(job.batchId, `report: ${(error as Error).message}`, files, batches);
    },
  });
}

/** The counters, the rejected forms, the person-key secret and the agencies, from the variables the stack sets. */
export function coverageFromEnvironment(): CoverageDeps {
  const agencies = cachedAgencies(env('AGENCIES_TABLE'));
  return {
    counters: new CoverageMoves(env('BATCHES_TABLE')),
    recollections: new RecollectStore(env('BATCHES_TABLE')),
    keyer: personKeyerFromEnvironment(),
    agencyUnit: async (agencyCode) => (await agencies.get(agencyCode))?.unit,
    keepRejectedDays: Number(env('KEEP_REJECTED_DAYS')),
  };
}

// wired here, not from commons/pipeline.ts: only this bundle carries lib-storage, which streams the report, and it
// carries no SQS client, which pipeline.ts sends with (functions/watch/handler.ts reads the dead-letter queues)
export const handler = finalizeHandler({
  batches: new BatchStore(env('BATCHES_TABLE')),
  files: new ReportUploads(env('BATCHES_BUCKET')),
  references: new ReferenceStore(env('BATCHES_TABLE')),
  coverage: coverageFromEnvironment(),
});
