// How many of a batch's conflicts are decided (issue 19): a count on the batch item, which GET /batches/{batchId}
// shows, moved by the decisions function. The batch's report is not rewritten: it says what the register found then.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { batchKeys } from '../keys.ts';
import type { ResolvedConflicts } from '../model/ports.ts';

export class ResolvedConflictCounts implements ResolvedConflicts {
  constructor(private readonly table: string) {}

  async addConflictResolved(batchId: string): Promise<void> {
    await documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: batchKeys.batch(batchId),
        UpdateExpression: 'ADD conflictsResolved :one',
        // never a batch item of its own: the batch is there, as its conflict's row was registered
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }
}
