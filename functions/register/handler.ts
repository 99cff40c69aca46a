// Records queue → register: each message is one chunk of valid records of a batch.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { type RegisterDeps, registerChunkOrFail } from '../../shared/ingest/register.ts';
import { ChunkMessage } from '../../shared/ingest/types.ts';
import { QUEUES } from '../../shared/resources.ts';
import { observed, recordDeadLetter } from '../commons/observability.ts';
import { batches, files, logger, receiveCount, register, send } from '../commons/pipeline.ts';

const processor = new BatchProcessor(EventType.SQS);
const deps: RegisterDeps = {
  batches: batches(),
  files: files(),
  register: register(),
  concurrency: Number(process.env.REGISTER_CONCURRENCY ?? 16),
  linkage: process.env.LINKAGE !== 'off',
  sendChunk: (message) => send('records', [message]),
  sendFinalize: (batchId) => send('finalize', [{ kind: 'finalize', batchId }]),
};

async function handleRecord(record: SQSRecord): Promise<void> {
  const message = ChunkMessage.parse(JSON.parse(record.body));
  // the batch id follows a batch from upload to report: one search finds every function's lines
  logger.setCorrelationId(message.batchId);
  const delivery = { attempt: receiveCount(record), maxAttempts: QUEUES.records.maxReceiveCount };
  try {
    await registerChunkOrFail(message, delivery, deps);
  } catch (error) {
    const { batchId, partition, seq } = message;
    logger.error('chunk failed', { batchId, partition, seq, ...delivery, error: (error as Error).name });
    if (delivery.attempt >= delivery.maxAttempts) recordDeadLetter('records');
    throw error;
  }
}

export const handler = observed(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false }),
);
