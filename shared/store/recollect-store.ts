// Each agency's rejected forms, kept in the batches table until re-collected or expired (recollectKeys): one partition
// per agency, read whole by each of its batches' finalize (a district's open rejections: a few thousand small items).
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { recollectKeys } from '../keys.ts';
import type { Recollections, RejectedForm } from '../model/coverage.ts';
import { landed } from './conditions.ts';

const CONCURRENCY = 16;

export class RecollectStore implements Recollections {
  constructor(private readonly table: string) {}

  async open(agencyCode: string, batchId: string): Promise<Map<string, string>> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': recollectKeys.agencyPartition(agencyCode) },
          ProjectionExpression: 'sk, #primary, batchId, consumedBy',
          ExpressionAttributeNames: { '#primary': 'primary' },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    // a rejection is open while its primary item is: not taken, or taken by this batch (a redelivery)
    const taken = new Set(
      items
        .filter((item) => item.sk === item.primary && item.consumedBy && item.consumedBy !== batchId)
        .map((item) => item.primary as string),
    );
    const open = new Map<string, string>();
    for (const item of items) {
      const primary = item.primary as string;
      if (item.batchId === batchId || taken.has(primary)) continue;
      open.set(item.sk as string, primary);
    }
    return open;
  }

  async keep(agencyCode: string, forms: readonly RejectedForm[], expiresAt: number): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < forms.length; i = next++) {
        const { key, primary, batchId, row, consumedBy } = forms[i] as RejectedForm;
        await landed(
          documents.send(
            new PutCommand({
              TableName: this.table,
              Item: {
                ...recollectKeys.rejection(agencyCode, key),
                primary,
                batchId,
                row,
                expiresAt,
                ...(consumedBy ? { consumedBy } : {}),
              },
              // kept once (a redelivery leaves it); a rejection another batch re-collected gives way to this one
              ConditionExpression:
                'attribute_not_exists(pk) OR (attribute_exists(consumedBy) AND batchId <> :batch)',
              ExpressionAttributeValues: { ':batch': batchId },
            }),
          ),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, forms.length) }, worker));
  }

  take(agencyCode: string, primary: string, batchId: string): Promise<boolean> {
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: recollectKeys.rejection(agencyCode, primary),
          UpdateExpression: 'SET consumedBy = :batch',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(consumedBy) OR consumedBy = :batch)',
          ExpressionAttributeValues: { ':batch': batchId },
        }),
      ),
    );
  }
}
