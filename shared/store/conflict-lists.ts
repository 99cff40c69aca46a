// Each agency's conflict list in the register table (issue 19): the rows whose personal ID is held for a person with
// another identity, one partition per agency, so a list never shows another agency's items. The register puts them
// (register-store.ts putConflict); the decisions function lists and decides them here. The adapter of the
// ConflictLists port.
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { registerKeys } from '../keys.ts';
import type { ConflictDecisionRecord, ConflictPage, StoredConflict } from '../model/conflict.ts';
import type { ConflictLists } from '../model/ports.ts';
import { landed } from './conditions.ts';

const conflictKey = registerKeys.conflict;

/** A conflict item as stored: its keys dropped. */
export function conflictOf(item: Record<string, unknown>): StoredConflict {
  const { pk: _pk, sk: _sk, ...conflict } = item;
  return conflict as unknown as StoredConflict;
}

export class ConflictListStore implements ConflictLists {
  constructor(private readonly table: string) {}

  async getConflict(agencyCode: string, id: string): Promise<StoredConflict | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: conflictKey(agencyCode, id), ConsistentRead: true }),
    );
    return Item ? conflictOf(Item) : undefined;
  }

  async listConflicts(
    agencyCode: string,
    options: { status?: StoredConflict['status']; limit?: number; nextToken?: string } = {},
  ): Promise<ConflictPage> {
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ...(options.status
          ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
          : {}),
        ExpressionAttributeValues: {
          ':pk': registerKeys.conflictList(agencyCode),
          ...(options.status ? { ':status': options.status } : {}),
        },
        Limit: options.limit,
        ExclusiveStartKey: options.nextToken ? conflictKey(agencyCode, options.nextToken) : undefined,
        ConsistentRead: true,
      }),
    );
    const page: ConflictPage = { items: Items.map(conflictOf) };
    if (LastEvaluatedKey?.sk) page.nextToken = LastEvaluatedKey.sk as string;
    return page;
  }

  decideConflict(agencyCode: string, id: string, decision: ConflictDecisionRecord): Promise<boolean> {
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: conflictKey(agencyCode, id),
          UpdateExpression: 'SET #status = :decided, decision = :decision',
          ConditionExpression: 'attribute_exists(pk) AND #status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':decided': 'decided', ':open': 'open', ':decision': decision },
        }),
      ),
    );
  }

  async markCounted(agencyCode: string, id: string): Promise<void> {
    await documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: conflictKey(agencyCode, id),
        UpdateExpression: 'SET counted = :yes',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':yes': true },
      }),
    );
  }
}
