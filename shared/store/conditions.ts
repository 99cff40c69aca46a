// Conditional writes, as every store makes them: the write lands, or its condition did not hold and the caller is
// told so (false); any other error is thrown. And the SET clause of an update from a record of fields, and an item's
// string set added to.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';

export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as Error)?.name === 'ConditionalCheckFailedException'
  );
}

/** True when the conditional write landed, false when its condition did not hold. */
export async function landed(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** `SET #name = :name, …` for each field given a value, with the expression's names and values. */
export function assignments(fields: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    parts.push(`#${name} = :${name}`);
  }
  return { set: `SET ${parts.join(', ')}`, names, values };
}

/** Adds `value` to the string set `attribute` of an item that exists (idempotent). */
export async function addToSet(
  table: string,
  key: Record<string, string>,
  attribute: string,
  value: string,
): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: 'ADD #set :value',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#set': attribute },
      ExpressionAttributeValues: { ':value': new Set([value]) },
    }),
  );
}
