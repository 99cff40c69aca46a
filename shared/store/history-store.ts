// The history table (issue 19): one item per change to a person, put once and never changed or deleted by a function
// (their roles hold PutItem alone on it, infra/access.ts); an item expires `keepDays` after it was written (the
// stage's `retention.historyDays`, TTL `expiresAt`). The adapter of the PersonHistory port; keys in shared/keys.ts.
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { historyKeys } from '../keys.ts';
import type { ChangeDraft, PersonChange } from '../model/history.ts';
import type { PersonHistory } from '../model/ports.ts';
import { landed } from './conditions.ts';

const DAY_SECONDS = 86_400;

export class HistoryStore implements PersonHistory {
  constructor(
    private readonly table: string,
    /** days an item is kept; undefined: as long as the table is (no expiry) */
    private readonly keepDays?: number,
  ) {}

  async put(change: ChangeDraft): Promise<string> {
    const key = historyKeys.change(change.personKey, change.version, change.change);
    await this.putOnce(key, change, new Date().toISOString());
    return key.sk;
  }

  /**
   * A history item of the register from before issue 19, under its migrated key; false when it was moved before
   * (`npm run history -- migrate`, tools/history: a run repeated puts nothing twice).
   */
  putMigrated(change: PersonChange & { batchId: string; row: number }): Promise<boolean> {
    const key = historyKeys.migrated(change.personKey, change.at, change);
    return this.putOnce(key, change, change.at);
  }

  /** A put that never replaces: a retry (or a second run) finds the item there and leaves it as it was. */
  private putOnce(key: { pk: string; sk: string }, change: ChangeDraft, at: string): Promise<boolean> {
    const { personKey: _key, ...fields } = change;
    const expiresAt =
      this.keepDays === undefined
        ? undefined
        : Math.floor(Date.parse(at) / 1000) + this.keepDays * DAY_SECONDS;
    return landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...fields, at, ...key, ...(expiresAt ? { expiresAt } : {}) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async list(personKey: string): Promise<(PersonChange & { sk: string })[]> {
    const items: (PersonChange & { sk: string })[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :key',
          ExpressionAttributeValues: { ':key': personKey },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const { pk, expiresAt: _expiry, ...item } of page.Items ?? [])
        items.push({ ...(item as PersonChange & { sk: string }), personKey: pk as string });
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}
