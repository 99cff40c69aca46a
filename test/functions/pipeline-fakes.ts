// The pipeline handlers' world in memory, for handler unit tests: the port fakes of test/fakes, a batch as the
// split leaves it, and senders that keep what they are given.
import { vi } from 'vitest';
import type { Batch } from '../../shared/model/batch.ts';
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryDeadLetters } from '../fakes/dead-letters.ts';
import { MemoryFiles } from '../fakes/files.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { testKeyer } from '../fakes/keyer.ts';
import { MemoryReferences } from '../fakes/references.ts';
import { MemoryRegister } from '../fakes/register.ts';

export function pipelineFakes() {
  return {
    batches: new MemoryBatches(),
    files: new MemoryFiles(),
    register: new MemoryRegister(),
    history: new MemoryHistory(),
    deadLetters: new MemoryDeadLetters(),
    references: new MemoryReferences(),
    keyer: async () => testKeyer,
    sendChunk: vi.fn(async (_message: object, _delaySeconds?: number) => undefined),
    sendChunks: vi.fn(async (_messages: object[]) => undefined),
    sendContinue: vi.fn(async (_batchId: string) => undefined),
    sendFinalize: vi.fn(async (_batchId: string) => undefined),
  };
}

/** A batch of CA-PLEIKU's `forms.csv` with `fields` over it. */
export function batchOf(fields: Partial<Batch> = {}): Batch {
  return {
    batchId: 'b1',
    agencyCode: 'CA-PLEIKU',
    bucket: 'batches-bucket',
    objectKey: 'incoming/CA-PLEIKU/forms.csv',
    status: 'registering',
    startedAt: '2026-11-27T00:00:00.000Z',
    updatedAt: '2026-11-27T00:00:00.000Z',
    partitions: 2,
    checkpoint: { row: 0, offset: 0, chunkSeqs: [0, 0], rejectedSeq: 0, unknownColumns: [], invocations: 1 },
    ...fields,
  };
}
