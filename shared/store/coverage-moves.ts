// The coverage counters in the batches table as the functions that move them write them (finalize, a merge): one item
// per commune (or agency unit, for what could not be placed) under its province's partition (coverageKeys), moved
// exactly once per move id without transactions, which dynalite does not have (docs/coverage.md). Each item also
// holds its place, so that a Query reads it back whole. The reads and the recount's writes: coverage-store.ts.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { coverageKeys } from '../keys.ts';
import {
  COUNTERS,
  type CounterDelta,
  type CounterPlace,
  type Counts,
  type CoverageCounters,
} from '../model/coverage.ts';
import { landed } from './conditions.ts';

/** How many updates one call has in flight: a batch touches some 220 communes, a merge one or two. */
const CONCURRENCY = 16;

/** The set of move ids an item was moved by (never read out: `province` leaves it out). */
const APPLIED = 'applied';

export function keyOf(place: CounterPlace): { pk: string; sk: string } {
  if (place.kind === 'commune') return coverageKeys.commune(place.vintage, place.province, place.code);
  if (place.kind === 'notAssigned')
    return coverageKeys.notAssigned(place.vintage, place.province, place.code);
  return coverageKeys.unplaced(place.vintage, place.province, place.agencyUnit);
}

export const placeId = (place: CounterPlace) => {
  const { pk, sk } = keyOf(place);
  return `${pk}\u0000${sk}`;
};

/** The place's attributes as stored: `code` for a commune's item, `agencyUnit` for an unplaced one. */
export function placeAttributes(place: CounterPlace): Record<string, string | number> {
  const { kind, vintage, province } = place;
  return place.kind === 'unplaced'
    ? { kind, vintage, province, agencyUnit: place.agencyUnit }
    : { kind, vintage, province, code: place.code };
}

/** Runs `work` on each of `items`, `CONCURRENCY` at a time. */
export async function eachConcurrently<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

/** The deltas of one place added up: two deltas of a place in one move would otherwise refuse the second. */
function merged(deltas: readonly CounterDelta[]): CounterDelta[] {
  const byPlace = new Map<string, CounterDelta>();
  for (const { place, counts } of deltas) {
    const id = placeId(place);
    const sum = byPlace.get(id) ?? { place, counts: {} };
    for (const counter of COUNTERS) {
      const value = counts[counter] ?? 0;
      if (value !== 0) sum.counts[counter] = (sum.counts[counter] ?? 0) + value;
    }
    byPlace.set(id, sum);
  }
  return [...byPlace.values()];
}

/** The moves of the counters: what finalize and a merge write. */
export class CoverageMoves implements Pick<CoverageCounters, 'apply' | 'forget'> {
  constructor(protected readonly table: string) {}

  async apply(moveId: string, deltas: readonly CounterDelta[]): Promise<number> {
    // a place whose counts add up to nothing is not written: nothing would move, and its set would grow
    const moving = merged(deltas).filter(({ counts }) => COUNTERS.some((c) => (counts[c] ?? 0) !== 0));
    let moved = 0;
    await eachConcurrently(moving, async ({ place, counts }) => {
      if (await this.move(moveId, place, counts)) moved++;
    });
    return moved;
  }

  /** One item moved by `counts` unless `moveId` already moved it (false). */
  private move(moveId: string, place: CounterPlace, counts: Partial<Counts>): Promise<boolean> {
    const names: Record<string, string> = { '#applied': APPLIED };
    const values: Record<string, unknown> = { ':id': moveId, ':ids': new Set([moveId]) };
    const sets: string[] = [];
    for (const [name, value] of Object.entries(placeAttributes(place))) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    const adds = ['#applied :ids'];
    for (const counter of COUNTERS) {
      const value = counts[counter] ?? 0;
      if (value === 0) continue;
      names[`#${counter}`] = counter;
      values[`:${counter}`] = value;
      adds.push(`#${counter} :${counter}`);
    }
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyOf(place),
          UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
          // a redelivered move, or one that crashed half way, finds the items it moved refusing it
          ConditionExpression: 'attribute_not_exists(#applied) OR NOT contains(#applied, :id)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async forget(moveId: string, places: readonly CounterPlace[]): Promise<void> {
    const unique = [...new Map(places.map((place) => [placeId(place), place])).values()];
    await eachConcurrently(unique, async (place) => {
      // DELETE of an id the set does not hold, or on an item with no set, changes nothing: forgetting twice is fine.
      // Only an item that exists: a place the move never wrote (all zero) is not created here.
      await landed(
        documents.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keyOf(place),
            UpdateExpression: 'DELETE #applied :ids',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#applied': APPLIED },
            ExpressionAttributeValues: { ':ids': new Set([moveId]) },
          }),
        ),
      );
    });
  }
}
