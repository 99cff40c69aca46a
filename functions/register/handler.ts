// Records queue → register: each message is one chunk of valid records of a batch.
import { type RegisterDeps, registerChunkOrFail } from '../../shared/ingest/register.ts';
import { ChunkMessage } from '../../shared/ingest/types.ts';
import { registerDeps } from '../commons/pipeline.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

export function registerHandler(deps: RegisterDeps) {
  return queueConsumer({
    queue: 'records',
    parse: (record) => ChunkMessage.parse(JSON.parse(record.body)),
    // the batch id follows a batch from upload to report: one search finds every function's lines
    correlationId: (chunk) => chunk.batchId,
    // registerChunkOrFail marks the batch failed itself when the last delivery fails
    // a copy never outwaits its invocation: the deadline bounds how long it waits for a held chunk
    handle: (chunk, context, delivery) =>
      registerChunkOrFail(
        chunk,
        { ...delivery, deadline: Date.now() + context.getRemainingTimeInMillis() },
        deps,
      ),
    failure: {
      line: 'chunk failed',
      fields: ({ batchId, partition, seq }, delivery) => ({ batchId, partition, seq, ...delivery }),
    },
  });
}

export const handler = registerHandler(registerDeps());
