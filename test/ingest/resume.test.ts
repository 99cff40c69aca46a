// The local stack's resume after a restart, on the port fakes: what each unfinished batch is sent again, and the
// leases of the invocations the restart ended freed, so the chunks sent again are decided at once.
import { describe, expect, it, vi } from 'vitest';
import { resumeUnfinishedBatches } from '../../shared/ingest/resume.ts';
import { objectKeys } from '../../shared/keys.ts';
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryFiles } from '../fakes/files.ts';
import { batchOf } from '../functions/pipeline-fakes.ts';

describe('resume after a restart', () => {
  it('sends each partition on from its first chunk without outcomes, that chunk freed of its dead holder', async () => {
    const batches = new MemoryBatches();
    const files = new MemoryFiles();
    await batches.create(batchOf({ chunkCounts: [3, 2], chainsStarted: true }));
    await files.putLines(objectKeys.outcomes('b1', 0, 0), []);
    const later = Date.now() + 130_000;
    // the process that died held chunk 0/1 and 1/0
    await batches.takeChunkLease({ batchId: 'b1', partition: 0, seq: 1 }, 'a dead invocation', later);
    await batches.takeChunkLease({ batchId: 'b1', partition: 1, seq: 0 }, 'a dead invocation', later);
    const sendChunks = vi.fn(async (_messages: object[]) => undefined);

    const resumed = await resumeUnfinishedBatches({
      batches,
      files,
      sendChunks,
      sendContinue: vi.fn(),
      sendFinalize: vi.fn(),
    });

    expect(resumed).toEqual(['b1']);
    expect(sendChunks.mock.calls).toEqual([
      [
        [
          { kind: 'chunk', batchId: 'b1', partition: 0, seq: 1 },
          { kind: 'chunk', batchId: 'b1', partition: 1, seq: 0 },
        ],
      ],
    ]);
    expect(batches.chunkLeases.size).toBe(0);
  });
});
