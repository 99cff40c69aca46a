// Finalize queue → the report of a batch whose every chunk is registered; on the stage's schedule, the dead-letter
// watch (a batch whose message ran out of tries unseen is marked failed, with its report).
import type { Context } from 'aws-lambda';
import { env } from '../../shared/aws/env.ts';
import { personKeyerFromEnvironment } from '../../shared/aws/person-key-secret.ts';
import type { CoverageDeps } from '../../shared/coverage/batch-coverage.ts';
import { failDeadLetteredBatches } from '../../shared/ingest/dead-letter-watch.ts';
import { failAfterRetries } from '../../shared/ingest/failed-report.ts';
import { finalizeBatch } from '../../shared/ingest/report.ts';
import { FinalizeQueueMessage } from '../../shared/ingest/types.ts';
import type { DeadLetters, ReportBatches, ReportFiles } from '../../shared/model/ports.ts';
import { DEAD_LETTER_WATCH, deadLetterUrlVariable } from '../../shared/resources.ts';
import { cachedAgencies } from '../../shared/store/agency-reads.ts';
import { CoverageStore } from '../../shared/store/coverage-store.ts';
import { DeadLetterQueues } from '../../shared/store/dead-letter-queues.ts';
import { RecollectStore } from '../../shared/store/recollect-store.ts';
import { ReportUploads } from '../../shared/store/report-upload.ts';
import { recordBatchReported } from '../commons/observability.ts';
import { batches, logger } from '../commons/pipeline.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

export interface FinalizeDeps {
  batches: ReportBatches;
  files: ReportFiles;
  deadLetters: DeadLetters;
  /** the coverage counters a batch's rows move (issue 18) */
  coverage?: CoverageDeps;
}

export function finalizeHandler({ batches, files, deadLetters, coverage }: FinalizeDeps) {
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

  return queueConsumer({
    queue: 'finalize',
    parse: (record) => FinalizeQueueMessage.parse(JSON.parse(record.body)),
    correlationId: (message) => ('batchId' in message ? message.batchId : message.kind),
    handle: (message, context) => ('batchId' in message ? finalize(message.batchId, context) : sweep()),
    failure: { line: 'finalize failed', fields: (message) => ({ ...message }) },
    // the batch is marked failed, with its report, before the message goes to the dead-letter queue
    onLastAttempt: async (message, error) => {
      if ('batchId' in message)
        await failAfterRetries(message.batchId, `report: ${(error as Error).message}`, files, batches);
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
    counters: new CoverageStore(env('BATCHES_TABLE')),
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
  coverage: coverageFromEnvironment(),
});
