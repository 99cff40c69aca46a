// Finalize queue → the report of a batch whose every chunk is registered.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { QUEUES } from '../../infra/resources.ts';
import { failAfterRetries } from '../../shared/ingest/failed-report.ts';
import { finalizeBatch } from '../../shared/ingest/report.ts';
import { FinalizeMessage } from '../../shared/ingest/types.ts';
import { observed, recordBatchReported, recordDeadLetter } from '../commons/observability.ts';
import { batches, logger, receiveCount, reportFiles } from '../commons/pipeline.ts';

const processor = new BatchProcessor(EventType.SQS);
const stores = { batches: batches(), files: reportFiles() };

async function handleRecord(record: SQSRecord, context: Context): Promise<void> {
  const { batchId } = FinalizeMessage.parse(JSON.parse(record.body));
  logger.setCorrelationId(batchId);
  const lease = { holder: context.awsRequestId, until: Date.now() + context.getRemainingTimeInMillis() };
  try {
    const result = await finalizeBatch(batchId, stores.files, stores.batches, lease);
    logger.info('finalize', { batchId, result });
    // metrics are best-effort: a failed read of them must not send a reported batch round again
    if (result === 'completed') {
      await stores.batches.get(batchId).then(
        (reported) => reported && recordBatchReported(reported),
        (error: unknown) => logger.warn('batch metrics lost', { batchId, error: (error as Error).name }),
      );
    }
  } catch (error) {
    logger.error('finalize failed', { batchId, attempt: receiveCount(record), error: (error as Error).name });
    if (receiveCount(record) >= QUEUES.finalize.maxReceiveCount) {
      await failAfterRetries(batchId, `report: ${(error as Error).message}`, stores.files, stores.batches);
      recordDeadLetter('finalize');
    }
    throw error;
  }
}

export const handler = observed(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false }),
);
