// What the functions read of the agencies table: one agency, through a cache. Reads only, as batch-reads.ts: the split
// bundles this, so the writes, the scan and the schemas stay in agency-store.ts, the table's one writer (whose zod
// schemas check every item it writes; a reader takes the items as written).
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
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
  const kept = new Map<string, { until: number; agency: Promise<Agency | undefined> }>();
  return {
    get(agencyCode) {
      const hit = kept.get(agencyCode);
      if (hit && hit.until > now()) return hit.agency;
      const agency = agencies.get(agencyCode);
      kept.set(agencyCode, { until: now() + ttlMs, agency });
      agency.catch(() => {
        if (kept.get(agencyCode)?.agency === agency) kept.delete(agencyCode);
      });
      return agency;
    },
  };
}

/** The agencies table as a function reads it (AGENCIES_TABLE), through the cache. */
export const cachedAgencies = (table: string): AgencyLookup => cachedAgencyLookup(new AgencyReads(table));
