// After the local stack restarts, its queue emulator has forgotten the messages in flight; the batches table
// has not. This sends again what each unfinished batch was waiting for, every step of which is idempotent,
// and frees the split, finalize and chunk leases of invocations the restart ended (a chunk sent again would
// otherwise come back only when its dead holder's lease ends, up to 130 s later): run it as the stack starts,
// before anything else is invoked. (In AWS, SQS keeps messages, so this is for the local stack.)
import { objectKeys } from '../keys.ts';
import type { Files, ResumeBatches } from '../model/ports.ts';
import type { ChunkMessage } from './types.ts';

export interface ResumeDeps {
  batches: ResumeBatches;
  files: Pick<Files, 'exists'>;
  sendContinue(batchId: string): Promise<void>;
  sendChunks(messages: ChunkMessage[]): Promise<void>;
  sendFinalize(batchId: string): Promise<void>;
}

export async function resumeUnfinishedBatches(deps: ResumeDeps): Promise<string[]> {
  const resumed: string[] = [];
  for (const batch of await deps.batches.listUnfinished()) {
    resumed.push(batch.batchId);
    await deps.batches.releaseLeases(batch.batchId);
    if (batch.status === 'splitting' || (batch.status === 'registering' && !batch.chainsStarted)) {
      await deps.sendContinue(batch.batchId);
      continue;
    }
    if (batch.status === 'finalizing') {
      await deps.sendFinalize(batch.batchId);
      continue;
    }
    // registering: each partition not done goes on from its first chunk without outcomes
    const chunks: ChunkMessage[] = [];
    for (const [partition, count] of (batch.chunkCounts ?? []).entries()) {
      if (count === 0 || batch.donePartitions?.includes(partition)) continue;
      let seq = 0;
      while (seq < count - 1 && (await deps.files.exists(objectKeys.outcomes(batch.batchId, partition, seq))))
        seq += 1;
      const chunk: ChunkMessage = { kind: 'chunk', batchId: batch.batchId, partition, seq };
      await deps.batches.freeChunkLease(chunk);
      chunks.push(chunk);
    }
    if (chunks.length > 0) await deps.sendChunks(chunks);
    else await deps.sendFinalize(batch.batchId);
  }
  return resumed;
}
