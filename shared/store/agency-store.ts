// The agencies table: one item per agency (issue 17). The adapter of the Agencies port, and the only module that writes
// this table's expressions (its key: shared/keys.ts); every item it writes is checked by the schemas of
// shared/model/agency.ts. The operator command (local/agencies.ts) writes through it; the split and the agency
// function read through agency-reads.ts (re-exported here: cachedAgencyLookup), so a hot function does not read the
// table per request and bundles none of the writes.
import { type DynamoDBDocumentClient, PutCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { agencyKeys } from '../keys.ts';
import { Agency, AgencyInput } from '../model/agency.ts';
import type { Agencies, AgencyImport } from '../model/ports.ts';
import { AgencyReads, agencyOfItem } from './agency-reads.ts';
import { batchGetAll, batchWriteAll } from './batch-write.ts';
import { isConditionFailure, landed } from './conditions.ts';

export { AGENCY_CACHE_TTL_MS, AgencyReads, cachedAgencies, cachedAgencyLookup } from './agency-reads.ts';

/** An agency item, checked: what the operator reads back (list, import) is what the schemas allow. */
const agencyOf = (item: Record<string, unknown>): Agency => Agency.parse(agencyOfItem(item));

/** Whether a held agency is as an operator now describes it (its standing and audit fields aside). */
function sameAgency(held: Agency, given: AgencyInput): boolean {
  const { code, name, kind, unit, machineClients } = AgencyInput.parse(given);
  return (
    held.code === code &&
    held.name === name &&
    held.kind === kind &&
    held.unit.code === unit.code &&
    held.unit.vintage === unit.vintage &&
    held.machineClients.length === machineClients.length &&
    held.machineClients.every((client, i) => client === machineClients[i])
  );
}

export class AgencyStore extends AgencyReads implements Agencies {
  constructor(table: string, options: { client?: DynamoDBDocumentClient; now?: () => Date } = {}) {
    super(table, options.client);
    this.now = options.now ?? (() => new Date());
  }

  private readonly now: () => Date;

  private newItem(given: AgencyInput, by: string) {
    const agency: Agency = {
      ...AgencyInput.parse(given),
      active: true,
      updatedAt: this.now().toISOString(),
      updatedBy: by,
    };
    return { ...agencyKeys.agency(agency.code), ...agency };
  }

  /** An agency, checked by its schema (the functions read through AgencyReads, unchecked). */
  override async get(agencyCode: string): Promise<Agency | undefined> {
    const agency = await super.get(agencyCode);
    return agency && Agency.parse(agency);
  }

  async put(given: AgencyInput, by: string): Promise<'created' | 'unchanged' | 'conflict'> {
    const Item = this.newItem(given, by);
    try {
      await this.client.send(
        new PutCommand({ TableName: this.table, Item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return 'created';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const held = await this.get(Item.code);
    return held && sameAgency(held, given) ? 'unchanged' : 'conflict';
  }

  disable(agencyCode: string, by: string): Promise<boolean> {
    return this.setActive(agencyCode, false, by);
  }

  enable(agencyCode: string, by: string): Promise<boolean> {
    return this.setActive(agencyCode, true, by);
  }

  private setActive(agencyCode: string, active: boolean, by: string): Promise<boolean> {
    return landed(
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: agencyKeys.agency(agencyCode),
          UpdateExpression: 'SET active = :active, updatedAt = :at, updatedBy = :by',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':active': active, ':at': this.now().toISOString(), ':by': by },
        }),
      ),
    );
  }

  async list(): Promise<Agency[]> {
    const agencies: Agency[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.table })) {
      for (const item of page.Items ?? []) agencies.push(agencyOf(item));
    }
    return agencies.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  /**
   * Reads which of the agencies are held (BatchGetItem), then writes the new ones (BatchWriteItem, whose puts cannot
   * be conditional: an agency added between the read and the write by another operator is overwritten with what this
   * import says of it). A held agency is never written, so an import does not re-enable a disabled one.
   */
  async importMany(given: AgencyInput[], by: string): Promise<AgencyImport> {
    const wanted = new Map(given.map((agency) => [agency.code, agency]));
    const held = new Map(
      (await batchGetAll(this.table, [...wanted.keys()].map(agencyKeys.agency), this.client))
        .map(agencyOf)
        .map((agency) => [agency.code, agency]),
    );
    const result: AgencyImport = { created: [], unchanged: [], conflicts: [] };
    const puts: { PutRequest: { Item: Record<string, unknown> } }[] = [];
    for (const [code, agency] of wanted) {
      const old = held.get(code);
      if (!old) {
        puts.push({ PutRequest: { Item: this.newItem(agency, by) } });
        result.created.push(code);
      } else if (sameAgency(old, agency)) result.unchanged.push(code);
      else result.conflicts.push(code);
    }
    await batchWriteAll(this.table, puts, 'agencies', this.client);
    return result;
  }
}
