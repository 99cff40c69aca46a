// Finalize queue → the report of a batch whose every chunk is registered; on the stage's schedule, the dead-letter
// watch (a batch whose message ran out of tries unseen is marked failed, with its report); and the bucket's
// notification of a reference upload (`reference/population/*.csv`: expected residents, issue 18).
import type { Context } from 'aws-lambda';
import { env } from '../../shared/aws/env.ts';
import { personKeyerFromEnvironment } from '../../shared/aws/person-key-secret.ts';
import type { CoverageDeps } from '../../shared/coverage/batch-coverage.ts';
import { failDeadLetteredBatches } from '../../shared/ingest/dead-letter-watch.ts';
import { failAfterRetries } from '../../shared/ingest/failed-report.ts';
import {
  processReferenceUpload,
  type ReferenceObject,
  referenceObjectsOf,
} from '../../shared/ingest/reference-upload.ts';
import { finalizeBatch } from '../../shared/ingest/report.ts';
import { FinalizeQueueMessage, S3Notification } from '../../shared/ingest/types.ts';
import type { ReferencePopulations } from '../../shared/model/coverage.ts';
import type { DeadLetters, ReportBatches, ReportFiles } from '../../shared/model/ports.ts';
import { DEAD_LETTER_WATCH, deadLetterUrlVariable } from '../../shared/queues.ts';
import { cachedAgencies } from '../../shared/store/agency-reads.ts';
import { CoverageMoves } from '../../shared/store/coverage-moves.ts';
import { DeadLetterQueues } from '../../shared/store/dead-letter-queues.ts';
import { RecollectStore } from '../../shared/store/recollect-store.ts';
import { ReferenceStore } from '../../shared/store/reference-store.ts';
import { ReportUploads } from '../../shared/store/report-upload.ts';
import { recordBatchReported } from '../commons/observability.ts';
import { batches, logger } from '../commons/pipeline.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

export interface FinalizeDeps {
  batches: ReportBatches;
  files: ReportFiles;
  deadLetters: DeadLetters;
  references: Pick<ReferencePopulations, 'put'>;
  /** the coverage counters a batch's rows move (issue 18) */
  coverage?: CoverageDeps;
}

/** What one message asks: a batch's report, a sweep, or a reference upload read. */
type FinalizeJob = FinalizeQueueMessage | { kind: 'reference-upload'; object: ReferenceObject };

function finalizeJobs(body: unknown): FinalizeJob[] {
  // sent once to each queue of a notification when the notifications are set up
  if ((body as { Event?: string }).Event === 's3:TestEvent') return [];
  const message = FinalizeQueueMessage.safeParse(body);
  if (message.success) return [message.data];
  return referenceObjectsOf(S3Notification.parse(body)).map((object) => ({
    kind: 'reference-upload' as const,
    object,
  }));
}

export function finalizeHandler({ batches, files, deadLetters, references, coverage }: FinalizeDeps) {
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

  async function sweep(): Promise<void> {
    const failed = await failDeadLetteredBatches({ deadLetters, batches, files });
    for (const { batchId, queue } of failed) logger.warn('dead-lettered batch failed', { batchId, queue });
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
    correlationId: (job) =>
      'batchId' in job ? job.batchId : job.kind === 'reference-upload' ? job.object.key : job.kind,
    handle: (job, context) => {
      if ('batchId' in job) return finalize(job.batchId, context);
      return job.kind === 'reference-upload' ? readReference(job.object) : sweep();
    },
    failure: { line: 'finalize failed', fields: (job) => ({ ...job }) },
    // the batch is marked failed, with its report, before the message goes to the dead-letter queue
    // (a reference upload has no batch: its message waits in the dead-letter queue for a redrive)
    onLastAttempt: async (job, error) => {
      if ('batchId' in job)
        await failAfterRetries(job.batchId, `report: ${(error as Error).message}`, files, batches);
    },
  });
}

/** The watched dead-letter queues' URLs, from the variables the stack sets. */
export function watchedDeadLetterQueues(): DeadLetterQueues {
  const urls = DEAD_LETTER_WATCH.queues.map((queue) => [queue, env(deadLetterUrlVariable(queue))]);
  return new DeadLetterQueues(Object.fromEntries(urls));
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

// wired here, not in commons/pipeline.ts: only this bundle carries lib-storage, which streams the report
export const handler = finalizeHandler({
  batches: batches(),
  files: new ReportUploads(env('BATCHES_BUCKET')),
  deadLetters: watchedDeadLetterQueues(),
  references: new ReferenceStore(env('BATCHES_TABLE')),
  coverage: coverageFromEnvironment(),
});
