// What finalize does for coverage (issue 18): while it reads a batch's rows for the report it adds up each row's
// counts per counter item and matches re-collected forms; once the report is written it moves each item it touched by
// one conditional update, exactly once for the batch (CoverageCounters.apply), and once the batch is completed lets
// the items forget the batch. docs/coverage.md.
import type { UnitRef } from '#domain/address-resolver.ts';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import type { OutcomeEntry } from '../ingest/types.ts';
import { objectKeys, personKeys } from '../keys.ts';
import type { Batch } from '../model/batch.ts';
import type { CounterDelta, CoverageCounters, CoverageLedger, Recollections } from '../model/coverage.ts';
import type { Files } from '../model/ports.ts';
import { placesIn, placesOf } from './places.ts';
import { BatchRecollection } from './recollect.ts';
import { CoverageTally, RejectedCells } from './tally.ts';

/** A form whose places are unknown (an outcome file written before issue 18): unplaced in both lists. */
const UNKNOWN_PLACES = '|||';
const DAY_SECONDS = 86_400;

/** A superseded batch matches no re-collected form and keeps no rejection. */
const NO_RECOLLECTIONS: Recollections = {
  open: async () => new Map(),
  keep: async () => undefined,
  take: async () => false,
};

export interface CoverageDeps {
  counters: Pick<CoverageCounters, 'apply' | 'forget'>;
  recollections: Recollections;
  /** seals a rejected row's ID into the person key an accepted row of the same person carries */
  keyer(): Promise<PersonKeyer>;
  /** the unit of an agency: where what it sends that cannot be placed counts */
  agencyUnit(agencyCode: string): Promise<UnitRef | undefined>;
  /** how long a rejected form waits to be re-collected */
  keepRejectedDays: number;
}

export class BatchCoverage {
  private constructor(
    private readonly personsOnly: boolean,
    private readonly batch: Batch,
    private readonly deps: CoverageDeps,
    private readonly tally: CoverageTally,
    private readonly recollection: BatchRecollection,
    private readonly keyer: PersonKeyer | undefined,
    private readonly cells: RejectedCells,
  ) {}

  /**
   * `personsOnly`: a superseded batch, whose rows moved persons in the register but whose forms are not counted (the
   * newer upload's are), nor matched to re-collect anything.
   */
  static async start(
    batch: Batch,
    deps: CoverageDeps,
    options: { personsOnly?: boolean } = {},
  ): Promise<BatchCoverage> {
    const personsOnly = options.personsOnly === true;
    const [unit, recollection, keyer] = await Promise.all([
      deps.agencyUnit(batch.agencyCode),
      BatchRecollection.start(
        personsOnly ? NO_RECOLLECTIONS : deps.recollections,
        batch.agencyCode,
        batch.batchId,
      ),
      personsOnly ? undefined : deps.keyer(),
    ]);
    // an NDJSON batch has no header cells: its cells are in field order
    const cells = new RejectedCells(batch.checkpoint.headerCells);
    return new BatchCoverage(personsOnly, batch, deps, new CoverageTally(unit), recollection, keyer, cells);
  }

  /** One row, in row order. */
  row(entry: OutcomeEntry): void {
    const [row, outcome, personKey, formId] = entry;
    if (this.personsOnly) {
      if (outcome !== 'rejected' && entry[9]) this.tally.move(entry[9]);
      return;
    }
    if (outcome === 'rejected') {
      const cells = entry[7];
      const places = cells ? placesOf(this.cells.addresses(cells)) : UNKNOWN_PLACES;
      this.tally.form(places, outcome);
      const id = cells ? this.cells.personalId(cells) : undefined;
      const key = id && this.keyer ? this.keyer.seal(personKeys.identityById(id)) : undefined;
      // a worklist lists a form under a commune of the list, not under one the list cannot assign (`^code`)
      const communes = ([2020, 2025] as const).map((v) => placesIn(places, v).permanent.replace(/^\^.*/, ''));
      const codes = [...new Set(entry[4].map((issue) => issue.code))];
      const person = cells ? this.cells.person(cells) : undefined;
      this.recollection.reject(row, formId || undefined, key, communes as [string, string], codes, person);
      return;
    }
    const places = entry[8] ?? UNKNOWN_PLACES;
    this.tally.form(places, outcome);
    const move = entry[9];
    if (move) this.tally.move(move);
    this.recollection.accept(formId || undefined, personKey || undefined, () =>
      this.tally.recollected(places),
    );
  }

  /**
   * Keeps the batch's rejections, writes the batch's coverage ledger (what the recount adds up), then moves every
   * counter item the batch touched, once.
   */
  async commit(files: Pick<Files, 'putText'>, now = Date.now()): Promise<CounterDelta[]> {
    await this.recollection.settle(Math.floor(now / 1000) + this.deps.keepRejectedDays * DAY_SECONDS);
    const { batchId, agencyCode } = this.batch;
    const ledger: CoverageLedger = { batchId, agencyCode, ...this.tally.split() };
    await files.putText(objectKeys.batchCoverage(batchId), JSON.stringify(ledger), 'application/json');
    const deltas = this.tally.result();
    await this.deps.counters.apply(batchId, deltas);
    return deltas;
  }

  /** Once the batch is completed (nothing can apply it again): the items let go of its id. */
  forget(deltas: readonly CounterDelta[]): Promise<void> {
    return this.deps.counters.forget(
      this.batch.batchId,
      deltas.map((delta) => delta.place),
    );
  }
}
