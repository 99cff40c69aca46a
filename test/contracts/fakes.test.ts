// The in-memory fakes against the ports' contracts (the adapters meet the same ones on the emulators:
// test/integration/adapters.test.ts).
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryFiles } from '../fakes/files.ts';
import { MemoryLinkPasses } from '../fakes/link-passes.ts';
import { MemoryRegister } from '../fakes/register.ts';
import {
  agencyBatchesContract,
  batchesContract,
  filesContract,
  linkPassesContract,
  registerContract,
} from './ports.ts';

batchesContract('MemoryBatches', () => new MemoryBatches());
agencyBatchesContract('MemoryBatches.forAgencies', () => {
  const batches = new MemoryBatches();
  return { batches, reads: batches.forAgencies() };
});
filesContract('MemoryFiles', () => new MemoryFiles());
linkPassesContract('MemoryLinkPasses', () => new MemoryLinkPasses());
registerContract('MemoryRegister', () => new MemoryRegister());
