// Each agency's rejected forms, kept in the batches table until re-collected or expired (recollectKeys): one item per
// rejected form (one write), under its form id (else its person key) with both matches in it; one partition per
// agency, read whole by each of its batches' finalize (a district's open rejections: a few thousand small items).
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { recollectKeys, worklistKeys } from '../keys.ts';
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
        const {
          key,
          matches,
          batchId,
          row,
          consumedBy,
          communes = ['', ''],
          codes = [],
          person,
        } = forms[i] as RejectedForm;
        const kept = await landed(
          documents.send(
            new PutCommand({
              TableName: this.table,
              Item: {
                ...recollectKeys.rejection(agencyCode, key),
                matches,
                batchId,
                row,
                communes,
                codes,
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
        if (consumedBy) continue;
        // its worklist items, written also when this very row was kept before (a redelivery after a crash between;
        // one a take has marked, it may have come first, stays marked), not when another row holds the form's key:
        // the worklist shows the rejection that a take will mark
        if (!kept) {
          const { Item: held } = await documents.send(
            new GetCommand({
              TableName: this.table,
              Key: recollectKeys.rejection(agencyCode, key),
              ConsistentRead: true,
            }),
          );
          if (held?.batchId !== batchId || held.row !== row) continue;
        }
        for (const [at, commune] of communes.entries()) {
          if (!commune) continue;
          await landed(
            documents.send(
              new PutCommand({
                TableName: this.table,
                Item: {
                  ...worklistKeys.form(at ? 2025 : 2020, commune, agencyCode, batchId, row),
                  agencyCode,
                  batchId,
                  row,
                  key,
                  communes,
                  codes,
                  // kept on the line: the rejected row's cells live only in work files, which expire before it does
                  person,
                  expiresAt,
                },
                ConditionExpression: 'attribute_not_exists(consumedBy)',
              }),
            ),
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, forms.length) }, worker));
  }

  async take(agencyCode: string, key: string, batchId: string): Promise<boolean> {
    let taken: Record<string, unknown> | undefined;
    const landedNow = await landed(
      documents
        .send(
          new UpdateCommand({
            TableName: this.table,
            Key: recollectKeys.rejection(agencyCode, key),
            UpdateExpression: 'SET consumedBy = :batch',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(consumedBy) OR consumedBy = :batch)',
            ExpressionAttributeValues: { ':batch': batchId },
            ReturnValues: 'ALL_NEW',
          }),
        )
        .then((out) => {
          taken = out.Attributes;
          return out;
        }),
    );
    // off the worklists: marked, not deleted, so that a late (redelivered) keep cannot put it back
    const { communes = [], row, expiresAt } = taken ?? {};
    for (const [at, commune] of (communes as string[]).entries()) {
      if (!commune) continue;
      await documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: worklistKeys.form(
            at ? 2025 : 2020,
            commune,
            agencyCode,
            taken?.batchId as string,
            row as number,
          ),
          UpdateExpression: 'SET consumedBy = :batch, expiresAt = if_not_exists(expiresAt, :at)',
          ExpressionAttributeValues: { ':batch': batchId, ':at': expiresAt },
        }),
      );
    }
    return landedNow;
  }
}
