// Records queue → register: each message is one chunk of valid records of a batch.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { QUEUES } from '../../infra/resources.ts';
import { registerChunk } from '../../shared/ingest/register.ts';
import { processingFailure, writeFailedReport } from '../../shared/ingest/report.ts';
import { ChunkMessage } from '../../shared/ingest/types.ts';
import { batches, files, logger, receiveCount, register, send } from '../commons/pipeline.ts';

const processor = new BatchProcessor(EventType.SQS);
const deps = {
  batches: batches(),
  files: files(),
  register: register(),
  concurrency: Number(process.env.REGISTER_CONCURRENCY ?? 16),
  sendChunk: (message: ChunkMessage) => send('RECORDS_QUEUE_URL', [message]),
  sendFinalize: (batchId: string) => send('FINALIZE_QUEUE_URL', [{ kind: 'finalize', batchId }]),
};

async function handleRecord(record: SQSRecord): Promise<void> {
  const message = ChunkMessage.parse(JSON.parse(record.body));
  try {
    await registerChunk(message, deps);
  } catch (error) {
    const { batchId, partition, seq } = message;
    logger.error('chunk failed', {
      batchId,
      partition,
      seq,
      attempt: receiveCount(record),
      error: (error as Error).name,
    });
    if (receiveCount(record) >= QUEUES.records.maxReceiveCount) {
      // the last try: the message goes to the dead-letter queue, and the batch says why it stopped
      const batch = await deps.batches.get(batchId);
      if (batch) {
        const failure = processingFailure(`chunk ${partition}/${seq}: ${(error as Error).message}`);
        await deps.batches.markFailed(batchId, failure);
        await writeFailedReport({ ...batch, failure }, deps.files, deps.batches);
      }
    }
    throw error;
  }
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
