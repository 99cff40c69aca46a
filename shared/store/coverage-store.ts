// The coverage counters in the batches table as they are read (GET /coverage, `npm run coverage`) and set by the
// recount: the moves (coverage-moves.ts) and a province's items, every item, and the recount's overwrite.
import { paginateQuery, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Vintage } from '#domain/units.ts';
import { documents } from '../aws/dynamodb.ts';
import { coverageKeys } from '../keys.ts';
import {
  COUNTERS,
  type CounterItem,
  type CounterPlace,
  type CoverageCounters,
  zeroCounts,
} from '../model/coverage.ts';
import { CoverageMoves, eachConcurrently, keyOf, placeAttributes, placeId } from './coverage-moves.ts';

export class CoverageStore extends CoverageMoves implements CoverageCounters {
  async province(vintage: Vintage, province: string): Promise<CounterItem[]> {
    const names = Object.fromEntries(['sk', ...COUNTERS].map((name) => [`#${name}`, name]));
    const items: CounterItem[] = [];
    const pages = paginateQuery(
      { client: documents },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        // the set of move ids grows with every batch: a read of the counts does not carry it (the place is read
        // from the key)
        ProjectionExpression: Object.keys(names).join(', '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':pk': coverageKeys.province(vintage, province) },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) items.push(counterItem(vintage, province, item));
    }
    return items;
  }

  /** Every counter item of every province: a Scan, for the recount alone. */
  async all(): Promise<CounterItem[]> {
    const names = Object.fromEntries(['pk', 'sk', ...COUNTERS].map((name) => [`#${name}`, name]));
    const items: CounterItem[] = [];
    const pages = paginateScan(
      { client: documents },
      {
        TableName: this.table,
        FilterExpression: 'begins_with(#pk, :prefix)',
        ProjectionExpression: Object.keys(names).join(', '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':prefix': coverageKeys.counterPrefix },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const at = coverageKeys.parseProvince(String(item.pk));
        if (at) items.push(counterItem(at.vintage as Vintage, at.province, item));
      }
    }
    return items;
  }

  async overwrite(items: readonly CounterItem[]): Promise<void> {
    const given = new Map(items.map((item) => [placeId(item.place), item]));
    // the provinces the recount counted: their items it found nothing for are zeroed, not left as they were
    const provinces = new Map<string, { vintage: Vintage; province: string }>();
    for (const { place } of items) {
      provinces.set(coverageKeys.province(place.vintage, place.province), {
        vintage: place.vintage,
        province: place.province,
      });
    }
    const zeroed: CounterItem[] = [];
    for (const { vintage, province } of provinces.values()) {
      for (const stored of await this.province(vintage, province)) {
        if (!given.has(placeId(stored.place))) zeroed.push({ place: stored.place, counts: zeroCounts() });
      }
    }
    await eachConcurrently([...given.values(), ...zeroed], (item) => this.set(item));
  }

  /** Sets every counter of an item (its set of move ids is kept: a move still under way stays refused). */
  private async set({ place, counts }: CounterItem): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const fields: Record<string, string | number> = { ...placeAttributes(place) };
    for (const counter of COUNTERS) fields[counter] = counts[counter] ?? 0;
    for (const [name, value] of Object.entries(fields)) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    await documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keyOf(place),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}

/** A stored item as the port gives it: its place from its key (the partition read), a counter it lacks zero. */
function counterItem(vintage: Vintage, province: string, item: Record<string, unknown>): CounterItem {
  const sk = String(item.sk);
  const agencyUnit = coverageKeys.unplacedUnitOf(sk);
  const otherCode = coverageKeys.notAssignedCodeOf(sk);
  const place: CounterPlace =
    agencyUnit !== undefined
      ? { kind: 'unplaced', vintage, province, agencyUnit }
      : otherCode !== undefined
        ? { kind: 'notAssigned', vintage, province, code: otherCode }
        : { kind: 'commune', vintage, province, code: sk };
  const counts = zeroCounts();
  for (const counter of COUNTERS) {
    const value = item[counter];
    if (typeof value === 'number') counts[counter] = value;
  }
  return { place, counts };
}
