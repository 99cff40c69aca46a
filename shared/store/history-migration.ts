// `npm run history -- migrate` (issue 19, docs/operations.md "Moving the history out of the register"): every history
// item the register holds from before issue 19 (`HIST#{batchId}#{row}`) is put in the history table under its
// migrated key, then deleted from the register. Idempotent: the put is conditional (an item moved before is found
// there and left as it was), so a run stopped between the put and the delete is completed by the next, which finds
// the register item still there, its copy too, and deletes it.
import { DeleteCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { personKeys, rowTag } from '../keys.ts';
import type { PersonChange } from '../model/history.ts';
import type { FieldChanges } from '../model/register.ts';
import type { HistoryStore } from './history-store.ts';
import { HISTORY } from './rekey-item.ts';

export interface HistoryMigration {
  /** register history items found */
  found: number;
  /** put in the history table by this run (in a dry run: to put) */
  moved: number;
  /** already there (moved by an earlier run that stopped before deleting them here) */
  already: number;
  /** deleted from the register */
  deleted: number;
  /** left in the register: under a key from before issue 16, which `npm run rekey` seals first */
  legacy: number;
}

/** A register history item as issue 5 wrote it. */
interface RegisterHistoryItem {
  pk: string;
  sk: string;
  batchId: string;
  row: number;
  agencyCode: string;
  changes: FieldChanges;
  at: string;
}

/** The change a register history item records, as the history table keeps a migrated one. */
export function migratedChange(item: RegisterHistoryItem): PersonChange & { batchId: string; row: number } {
  return {
    personKey: item.pk,
    version: 0,
    change: rowTag(item),
    outcome: 'updated',
    why: 'updated',
    changes: item.changes,
    agencyCode: item.agencyCode,
    batchId: item.batchId,
    row: item.row,
    // not recorded before issue 19
    by: { kind: 'uploader', id: 'unknown' },
    at: item.at,
    migrated: true,
  };
}

export async function migrateHistory(
  registerTable: string,
  history: Pick<HistoryStore, 'putMigrated'>,
  options: { dryRun?: boolean; onItem?: (counts: HistoryMigration) => void } = {},
): Promise<HistoryMigration> {
  const counts: HistoryMigration = { found: 0, moved: 0, already: 0, deleted: 0, legacy: 0 };
  const pages = paginateScan(
    { client: documents },
    {
      TableName: registerTable,
      FilterExpression: 'begins_with(sk, :history)',
      ExpressionAttributeValues: { ':history': HISTORY },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    for (const item of (page.Items ?? []) as RegisterHistoryItem[]) {
      counts.found++;
      // the history table knows persons by their sealed keys only: a legacy one waits for the re-key, which moves it
      if (personKeys.isLegacy(item.pk)) {
        counts.legacy++;
        continue;
      }
      if (options.dryRun) {
        counts.moved++;
        continue;
      }
      if (await history.putMigrated(migratedChange(item))) counts.moved++;
      else counts.already++;
      await documents.send(
        new DeleteCommand({ TableName: registerTable, Key: { pk: item.pk, sk: item.sk } }),
      );
      counts.deleted++;
      options.onItem?.(counts);
    }
  }
  return counts;
}
