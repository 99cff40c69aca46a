// A batch's (or a merge's) moves of the coverage counters, added up per counter item while finalize reads the rows
// (issue 18, docs/coverage.md): every count in both lists. Forms count where their own permanent address places them;
// persons where their newest accepted form does (the register's move of each row). What cannot be placed counts at
// the uploading agency's unit. No SDK here.
import type { Outcome } from '#batch/ledger.ts';
import type { UnitRef } from '#domain/address-resolver.ts';
import { FIELD_NAMES, type FieldName, fieldForHeader } from '#domain/fields.ts';
import type { Vintage } from '#domain/units.ts';
import type { CounterDelta, CounterPlace, Counts, WorklistPerson } from '../model/coverage.ts';
import { parseMove } from './moves.ts';
import {
  type AddressFields,
  COVERAGE_VINTAGES,
  counterPlaceOf,
  type Places,
  placesIn,
  unplacedPlaceOf,
} from './places.ts';

/** The item a counter place is kept in, as a map key. */
export function placeId(place: CounterPlace): string {
  const at = place.kind === 'unplaced' ? place.agencyUnit : place.code;
  return `${place.vintage}#${place.province}#${place.kind}#${at}`;
}

/**
 * Where unplaced persons count (one bucket of the country per list), and the unplaced forms of an agency with no unit
 * dancu knows (one from before issue 17).
 */
const NO_UNIT = (vintage: Vintage): CounterPlace => ({
  kind: 'unplaced',
  vintage,
  province: '00',
  agencyUnit: '00',
});

/** The form counters an outcome moves besides `received`. */
const FORM_COUNTER: Partial<Record<Outcome, keyof Counts>> = {
  rejected: 'rejected',
  duplicate: 'duplicate',
  updated: 'updated',
  conflict: 'conflict',
};

export class CoverageTally {
  private readonly deltas = new Map<string, CounterDelta>();

  /** the unit of the agency whose forms these are: where what cannot be placed counts */
  constructor(private readonly agencyUnit: UnitRef | undefined) {}

  private place(place: string, vintage: Vintage): CounterPlace {
    return (
      counterPlaceOf(place, vintage) ??
      (this.agencyUnit && unplacedPlaceOf(this.agencyUnit, vintage)) ??
      NO_UNIT(vintage)
    );
  }

  private add(place: CounterPlace, counter: keyof Counts, by: number): void {
    const id = placeId(place);
    let delta = this.deltas.get(id);
    if (!delta) {
      delta = { place, counts: {} };
      this.deltas.set(id, delta);
    }
    delta.counts[counter] = (delta.counts[counter] ?? 0) + by;
  }

  /** A form: received where it places, and its outcome's counter. */
  form(places: Places, outcome: Outcome): void {
    const counter = FORM_COUNTER[outcome];
    for (const vintage of COVERAGE_VINTAGES) {
      const at = this.place(placesIn(places, vintage).permanent, vintage);
      this.add(at, 'received', 1);
      if (counter) this.add(at, counter, 1);
    }
  }

  /** A form that re-collects a rejected one: counted where it places. */
  recollected(places: Places): void {
    for (const vintage of COVERAGE_VINTAGES) {
      this.add(this.place(placesIn(places, vintage).permanent, vintage), 'recollected', 1);
    }
  }

  /** A person's move (`{from}>{to}`, moves.ts): out of where it counted, into where it counts now. */
  move(move: string): void {
    const { from, to } = parseMove(move);
    if (from) this.person(from, -1);
    if (to) this.person(to, 1);
  }

  private person(places: Places, by: number): void {
    for (const vintage of COVERAGE_VINTAGES) {
      const { permanent, temporary } = placesIn(places, vintage);
      // a person nobody can place counts in one bucket of the country: whichever agency's form moves it later, the
      // recount finds it there (docs/coverage.md)
      this.add(counterPlaceOf(permanent, vintage) ?? NO_UNIT(vintage), 'permanent', by);
      // a temporary residence that cannot be placed is not counted anywhere: the person counts where it belongs
      const at = temporary ? counterPlaceOf(temporary, vintage) : undefined;
      if (at) this.add(at, 'temporary', by);
    }
  }

  /** What to apply: every item with a count that moved. */
  result(): CounterDelta[] {
    return nonZero([...this.deltas.values()]);
  }

  /** The forms' counts alone, and the persons' alone: what the batch's ledger keeps for the recount. */
  split(): { forms: CounterDelta[]; persons: CounterDelta[] } {
    const persons = new Set<keyof Counts>(['permanent', 'temporary']);
    const part = (wanted: boolean) =>
      nonZero(
        [...this.deltas.values()].map(({ place, counts }) => ({
          place,
          counts: Object.fromEntries(
            Object.entries(counts).filter(([counter]) => persons.has(counter as keyof Counts) === wanted),
          ),
        })),
      );
    return { forms: part(false), persons: part(true) };
  }
}

function nonZero(deltas: CounterDelta[]): CounterDelta[] {
  return deltas
    .map(({ place, counts }) => ({
      place,
      counts: Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 0)),
    }))
    .filter((delta) => Object.keys(delta.counts).length > 0);
}

/** Reads a rejected row's address fields and ID from its cells, as the file laid them out. */
export class RejectedCells {
  private readonly columns: readonly (FieldName | undefined)[];

  /** `headerCells` of a CSV file; none for NDJSON, whose cells are in FIELD_NAMES order */
  constructor(headerCells: readonly string[] | undefined) {
    this.columns = headerCells ? headerCells.map((cell) => fieldForHeader(cell)) : FIELD_NAMES;
  }

  private value(cells: readonly (string | null | undefined)[], field: FieldName): string | undefined {
    const at = this.columns.indexOf(field);
    const value = at === -1 ? undefined : cells[at]?.trim();
    return value ? value : undefined;
  }

  addresses(cells: readonly (string | null | undefined)[]): AddressFields {
    const code = (field: FieldName) => {
      const value = this.value(cells, field);
      return value && /^\d{5}$/.test(value) ? value : undefined;
    };
    return {
      permanentAddress: this.value(cells, 'permanent_address'),
      permanentCommuneCode: code('permanent_commune_code'),
      currentAddress: this.value(cells, 'current_address'),
      currentCommuneCode: code('current_commune_code'),
    };
  }

  /** what a worklist line shows the uploading agency to find the person: no ID, no phone */
  person(cells: readonly (string | null | undefined)[]): WorklistPerson {
    return {
      fullName: this.value(cells, 'full_name'),
      dateOfBirth: this.value(cells, 'date_of_birth'),
      permanentAddress: this.value(cells, 'permanent_address'),
      currentAddress: this.value(cells, 'current_address'),
    };
  }

  /** the row's personal ID when it is one (12 digits), else undefined */
  personalId(cells: readonly (string | null | undefined)[]): string | undefined {
    const value = this.value(cells, 'personal_id')?.replace(/\s/g, '');
    return value && /^\d{12}$/.test(value) ? value : undefined;
  }
}
