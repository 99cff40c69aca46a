// The recount (issue 18, `npm run coverage -- --recount`): every counter rebuilt from its sources and compared with
// the items: persons from the register (each non-merged person where its record places it), forms from the ledger
// each completed batch wrote (objectKeys.batchCoverage). A difference means a move was lost or made twice; `--write`
// sets the items to the recount. No SDK here.
import type { PopulationRecord } from '#domain/record.ts';
import {
  COUNTERS,
  type Counter,
  type CounterDelta,
  type CounterItem,
  type CounterPlace,
  type Counts,
  type CoverageLedger,
  zeroCounts,
} from '../model/coverage.ts';
import { arrival } from './moves.ts';
import { CoverageTally, placeId } from './tally.ts';

export interface RecountSources {
  /** every person the register holds that is not merged into another, page by page */
  persons(): AsyncIterable<PopulationRecord[]>;
  /** the coverage ledger of every completed batch */
  ledgers(): AsyncIterable<CoverageLedger>;
  /** every counter item held */
  counters(): Promise<CounterItem[]>;
}

export interface RecountDifference {
  place: CounterPlace;
  counter: Counter;
  held: number;
  counted: number;
}

export interface Recount {
  /** the items as the sources say they should be */
  counted: CounterItem[];
  differences: RecountDifference[];
  persons: number;
  batches: number;
}

function addDeltas(into: Map<string, CounterItem>, deltas: readonly CounterDelta[]): void {
  for (const { place, counts } of deltas) {
    const id = placeId(place);
    const item = into.get(id) ?? { place, counts: zeroCounts() };
    for (const counter of COUNTERS) item.counts[counter] += counts[counter] ?? 0;
    into.set(id, item);
  }
}

export async function recount(sources: RecountSources): Promise<Recount> {
  const counted = new Map<string, CounterItem>();
  let persons = 0;
  const tally = new CoverageTally(undefined);
  for await (const page of sources.persons()) {
    for (const record of page) tally.move(arrival(record));
    persons += page.length;
  }
  addDeltas(counted, tally.result());
  let batches = 0;
  for await (const ledger of sources.ledgers()) {
    addDeltas(counted, ledger.forms);
    batches++;
  }
  const held = new Map((await sources.counters()).map((item) => [placeId(item.place), item]));
  const differences: RecountDifference[] = [];
  for (const id of new Set([...counted.keys(), ...held.keys()])) {
    const place = (counted.get(id) ?? held.get(id))?.place as CounterPlace;
    const want: Counts = counted.get(id)?.counts ?? zeroCounts();
    const have: Counts = held.get(id)?.counts ?? zeroCounts();
    for (const counter of COUNTERS) {
      if (want[counter] !== have[counter])
        differences.push({ place, counter, held: have[counter], counted: want[counter] });
    }
  }
  return { counted: [...counted.values()], differences, persons, batches };
}
