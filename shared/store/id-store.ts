// The ids table (issue 20, docs/ids.md): the adapters of IdCounters and IssuedIds, and the only module that writes
// this table's expressions (its keys: shared/keys.ts). A claim is one UpdateItem: it adds 1 to the prefix's `next`
// while `next` is under the prefix's `size`, and makes the order key and the size on the first claim (if_not_exists),
// so they never change under the numbers issued. A record is one conditional PutItem, never updated or deleted.
// Two write units per number issued.
import { randomBytes } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { idKeys } from '../keys.ts';
import type {
  BirthRegistration,
  Births,
  IdCounters,
  IssuedIds,
  IssuePurpose,
  IssueRecord,
  PrefixClaim,
} from '../model/ids.ts';
import { landed } from './conditions.ts';

export class IdStore implements IdCounters, IssuedIds {
  constructor(
    private readonly table: string,
    private readonly client: DynamoDBDocumentClient = documents,
  ) {}

  async claim(prefix: string, size: number): Promise<PrefixClaim | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: idKeys.counter(prefix),
          UpdateExpression:
            'ADD #next :one SET #orderKey = if_not_exists(#orderKey, :orderKey), #size = if_not_exists(#size, :size)',
          ConditionExpression: 'attribute_not_exists(#next) OR #next < #size',
          ExpressionAttributeNames: { '#next': 'next', '#orderKey': 'orderKey', '#size': 'size' },
          ExpressionAttributeValues: { ':one': 1, ':orderKey': randomBytes(32), ':size': size },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const held = Attributes as { next: number; orderKey: Uint8Array; size: number };
      // the value before this claim's addition is its index
      return { index: held.next - 1, orderKey: held.orderKey, size: held.size };
    } catch (error) {
      if ((error as Error)?.name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  async get(purpose: IssuePurpose): Promise<IssueRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: issuedKey(purpose), ConsistentRead: true }),
    );
    return Item ? recordOf(Item) : undefined;
  }

  async record(record: IssueRecord): Promise<IssueRecord> {
    const put = this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...issuedKey(record.purpose), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (await landed(put)) return record;
    const held = await this.get(record.purpose);
    if (!held) throw new Error('an issuance record was refused and is not there');
    return held;
  }

  async forBatch(batchId: string): Promise<IssueRecord[]> {
    const records: IssueRecord[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :batch',
        ExpressionAttributeValues: { ':batch': idKeys.issuedForBatch(batchId) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) records.push(recordOf(item));
    return records;
  }
}

const issuedKey = (purpose: IssuePurpose) =>
  purpose.kind === 'birth'
    ? idKeys.issuedForBirth(purpose.registrationId)
    : idKeys.issuedForRow(purpose.batchId, purpose.row);

function recordOf(item: Record<string, unknown>): IssueRecord {
  const { number, purpose, issuedFor, issuedBy, issuedAt, why, formId } = item as unknown as IssueRecord;
  return { number, purpose, issuedFor, issuedBy, issuedAt, why, ...(formId ? { formId } : {}) };
}

/** The births dancu registered: one item per registration id, written whole (a redelivery writes the same). */
export class BirthStore implements Births {
  constructor(
    private readonly table: string,
    private readonly client: DynamoDBDocumentClient = documents,
  ) {}

  async get(registrationId: string): Promise<BirthRegistration | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: idKeys.birth(registrationId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...birth } = Item;
    return birth as BirthRegistration;
  }

  async put(birth: BirthRegistration): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: { ...idKeys.birth(birth.registrationId), ...birth } }),
    );
  }
}
