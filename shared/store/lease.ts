// A lease on one item: one holder at a time, until a time (epoch ms) longer than its holder can run.
//
//   A takes it ── A works ── A lets go                 the next caller takes it at once
//   A takes it ── A dies ─────────── its time passes   the next caller takes it then (a dead holder never blocks)
//        B asks while A's time runs                    refused: B waits, or leaves the work to A
//
// Two attributes of the item hold it (who, and until when); taking it may ask more of the item in the same condition
// (the split's checkpoint, the batch's status). Letting go removes both, and only if the caller still holds it.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { landed } from './conditions.ts';

export interface Lease {
  table: string;
  key: Record<string, string>;
  /** the attributes that hold the holder and its time */
  holder: string;
  until: string;
}

export const leaseOn = (
  table: string,
  key: Record<string, string>,
  holder: string,
  until: string,
): Lease => ({
  table,
  key,
  holder,
  until,
});

export interface TakeOptions {
  /** what else the item must satisfy, e.g. `#status = :splitting`, with its names and values */
  also?: { condition: string; names?: Record<string, string>; values?: Record<string, unknown> };
  /** the holder may take it again while it holds it (a pass's start, redelivered) */
  reentrant?: boolean;
  now?: number;
}

/** True when `holder` now holds the lease until `until`: nobody held it, or its holder's time was over. */
export function takeLease(
  lease: Lease,
  holder: string,
  until: number,
  options: TakeOptions = {},
): Promise<boolean> {
  const { also, reentrant } = options;
  const free = `attribute_not_exists(#until) OR #until < :now${reentrant ? ' OR #holder = :holder' : ''}`;
  return landed(
    documents.send(
      new UpdateCommand({
        TableName: lease.table,
        Key: lease.key,
        UpdateExpression: 'SET #holder = :holder, #until = :until',
        ConditionExpression: also ? `${also.condition} AND (${free})` : free,
        ExpressionAttributeNames: { '#holder': lease.holder, '#until': lease.until, ...also?.names },
        ExpressionAttributeValues: {
          ':holder': holder,
          ':until': until,
          ':now': options.now ?? Date.now(),
          ...also?.values,
        },
      }),
    ),
  );
}

/** Lets go of the lease if `holder` still holds it, so the next caller need not wait for its time to pass. */
export function releaseLease(lease: Lease, holder: string): Promise<boolean> {
  return landed(
    documents.send(
      new UpdateCommand({
        TableName: lease.table,
        Key: lease.key,
        UpdateExpression: 'REMOVE #holder, #until',
        ConditionExpression: '#holder = :holder',
        ExpressionAttributeNames: { '#holder': lease.holder, '#until': lease.until },
        ExpressionAttributeValues: { ':holder': holder },
      }),
    ),
  );
}

/** Frees the lease whoever holds it: only for a restart, whose holders all died with the process before it. */
export async function freeLease(lease: Lease): Promise<void> {
  await landed(
    documents.send(
      new UpdateCommand({
        TableName: lease.table,
        Key: lease.key,
        UpdateExpression: 'REMOVE #holder, #until',
        // an item nobody ever leased is not created
        ConditionExpression: 'attribute_exists(#holder)',
        ExpressionAttributeNames: { '#holder': lease.holder, '#until': lease.until },
      }),
    ),
  );
}

/** Who holds the lease now and until when, if anyone: a holder whose time has passed holds nothing. */
export async function leaseHeld(
  lease: Lease,
  now = Date.now(),
): Promise<{ holder: string; until: number } | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: lease.table, Key: lease.key, ConsistentRead: true }),
  );
  const holder = Item?.[lease.holder];
  const until = Number(Item?.[lease.until]);
  return typeof holder === 'string' && until >= now ? { holder, until } : undefined;
}

/** Who holds the lease now, if anyone (as `takeLease` sees it). */
export async function leaseHolder(lease: Lease, now = Date.now()): Promise<string | undefined> {
  return (await leaseHeld(lease, now))?.holder;
}
