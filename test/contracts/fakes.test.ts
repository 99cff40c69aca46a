// The in-memory fakes against the ports' contracts (the adapters meet the same ones on the emulators:
// test/integration/adapters.test.ts).

import { MemoryAgencies } from '../fakes/agencies.ts';
import { MemoryApplications } from '../fakes/applications.ts';
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryCoverage } from '../fakes/coverage.ts';
import { MemoryFiles } from '../fakes/files.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { MemoryLinkPasses } from '../fakes/link-passes.ts';
import { MemoryRegister } from '../fakes/register.ts';
import * as contracts from './ports.ts';

contracts.batchesContract('MemoryBatches', () => new MemoryBatches());
contracts.agencyBatchesContract('MemoryBatches.forAgencies', () => {
  const batches = new MemoryBatches();
  return { batches, reads: batches.forAgencies() };
});
contracts.filesContract('MemoryFiles', () => new MemoryFiles());
contracts.linkPassesContract('MemoryLinkPasses', () => new MemoryLinkPasses());
contracts.registerContract('MemoryRegister', () => new MemoryRegister());
contracts.historyContract('MemoryHistory', () => new MemoryHistory());
contracts.applicationsContract('MemoryApplications', () => new MemoryApplications());
contracts.agenciesContract('MemoryAgencies', () => new MemoryAgencies());
contracts.machineClientsContract('MemoryAgencies', () => {
  const agencies = new MemoryAgencies();
  return { agencies, lookup: { get: (clientId) => agencies.machineClient(clientId) } };
});
contracts.coverageCountersContract('MemoryCoverage', () => new MemoryCoverage());
contracts.referencePopulationsContract('MemoryCoverage', () => new MemoryCoverage());
