// An agency's list in the register table (a partition per agency, items by `{batchId}.{row}`): the correction and
// conflict lists of issue 19 read the same way, so one Query serves both. Part of their adapters.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';

/** A list item as stored, its keys dropped. */
export function listItemOf<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as T;
}

/**
 * A page of the list under `pk`, by id; only the items of `status` when given (a filter: a page may come back short,
 * with a token to go on). `nextToken` is the id of the page's last item.
 */
export async function queryAgencyList<T>(
  table: string,
  pk: string,
  options: { status?: string; limit?: number; nextToken?: string },
): Promise<{ items: T[]; nextToken?: string }> {
  const { Items = [], LastEvaluatedKey } = await documents.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ...(options.status
        ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
        : {}),
      ExpressionAttributeValues: { ':pk': pk, ...(options.status ? { ':status': options.status } : {}) },
      Limit: options.limit,
      ExclusiveStartKey: options.nextToken ? { pk, sk: options.nextToken } : undefined,
      ConsistentRead: true,
    }),
  );
  const page: { items: T[]; nextToken?: string } = { items: Items.map((item) => listItemOf<T>(item)) };
  if (LastEvaluatedKey?.sk) page.nextToken = LastEvaluatedKey.sk as string;
  return page;
}
