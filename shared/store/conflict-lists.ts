// Each agency's conflict list in the register table (issue 19): the rows whose personal ID is held for a person with
// another identity, one partition per agency, so a list never shows another agency's items. The register puts them
// (register-store.ts putConflict); the decisions function lists and decides them here. The adapter of the
// ConflictLists port.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { registerKeys } from '../keys.ts';
import type { ConflictDecisionRecord, ConflictPage, StoredConflict } from '../model/conflict.ts';
import type { ConflictLists } from '../model/ports.ts';
import { listItemOf, queryAgencyList } from './agency-list.ts';
import { landed } from './conditions.ts';

const conflictKey = registerKeys.conflict;

/** A conflict item as stored: its keys dropped. */
const conflictOf = (item: Record<string, unknown>) => listItemOf<StoredConflict>(item);

export class ConflictListStore implements ConflictLists {
  constructor(private readonly table: string) {}

  async getConflict(agencyCode: string, id: string): Promise<StoredConflict | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: conflictKey(agencyCode, id), ConsistentRead: true }),
    );
    return Item ? conflictOf(Item) : undefined;
  }

  listConflicts(
    agencyCode: string,
    options: { status?: StoredConflict['status']; limit?: number; nextToken?: string } = {},
  ): Promise<ConflictPage> {
    return queryAgencyList(this.table, registerKeys.conflictList(agencyCode), options);
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
