// The demo agencies (local/fixtures/agencies.csv, README there), which the local stack holds from its first start: the
// split and the agency routes refuse any other agency, as in AWS. Seeding is an import: it adds what is missing and
// leaves an agency disabled with `npm run agencies -- disable` as it is.
import { readFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AgencyInput } from '../shared/model/agency.ts';
import { describeProblem, parseAgencyFile } from './agencies-file.ts';

export const DEMO_AGENCIES_FILE = new URL('./fixtures/agencies.csv', import.meta.url);

/** The demo agencies; a problem in the file is a bug of the repository, thrown. */
export function demoAgencies(): AgencyInput[] {
  const { agencies, problems } = parseAgencyFile(readFileSync(DEMO_AGENCIES_FILE, 'utf8'));
  if (problems.length > 0)
    throw new Error(`local/fixtures/agencies.csv: ${problems.map(describeProblem).join('; ')}`);
  return agencies;
}

/**
 * Adds the agencies the table does not hold, with the local stack's own client. Imported late (local/runtime/stack.ts):
 * the store's module makes the functions' shared client, which must read the environment the stack sets for them.
 */
export async function seedAgencies(
  dynamodb: DynamoDBClient,
  table: string,
  agencies: AgencyInput[],
): Promise<number> {
  const { AgencyStore } = await import('../shared/store/agency-store.ts');
  const client = DynamoDBDocumentClient.from(dynamodb);
  const store = new AgencyStore(table, { client });
  const { created } = await store.importMany(agencies, 'npm start');
  // each agency's local system, as `npm run agencies -- add-client CODE` registers it (dancu-local-machine-{CODE})
  for (const { code } of agencies)
    await store.addMachineClient(code, `dancu-local-machine-${code}`, 'npm start');
  return created.length;
}

/** The demo agencies and the benchmarks' own (bench/: uploads under `incoming/CA-BENCH/`). */
export function benchAgencies(): AgencyInput[] {
  return [
    ...demoAgencies(),
    { code: 'CA-BENCH', name: 'Benchmarks', kind: 'police', unit: { code: '64', vintage: 2020 } },
  ];
}
