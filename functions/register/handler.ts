// Records queue → register: each message is one chunk of valid records of a batch.
import { type RegisterDeps, registerChunkOrFail } from '../../shared/ingest/register.ts';
import { ChunkMessage } from '../../shared/ingest/types.ts';
import { batches, files, register, send } from '../commons/pipeline.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

const deps: RegisterDeps = {
  batches: batches(),
  files: files(),
  register: register(),
  concurrency: Number(process.env.REGISTER_CONCURRENCY ?? 16),
  linkage: process.env.LINKAGE !== 'off',
  sendChunk: (message) => send('records', [message]),
  sendFinalize: (batchId) => send('finalize', [{ kind: 'finalize', batchId }]),
};

export const handler = queueConsumer({
  queue: 'records',
  parse: (record) => ChunkMessage.parse(JSON.parse(record.body)),
  // the batch id follows a batch from upload to report: one search finds every function's lines
  correlationId: (chunk) => chunk.batchId,
  // registerChunkOrFail marks the batch failed itself when the last delivery fails
  handle: (chunk, _context, delivery) => registerChunkOrFail(chunk, delivery, deps),
  failure: {
    line: 'chunk failed',
    fields: ({ batchId, partition, seq }, delivery) => ({ batchId, partition, seq, ...delivery }),
  },
});
