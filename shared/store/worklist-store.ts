// The worklists (issue 25): what GET /worklists/{commune} reads of the lines finalize keeps beside each rejected form
// (recollect-store.ts writes and marks them) and the register step puts for the probable duplicates, conflicts and
// unplaced forms (put, below). The agency function reads, the register function puts; finalize imports none of it.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { registerKeys, reviewId, worklistKeys } from '../keys.ts';
import type { ListedForm, WorklistItem, WorklistKind, WorklistLines, Worklists } from '../model/coverage.ts';

const CONCURRENCY = 16;

export class WorklistStore implements Worklists, WorklistLines {
  /** `registerTable`: where a duplicate's review item and a conflict's item say whether it was decided */
  constructor(
    private readonly table: string,
    private readonly registerTable = '',
  ) {}

  async list(pk: string, limit: number, nextToken?: string) {
    let start: Record<string, string> | undefined;
    if (nextToken) {
      start = decodeToken(nextToken, pk);
      if (!start) return undefined;
    }
    // the re-collected ones are marked, not deleted (until they expire), and the decided ones left: a page may come
    // back short, or empty with a token, as GET /batches' may not
    const { Items, LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'attribute_not_exists(consumedBy)',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    const read = (Items ?? []).map(
      (item) =>
        ({
          kind: (item.kind as WorklistKind | undefined) ?? 'rejected',
          agencyCode: item.agencyCode,
          batchId: item.batchId,
          row: item.row,
          formId: typeof item.key === 'string' && item.key.startsWith('F') ? item.key.slice(1) : '',
          codes: item.codes ?? [],
          communes: item.communes ?? ['', ''],
          ...(item.kind === 'duplicate'
            ? { reviewId: reviewId(item as { batchId: string; row: number }) }
            : {}),
          ...(item.person ? { person: item.person } : {}),
        }) as WorklistItem,
    );
    const open = await Promise.all(read.map((item) => this.waiting(item)));
    return {
      items: read.filter((_, at) => open[at]),
      ...(LastEvaluatedKey ? { nextToken: encodeToken(LastEvaluatedKey.sk as string) } : {}),
    };
  }

  /**
   * Whether a duplicate or a conflict still waits for a decision: read at each listing (one small get per such line
   * of the page) rather than marked by the decision, which would have to find the line's communes, and could come
   * before the line is put.
   */
  private async waiting(item: WorklistItem): Promise<boolean> {
    if (item.kind === 'duplicate') {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: this.registerTable,
          Key: registerKeys.review(item.agencyCode, item.reviewId as string),
          ProjectionExpression: 'resolution',
        }),
      );
      return !Item?.resolution;
    }
    if (item.kind === 'conflict') {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: this.registerTable,
          Key: registerKeys.conflict(item.agencyCode, reviewId(item)),
          ProjectionExpression: '#status',
          ExpressionAttributeNames: { '#status': 'status' },
        }),
      );
      return !Item || Item.status === 'open';
    }
    return true;
  }

  async put(agencyCode: string, batchId: string, forms: readonly ListedForm[], expiresAt: number) {
    const items = forms.flatMap(({ lists, formId, ...form }) =>
      lists.map((pk) => ({
        ...worklistKeys.line(pk, agencyCode, batchId, form.row),
        ...form,
        agencyCode,
        batchId,
        key: `F${formId}`,
        expiresAt,
      })),
    );
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < items.length; i = next++)
        await documents.send(new PutCommand({ TableName: this.table, Item: items[i] }));
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  }
}

/** The token is the last key's sort key; the partition is the one asked for again. */
function encodeToken(sk: string): string {
  return Buffer.from(sk).toString('base64url');
}

function decodeToken(token: string, pk: string): Record<string, string> | undefined {
  const sk = Buffer.from(token, 'base64url').toString('utf8');
  return /^[^#]{1,64}#[A-Za-z0-9_-]{22}#[0-9]{1,10}$/.test(sk) ? { pk, sk } : undefined;
}
