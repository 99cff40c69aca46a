// Each adapter of shared/store against the emulators, held to the same contracts as the in-memory fakes
// (test/contracts/ports.ts): what the fakes promise the pipeline's tests, DynamoDB and S3 do.
import { afterAll, beforeAll } from 'vitest';
import { type Emulators, startEmulators } from '../../local/runtime/emulators.ts';
import { provision } from '../../local/runtime/provision.ts';
import * as contracts from '../contracts/ports.ts';
import { quietLog, tempDir } from './harness.ts';

let emulators: Emulators;
let adapters: typeof import('./adapters.ts');
let names: Awaited<ReturnType<typeof provision>>;

beforeAll(async () => {
  emulators = await startEmulators({ dir: await tempDir(), ports: { s3: 0, sqs: 0, dynamodb: 0 } });
  names = await provision({ endpoints: emulators.endpoints, log: quietLog });
  Object.assign(process.env, {
    AWS_REGION: names.region,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
  });
  // the SDK clients read their endpoints as their modules load: after the environment is set
  adapters = await import('./adapters.ts');
}, 60_000);
afterAll(async () => emulators?.stop());

contracts.batchesContract('BatchStore', () => new adapters.BatchStore(names.tables.batches));
contracts.agencyBatchesContract('BatchReads', () => ({
  batches: new adapters.BatchStore(names.tables.batches),
  reads: new adapters.BatchReads(names.tables.batches),
}));
contracts.filesContract('ReportUploads', () => new adapters.ReportUploads(names.buckets.batches));
contracts.coverageCountersContract('CoverageStore', () => new adapters.CoverageStore(names.tables.batches));
contracts.referencePopulationsContract(
  'ReferenceStore',
  () => new adapters.ReferenceStore(names.tables.batches),
);
contracts.linkPassesContract('LinkPassStore', () => new adapters.LinkPassStore(names.tables.batches));
contracts.registerContract('RegisterScan', () => new adapters.RegisterScan(names.tables.register));
contracts.historyContract('HistoryStore', () => new adapters.HistoryStore(names.tables.history, 30));
contracts.applicationsContract(
  'ApplicationStore',
  () => new adapters.ApplicationStore(names.tables.applications),
);
contracts.agenciesContract('AgencyStore', () => new adapters.AgencyStore(names.tables.agencies));
contracts.machineClientsContract('AgencyStore', () => ({
  agencies: new adapters.AgencyStore(names.tables.agencies),
  // the machine authoriser's own lookup, without its minute of cache
  lookup: adapters.cachedMachineClients(names.tables.agencies, undefined, 0),
}));
