// What the functions read of the agencies table: one agency, through a cache. Reads only, as batch-reads.ts: the split
// bundles this, so the writes, the scan and the schemas stay in agency-store.ts, the table's one writer (whose zod
// schemas check every item it writes; a reader takes the items as written).
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { MachineClient } from '../api/machine-auth.ts';
import { documents } from '../aws/dynamodb.ts';
import { agencyKeys } from '../keys.ts';
import type { Agency } from '../model/agency.ts';
import type { AgencyLookup } from '../model/ports.ts';

/** An agency item without its keys. */
export function agencyOfItem({ pk: _pk, sk: _sk, ...agency }: Record<string, unknown>): Agency {
  return agency as Agency;
}

export class AgencyReads implements AgencyLookup {
  constructor(
    protected readonly table: string,
    /** the container's client; the local stack seeds its agencies with its own */
    protected readonly client: DynamoDBDocumentClient = documents,
  ) {}

  async get(agencyCode: string): Promise<Agency | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: agencyKeys.agency(agencyCode) }),
    );
    return Item ? agencyOfItem(Item) : undefined;
  }
}

/** How long a function trusts what it read of an agency: a disable or an import reaches every function within it. */
export const AGENCY_CACHE_TTL_MS = 60_000;

/**
 * The agencies as a function reads them: each agency (or its absence) kept for `ttlMs` (60 s), so a hot container
 * reads the table at most once a minute per agency; concurrent requests for one agency share one read, and a failed
 * read is not kept. The cost: an agency disabled (or added) is refused (or admitted) up to a minute late.
 */
export function cachedAgencyLookup(
  agencies: AgencyLookup,
  ttlMs = AGENCY_CACHE_TTL_MS,
  now: () => number = Date.now,
): AgencyLookup {
  const get = cachedLookup((agencyCode) => agencies.get(agencyCode), ttlMs, now);
  return { get };
}

/** The agencies table as a function reads it (AGENCIES_TABLE), through the cache. */
export const cachedAgencies = (table: string): AgencyLookup => cachedAgencyLookup(new AgencyReads(table));

/**
 * The machine clients as the machine authoriser reads them: a client's item names its agency, and the client may act
 * while that agency may (both read through the cache above, 60 s).
 */
export function cachedMachineClients(
  table: string,
  client: DynamoDBDocumentClient = documents,
  ttlMs = AGENCY_CACHE_TTL_MS,
  now: () => number = Date.now,
): { get(clientId: string): Promise<MachineClient | undefined> } {
  const agencies = cachedAgencyLookup(new AgencyReads(table, client), ttlMs, now);
  const clients = cachedLookup(
    async (clientId: string) => {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: agencyKeys.machineClient(clientId) }),
      );
      return typeof Item?.agency === 'string' ? Item.agency : undefined;
    },
    ttlMs,
    now,
  );
  return {
    async get(clientId) {
      const agencyCode = await clients(clientId);
      if (!agencyCode) return undefined;
      const agency = await agencies.get(agencyCode);
      // a client whose agency is gone or disabled may not act; so is one the agency no longer lists
      const listed = agency?.machineClients?.includes(clientId) ?? false;
      return { clientId, agency: agencyCode, active: Boolean(agency?.active) && listed };
    },
  };
}

/** `read` kept for `ttlMs` per key, absences too; concurrent reads of a key share one; a failed read is not kept. */
function cachedLookup<T>(read: (key: string) => Promise<T>, ttlMs: number, now: () => number) {
  const kept = new Map<string, { until: number; value: Promise<T> }>();
  return (key: string): Promise<T> => {
    const hit = kept.get(key);
    if (hit && hit.until > now()) return hit.value;
    const value = read(key);
    kept.set(key, { until: now() + ttlMs, value });
    value.catch(() => {
      if (kept.get(key)?.value === value) kept.delete(key);
    });
    return value;
  };
}
