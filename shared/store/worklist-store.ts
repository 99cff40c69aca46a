// The communes' worklists (issue 25): what GET /worklists/{commune} reads of the items finalize keeps beside each
// rejected form (recollect-store.ts writes and marks them). Reads only, and only the agency function imports it: the
// finalize bundle carries none of it.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Vintage } from '#domain/units.ts';
import { documents } from '../aws/dynamodb.ts';
import { worklistKeys } from '../keys.ts';
import type { WorklistItem, Worklists } from '../model/coverage.ts';

export class WorklistStore implements Worklists {
  constructor(private readonly table: string) {}

  async list(vintage: Vintage, commune: string, limit: number, nextToken?: string) {
    const pk = worklistKeys.communePartition(vintage, commune);
    let start: Record<string, string> | undefined;
    if (nextToken) {
      start = decodeToken(nextToken, pk);
      if (!start) return undefined;
    }
    // the re-collected ones are marked, not deleted (until they expire): a page may come back short, or empty with a
    // token, as GET /batches' may not
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
    const items = (Items ?? []).map(
      (item): WorklistItem => ({
        agencyCode: item.agencyCode,
        batchId: item.batchId,
        row: item.row,
        formId: typeof item.key === 'string' && item.key.startsWith('F') ? item.key.slice(1) : '',
        codes: item.codes ?? [],
        communes: item.communes ?? ['', ''],
      }),
    );
    return {
      items,
      ...(LastEvaluatedKey ? { nextToken: encodeToken(LastEvaluatedKey.sk as string) } : {}),
    };
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
