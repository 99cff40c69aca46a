// What the agency routes read of the batches table: one batch, or an agency's batches newest first (gsi1, which
// shared/store/batch-store.ts writes as gsi1pk = AGENCY#{agencyCode}, gsi1sk = {startedAt}#{batchId}).
// Reads only; batch-store.ts stays the module that writes this table.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import type { Batch } from '../ingest/types.ts';

/** A batch as agencies see it: no checkpoint, lease or partition bookkeeping. */
export type BatchSummary = Pick<
  Batch,
  | 'batchId'
  | 'agencyCode'
  | 'objectKey'
  | 'status'
  | 'startedAt'
  | 'updatedAt'
  | 'finishedAt'
  | 'rows'
  | 'outcomes'
  | 'errorsByCode'
  | 'failure'
> & { bucket: string };

const SUMMARY_FIELDS = [
  'batchId',
  'agencyCode',
  'bucket',
  'objectKey',
  'status',
  'startedAt',
  'updatedAt',
  'finishedAt',
  'rows',
  'outcomes',
  'errorsByCode',
  'failure',
] as const;

function summaryOf(item: Record<string, unknown>): BatchSummary {
  const summary: Record<string, unknown> = {};
  for (const field of SUMMARY_FIELDS) if (item[field] !== undefined) summary[field] = item[field];
  return summary as BatchSummary;
}

export interface BatchPage {
  batches: BatchSummary[];
  /** opaque: where the next page starts, or undefined after the last */
  nextToken?: string;
}

export class BatchReads {
  constructor(private readonly table: string) {}

  async get(batchId: string): Promise<BatchSummary | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: { pk: `BATCH#${batchId}`, sk: 'META' } }),
    );
    return Item ? summaryOf(Item) : undefined;
  }

  /** The agency's batches, newest first; undefined when `nextToken` is not one this agency was given. */
  async listByAgency(agencyCode: string, limit: number, nextToken?: string): Promise<BatchPage | undefined> {
    const gsi1pk = `AGENCY#${agencyCode}`;
    let start: Record<string, string> | undefined;
    if (nextToken) {
      start = decodeToken(nextToken);
      if (start?.gsi1pk !== gsi1pk) return undefined;
    }
    const { Items, LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :agency',
        ExpressionAttributeValues: { ':agency': gsi1pk },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return {
      batches: (Items ?? []).map(summaryOf),
      ...(LastEvaluatedKey ? { nextToken: encodeToken(LastEvaluatedKey) } : {}),
    };
  }
}

const TOKEN_KEYS = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

function encodeToken(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(TOKEN_KEYS.map((name) => key[name]))).toString('base64url');
}

function decodeToken(token: string): Record<string, string> | undefined {
  try {
    const values: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Array.isArray(values) || values.length !== TOKEN_KEYS.length) return undefined;
    if (!values.every((value) => typeof value === 'string' && value.length <= 512)) return undefined;
    return Object.fromEntries(TOKEN_KEYS.map((name, i) => [name, values[i] as string]));
  } catch {
    return undefined;
  }
}
