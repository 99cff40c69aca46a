// DynamoDB's batch requests, whole: BatchWriteItem takes 25 requests and BatchGetItem 100 keys at most, and each
// may hand back what it throttled (UnprocessedItems, UnprocessedKeys); these send the rest again, backing off.
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';

/** BatchWriteItem takes 25 requests at most */
export const BATCH_WRITE_MAX = 25;
/** BatchGetItem takes 100 keys at most */
export const BATCH_GET_MAX = 100;
const BATCH_ATTEMPTS = 8;

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];
type KeysAndAttributes = NonNullable<BatchGetCommandInput['RequestItems']>[string];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** full jitter, 100 ms then doubling up to 2 s: nothing before the first attempt */
const backOff = (attempt: number) =>
  attempt > 0 ? sleep(Math.random() * Math.min(2000, 50 * 2 ** attempt)) : Promise.resolve();

/** Writes every request, 25 at a time, sending what DynamoDB left unprocessed again (8 attempts per 25). */
export async function batchWriteAll(
  table: string,
  requests: WriteRequests,
  what = 'items',
  client: DynamoDBDocumentClient = documents,
): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX) {
    let pending = requests.slice(i, i + BATCH_WRITE_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) throw new Error(`${pending.length} ${what} stayed unprocessed`);
      await backOff(attempt);
      const { UnprocessedItems } = await client.send(
        new BatchWriteCommand({ RequestItems: { [table]: pending } }),
      );
      pending = UnprocessedItems?.[table] ?? [];
    }
  }
}

/** The items of `keys` that exist (in no order), 100 keys at a time, reading what DynamoDB left unprocessed again. */
export async function batchGetAll(
  table: string,
  keys: Record<string, string>[],
  client: DynamoDBDocumentClient = documents,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
    let pending: KeysAndAttributes | undefined = { Keys: keys.slice(i, i + BATCH_GET_MAX) };
    for (let attempt = 0; pending?.Keys?.length; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) throw new Error(`${pending.Keys.length} keys stayed unread`);
      await backOff(attempt);
      const {
        Responses,
        UnprocessedKeys,
      }: {
        Responses?: Record<string, Record<string, unknown>[]>;
        UnprocessedKeys?: Record<string, KeysAndAttributes>;
      } = await client.send(new BatchGetCommand({ RequestItems: { [table]: pending } }));
      items.push(...(Responses?.[table] ?? []));
      pending = UnprocessedKeys?.[table];
    }
  }
  return items;
}
