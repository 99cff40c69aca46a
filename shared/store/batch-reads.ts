// What the agency routes read of the batches table: one batch, or an agency's batches newest first (gsi1, which
// batch-store.ts writes). Reads only: the AgencyBatches port; batch-store.ts stays the module that writes this table.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { batchKeys } from '../keys.ts';
import { AGENCY_BATCH_FIELDS, type AgencyBatch, type AgencyBatchPage } from '../model/batch.ts';
import type { AgencyBatches } from '../model/ports.ts';

function summaryOf(item: Record<string, unknown>): AgencyBatch {
  const summary: Record<string, unknown> = {};
  for (const field of AGENCY_BATCH_FIELDS) if (item[field] !== undefined) summary[field] = item[field];
  return summary as AgencyBatch;
}

export class BatchReads implements AgencyBatches {
  constructor(private readonly table: string) {}

  async get(batchId: string): Promise<AgencyBatch | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: batchKeys.batch(batchId) }),
    );
    return Item ? summaryOf(Item) : undefined;
  }

  /** The agency's batches, newest first; undefined when `nextToken` is not one this agency was given. */
  async listByAgency(
    agencyCode: string,
    limit: number,
    nextToken?: string,
  ): Promise<AgencyBatchPage | undefined> {
    const gsi1pk = batchKeys.agencyPartition(agencyCode);
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
