// The agencies table: one item per agency (issue 17). The adapter of the Agencies port, and the only module that writes
// this table's expressions (its key: shared/keys.ts); every item it writes is checked by the schemas of
// shared/model/agency.ts. The operator command (local/agencies.ts) writes through it; the split and the agency
// function read through agency-reads.ts (re-exported here: cachedAgencyLookup), so a hot function does not read the
// table per request and bundles none of the writes.
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { agencyKeys } from '../keys.ts';
import { Agency, AgencyInput } from '../model/agency.ts';
import type { Agencies, AgencyImport, MachineClientAdded, MachineClientRemoved } from '../model/ports.ts';
import { AgencyReads, agencyOfItem } from './agency-reads.ts';
import { batchGetAll, batchWriteAll } from './batch-write.ts';
import { isConditionFailure, landed } from './conditions.ts';

export { AGENCY_CACHE_TTL_MS, AgencyReads, cachedAgencies, cachedAgencyLookup } from './agency-reads.ts';

/** An agency item, checked: what the operator reads back (list, import) is what the schemas allow. */
const agencyOf = (item: Record<string, unknown>): Agency => Agency.parse(agencyOfItem(item));

/**
 * Whether a held agency is as an operator now describes it (its standing, its machine clients and the audit fields
 * aside: the clients are add-client's and remove-client's, so importing the agencies' file again after an agency got
 * a client is still `unchanged`).
 */
function sameAgency(held: Agency, given: AgencyInput): boolean {
  const { code, name, kind, unit } = AgencyInput.parse(given);
  return (
    held.code === code &&
    held.name === name &&
    held.kind === kind &&
    held.unit.code === unit.code &&
    held.unit.vintage === unit.vintage
  );
}

/** How many times a removal reads the agency again when its list changed under it. */
const REMOVE_ATTEMPTS = 5;

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
    // the agencies only: the table holds the machine clients' items too (agencyKeys.machineClient)
    const scan = {
      TableName: this.table,
      FilterExpression: '#sk = :agency',
      ExpressionAttributeNames: { '#sk': 'sk' },
      ExpressionAttributeValues: { ':agency': agencyKeys.agency('').sk },
    };
    for await (const page of paginateScan({ client: this.client }, scan)) {
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

  /**
   * Two writes, no transaction. The authoriser admits a client only when its item names an agency AND that agency
   * lists it (cachedMachineClients), so either write alone admits nothing; the list is the switch, written last:
   * 1. the client's item, naming the agency; its condition keeps a client id held for one agency from being
   *    re-pointed at another (`other-agency`), and a second add leaves the first one's addedAt/addedBy;
   * 2. the agency's `machineClients`, appended to only if the agency is held and does not list it yet.
   * A crash between the two leaves an item that admits nothing, and running the verb again completes it. Writing
   * the list first would not admit anything either, but it would have to be undone when the item then turned out
   * to be another agency's, and `list` would show a client that cannot get in.
   */
  async addMachineClient(agencyCode: string, clientId: string, by: string): Promise<MachineClientAdded> {
    const at = this.now().toISOString();
    const pointed = await landed(
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: agencyKeys.machineClient(clientId),
          UpdateExpression:
            'SET clientId = :client, agency = :agency, addedAt = if_not_exists(addedAt, :at), ' +
            'addedBy = if_not_exists(addedBy, :by)',
          ConditionExpression: 'attribute_not_exists(pk) OR agency = :agency',
          ExpressionAttributeValues: { ':client': clientId, ':agency': agencyCode, ':at': at, ':by': by },
        }),
      ),
    );
    if (!pointed) return 'other-agency';
    const listed = await landed(
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: agencyKeys.agency(agencyCode),
          UpdateExpression:
            'SET machineClients = list_append(if_not_exists(machineClients, :none), :client), ' +
            'updatedAt = :at, updatedBy = :by',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(machineClients, :id)',
          ExpressionAttributeValues: {
            ':none': [],
            ':client': [clientId],
            ':id': clientId,
            ':at': at,
            ':by': by,
          },
        }),
      ),
    );
    if (listed) return 'added';
    if (await super.get(agencyCode)) return 'unchanged';
    // no such agency: the item just written admits nothing, and is not left behind
    await this.deleteClientItem(agencyCode, clientId);
    return 'agency-unknown';
  }

  /**
   * The reverse order: off the agency's list first (from then on the authoriser refuses it, within its minute of
   * cache), then the client's item, and only if it names this agency. A crash between the two leaves an item that
   * admits nothing. The list is changed by index, on the condition that the index still holds the client, so a
   * concurrent change of the list is read again rather than removing another client.
   */
  async removeMachineClient(agencyCode: string, clientId: string, by: string): Promise<MachineClientRemoved> {
    let outcome: MachineClientRemoved | undefined;
    let removed = false;
    // until the agency no longer lists it: listed twice (a file may say so), each round removes one
    for (let attempt = 0; attempt < REMOVE_ATTEMPTS && !outcome; attempt++) {
      const agency = await super.get(agencyCode);
      const index = agency?.machineClients?.indexOf(clientId) ?? -1;
      if (!agency) outcome = 'agency-unknown';
      else if (index < 0) outcome = removed ? 'removed' : 'not-listed';
      else
        removed =
          (await landed(
            this.client.send(
              new UpdateCommand({
                TableName: this.table,
                Key: agencyKeys.agency(agencyCode),
                UpdateExpression: `REMOVE machineClients[${index}] SET updatedAt = :at, updatedBy = :by`,
                ConditionExpression: `machineClients[${index}] = :id`,
                ExpressionAttributeValues: { ':id': clientId, ':at': this.now().toISOString(), ':by': by },
              }),
            ),
          )) || removed;
    }
    if (!outcome)
      throw new Error(`${agencyCode}: its machine clients kept changing; run remove-client again`);
    await this.deleteClientItem(agencyCode, clientId);
    return outcome;
  }

  /** The client's item, if it names this agency (another agency's is left as it is). */
  private deleteClientItem(agencyCode: string, clientId: string): Promise<boolean> {
    return landed(
      this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: agencyKeys.machineClient(clientId),
          ConditionExpression: 'agency = :agency',
          ExpressionAttributeValues: { ':agency': agencyCode },
        }),
      ),
    );
  }
}
