// Finalize queue → the report of a batch whose every chunk is registered.
import type { Context } from 'aws-lambda';
import { env } from '../../shared/aws/env.ts';
import { failAfterRetries } from '../../shared/ingest/failed-report.ts';
import { finalizeBatch } from '../../shared/ingest/report.ts';
import { FinalizeMessage } from '../../shared/ingest/types.ts';
import type { ReportBatches, ReportFiles } from '../../shared/model/ports.ts';
import { ReportUploads } from '../../shared/store/report-upload.ts';
import { recordBatchReported } from '../commons/observability.ts';
import { batches, logger } from '../commons/pipeline.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

export interface FinalizeDeps {
  batches: ReportBatches;
  files: ReportFiles;
}

export function finalizeHandler({ batches, files }: FinalizeDeps) {
  async function finalize({ batchId }: FinalizeMessage, context: Context): Promise<void> {
    const lease = { holder: context.awsRequestId, until: Date.now() + context.getRemainingTimeInMillis() };
    const result = await finalizeBatch(batchId, files, batches, lease);
    logger.info('finalize', { batchId, result });
    // metrics are best-effort: a failed read of them must not send a reported batch round again
    if (result === 'completed') {
      await batches.get(batchId).then(
        (reported) => reported && recordBatchReported(reported),
        (error: unknown) => logger.warn('batch metrics lost', { batchId, error: (error as Error).name }),
      );
    }
  }

  return queueConsumer({
    queue: 'finalize',
    parse: (record) => FinalizeMessage.parse(JSON.parse(record.body)),
    correlationId: (message) => message.batchId,
    handle: finalize,
    failure: { line: 'finalize failed', fields: ({ batchId }) => ({ batchId }) },
    // the batch is marked failed, with its report, before the message goes to the dead-letter queue
    onLastAttempt: ({ batchId }, error) =>
      failAfterRetries(batchId, `report: ${(error as Error).message}`, files, batches),
  });
}

// wired here, not in commons/pipeline.ts: only this bundle carries lib-storage, which streams the report
export const handler = finalizeHandler({
  batches: batches(),
  files: new ReportUploads(env('BATCHES_BUCKET')),
});
