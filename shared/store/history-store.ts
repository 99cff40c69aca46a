// The history table (issue 19): one item per change to a person, put once and never changed or deleted by a function
// (their roles hold PutItem alone on it, infra/access.ts); an item expires `keepDays` after it was written (the
// stage's `retention.historyDays`, TTL `expiresAt`). The adapter of the PersonHistory port; keys in shared/keys.ts.
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PopulationRecord } from '#domain/record.ts';
import { documents } from '../aws/dynamodb.ts';
import { historyKeys } from '../keys.ts';
import type { ChangeDraft, PersonChange } from '../model/history.ts';
import { packRecord, unpackRecord } from '../model/person-record.ts';
import type { PersonHistory } from '../model/ports.ts';
import type { FieldChanges } from '../model/register.ts';
import { landed } from './conditions.ts';

const DAY_SECONDS = 86_400;

/**
 * A creation's fields as the item stores them: the record packed as on the person (`values`), not a map of field
 * names, so the item stays under the 1 KB of one write unit (docs/scale.md); every other change, its map.
 */
function storedChanges(change: ChangeDraft): { changes?: FieldChanges; values?: string } {
  if (change.outcome !== 'created') return { changes: change.changes };
  const record = Object.fromEntries(Object.entries(change.changes).map(([field, { to }]) => [field, to]));
  return { values: packRecord(record as PopulationRecord) };
}

function changesOf(item: Record<string, unknown>): FieldChanges {
  if (typeof item.values !== 'string') return (item.changes as FieldChanges) ?? {};
  return Object.fromEntries(
    Object.entries(unpackRecord(item.values)).map(([field, value]) => [field, { to: value }]),
  );
}

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
    const { personKey: _key, changes: _changes, ...fields } = change;
    const expiresAt =
      this.keepDays === undefined
        ? undefined
        : Math.floor(Date.parse(at) / 1000) + this.keepDays * DAY_SECONDS;
    return landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...fields, ...storedChanges(change), at, ...key, ...(expiresAt ? { expiresAt } : {}) },
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
      for (const stored of page.Items ?? []) {
        const { pk, expiresAt: _expiry, values: _values, ...item } = stored;
        items.push({
          ...(item as PersonChange & { sk: string }),
          changes: changesOf(stored),
          personKey: pk as string,
        });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}
