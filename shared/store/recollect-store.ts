// Each agency's rejected forms, kept in the batches table until re-collected or expired (recollectKeys): one item per
// rejected form (one write), under its form id (else its person key) with both matches in it; one partition per
// agency, read whole by each of its batches' finalize (a district's open rejections: a few thousand small items).
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { recollectKeys } from '../keys.ts';
import type { Recollections, RejectedForm } from '../model/coverage.ts';
import { landed } from './conditions.ts';

const CONCURRENCY = 16;

export class RecollectStore implements Recollections {
  constructor(private readonly table: string) {}

  async open(agencyCode: string, batchId: string): Promise<Map<string, string>> {
    const open = new Map<string, string>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': recollectKeys.agencyPartition(agencyCode) },
          ProjectionExpression: 'sk, matches, batchId, consumedBy',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        // open while not taken, or taken by this batch (a redelivery); this batch's own are matched in row order
        if (item.batchId === batchId || (item.consumedBy && item.consumedBy !== batchId)) continue;
        for (const match of (item.matches as string[] | undefined) ?? [item.sk as string])
          open.set(match, item.sk as string);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return open;
  }

  async keep(agencyCode: string, forms: readonly RejectedForm[], expiresAt: number): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < forms.length; i = next++) {
        const { key, matches, batchId, row, consumedBy } = forms[i] as RejectedForm;
        await landed(
          documents.send(
            new PutCommand({
              TableName: this.table,
              Item: {
                ...recollectKeys.rejection(agencyCode, key),
                matches,
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

  take(agencyCode: string, key: string, batchId: string): Promise<boolean> {
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: recollectKeys.rejection(agencyCode, key),
          UpdateExpression: 'SET consumedBy = :batch',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(consumedBy) OR consumedBy = :batch)',
          ExpressionAttributeValues: { ':batch': batchId },
        }),
      ),
    );
  }
}
