// The synthetic DC01 batch generator: rows of realistic Gia Lai forms, with the ground truth of what the
// checker must decide for each (outcome, codes, person key). Deterministic for a seed; streams row by row.
//
// Ground truth follows the register (and InFileDedupe, shared/batch/check-batch.ts): a person's first accepted
// row is `new`; a later row is compared with what is held for the person by then (the first record, as changed
// by the accepted updates since), so every repeat is made from that latest record: rendered again
// (`duplicate`), with one detail changed (`updated`, which becomes the latest), or with the same personal ID
// and another name or birth date (`conflict`, which changes nothing). A row with a fault is `rejected` with
// exactly that fault's code.
import { type CalendarDate, parseCalendarDate } from '#domain/dates.ts';
import type { RowCode } from '#domain/errors.ts';
import type { RawRow } from '#domain/fields.ts';
import { looseKey, nameKey } from '#domain/normalize.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { applyFault, FAULT_KINDS, type FaultKind } from './faults.ts';
import { mobileNumber, PersonalIdAllocator } from './ids.ts';
import { isoDate, Population, randomDate, type SyntheticPerson } from './population.ts';
import { renderRecord } from './render.ts';
import { Rng, Weighted } from './rng.ts';

type RepeatKind = 'duplicate' | 'updated' | 'conflict' | 'recollected';

export interface GeneratorOptions {
  /** data rows to generate */
  rows: number;
  /** default 1 */
  seed?: number | string;
  /** share of rows with exactly one deliberate fault (default 0.05) */
  errorRate?: number;
  /** share of rows that repeat an earlier person (default 0.05) */
  duplicateRate?: number;
  /** the fault kinds to draw from, evenly (default: all of FAULT_KINDS) */
  faults?: readonly FaultKind[];
  /** relative weights of the repeat kinds (default duplicate 45, updated 35, conflict 12, recollected 8) */
  repeatMix?: Partial<Record<RepeatKind, number>>;
  /** latest date of birth, YYYY-MM-DD (default 2025-12-31); validate against a later `today` */
  asOf?: string;
}

/** What the checker must report for one data row. */
export interface RowTruth {
  /** 1-based data row number */
  row: number;
  outcome: 'new' | 'duplicate' | 'updated' | 'conflict' | 'rejected';
  /** the row codes, in the checker's order: one for a fault, none otherwise */
  codes: RowCode[];
  /** the identity of an accepted row's person (`personIdentity`): its person key is this, sealed */
  identity?: string;
  /** the ground-truth person the row is about (SyntheticPerson.index), with or without a personal ID */
  person: number;
  /** the person's personal ID, when they have one */
  personalId?: string;
  /** the fault applied, for a rejected row */
  fault?: FaultKind;
  /** how the row relates to the person's earlier row, for a repeat */
  repeat?: RepeatKind;
  /** for `updated` and `conflict`: the field that differs from the person's first row */
  changed?: keyof PopulationRecord;
}

export interface SyntheticRow {
  row: number;
  /** the form's cells by English field name; absent means empty */
  values: RawRow;
  truth: RowTruth;
}

export const DEFAULT_AS_OF = '2025-12-31';
const DEFAULT_REPEAT_MIX: Record<RepeatKind, number> = {
  duplicate: 45,
  updated: 35,
  conflict: 12,
  recollected: 8,
};
const RELIGION_CHOICES = ['Không', 'Công giáo', 'Tin lành', 'Phật giáo'];

/** A fixed-size pool of recent persons, for repeats (duplicates cluster near their first form). */
class RecentPool {
  private readonly items: SyntheticPerson[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  add(person: SyntheticPerson): void {
    if (this.items.length < this.capacity) this.items.push(person);
    else this.items[this.next] = person;
    this.next = (this.next + 1) % this.capacity;
  }

  pick(rng: Rng): SyntheticPerson {
    return rng.pick(this.items);
  }
}

function checkRate(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  return value;
}

/** The rows of a synthetic batch, one at a time, each with its ground truth. */
export function* generateRows(options: GeneratorOptions): Generator<SyntheticRow> {
  const rows = options.rows;
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a whole number, got ${rows}`);
  const seed = options.seed ?? 1;
  const errorRate = checkRate('errorRate', options.errorRate ?? 0.05);
  const duplicateRate = checkRate('duplicateRate', options.duplicateRate ?? 0.05);
  const faultKinds = options.faults ?? FAULT_KINDS;
  if (errorRate > 0 && faultKinds.length === 0)
    throw new RangeError('errorRate > 0 needs at least one fault kind');
  const asOf = parseCalendarDate(options.asOf ?? DEFAULT_AS_OF);
  if (!asOf || asOf.year < 1960)
    throw new RangeError(`asOf must be a date (YYYY-MM-DD) after 1960: ${options.asOf}`);
  const mix = { ...DEFAULT_REPEAT_MIX, ...options.repeatMix };
  if (
    Object.values(mix).some((weight) => !(weight >= 0)) ||
    mix.duplicate + mix.updated + mix.conflict <= 0
  ) {
    throw new RangeError('repeatMix weights must be >= 0, with duplicate, updated or conflict above 0');
  }

  const rng = new Rng(seed, 'rows');
  const population = new Population(rng, new PersonalIdAllocator(new Rng(seed, 'ids')), asOf);
  const accepted = new RecentPool(4096);
  const rejected = new RecentPool(1024);
  let household: SyntheticPerson[] = [];
  let member = 0;
  let formSerial = rng.between(1, 9000);

  for (let row = 1; row <= rows; row++) {
    let person: SyntheticPerson;
    let record: PopulationRecord;
    let outcome: RowTruth['outcome'] = 'new';
    let repeat: RepeatKind | undefined;
    let changed: keyof PopulationRecord | undefined;

    if (accepted.size > 0 && rng.chance(duplicateRate)) {
      repeat = pickRepeat(rng, mix, rejected.size > 0);
      person = repeat === 'recollected' ? rejected.pick(rng) : accepted.pick(rng);
      if (repeat === 'recollected' && person.accepted) repeat = 'duplicate';
      if (repeat === 'conflict' && !person.record.personalId) repeat = 'updated';
      record = person.record;
      const source: RepeatSource = { rng, population, person, asOf };
      if (repeat === 'updated') [record, changed] = updatedRecord(source);
      else if (repeat === 'conflict') [record, changed] = conflictingRecord(source);
      outcome = repeat === 'recollected' ? 'new' : repeat;
    } else {
      if (member >= household.length) {
        household = population.household();
        member = 0;
      }
      person = household[member++] as SyntheticPerson;
      record = person.record;
    }

    const values = renderRecord(rng, record);
    formSerial += 1;
    if (rng.chance(0.98)) values.form_id = `DC01-64-${String(formSerial).padStart(6, '0')}`;

    const truth: RowTruth = {
      row,
      outcome,
      codes: [],
      identity: undefined,
      person: person.index,
      personalId: person.record.personalId,
      fault: undefined,
      repeat,
      changed,
    };

    if (rng.chance(errorRate)) {
      const fault = rng.pick(faultKinds);
      applyFault(fault, { rng, values, record });
      truth.outcome = 'rejected';
      truth.codes = [fault];
      truth.fault = fault;
      if (!repeat) rejected.add(person);
    } else {
      truth.identity = person.identity;
      // a form the person already had (an update back to older values, a conflict sent again) is a duplicate of it
      if (person.accepted) {
        // kept from a person's first repeat on: the first form is still the person's record then
        person.forms ??= new Set([JSON.stringify(person.record)]);
        const forms = person.forms;
        const form = JSON.stringify(record);
        if (forms.has(form)) truth.outcome = 'duplicate';
        else if (repeat === 'updated') person.record = record; // what the register now holds for this person
        forms.add(form);
      }
      if (!person.accepted) {
        person.accepted = true;
        accepted.add(person);
      }
    }
    yield { row, values, truth };
  }
}

const repeatTables = new Map<string, Weighted<RepeatKind>>();
function pickRepeat(rng: Rng, mix: Record<RepeatKind, number>, canRecollect: boolean): RepeatKind {
  const id = `${mix.duplicate}|${mix.updated}|${mix.conflict}|${canRecollect ? mix.recollected : 0}`;
  let table = repeatTables.get(id);
  if (!table) {
    table = new Weighted<RepeatKind>([
      ['duplicate', mix.duplicate],
      ['updated', mix.updated],
      ['conflict', mix.conflict],
      ['recollected', canRecollect ? mix.recollected : 0],
    ]);
    repeatTables.set(id, table);
  }
  return table.pick(rng);
}

/** What a repeat form of a person the register already holds is made from. */
interface RepeatSource {
  rng: Rng;
  population: Population;
  person: SyntheticPerson;
  asOf: CalendarDate;
}
/** The repeat form's record, and the field in which it differs from the person's latest. */
type ChangedRecord = [PopulationRecord, keyof PopulationRecord];

/** The person's latest record with one detail (not name, birth date or sex) changed. */
function updatedRecord({ rng, population, person, asOf }: RepeatSource): ChangedRecord {
  const record = { ...person.record };
  const age = asOf.year - Number(record.dateOfBirth.slice(0, 4));
  const choices: (keyof PopulationRecord)[] = ['currentAddress', 'religion'];
  if (age >= 16) choices.push('phone', 'phone', 'phone');
  if (age >= 18) choices.push('maritalStatus');
  if (!record.bloodGroup) choices.push('bloodGroup');
  if (age >= 18 && !record.email) choices.push('email');
  const field = rng.pick(choices);
  switch (field) {
    case 'phone': {
      let phone = mobileNumber(rng);
      while (phone === record.phone) phone = mobileNumber(rng);
      record.phone = phone;
      break;
    }
    case 'maritalStatus':
      record.maritalStatus =
        record.maritalStatus === 'married' ? rng.pick(['divorced', 'widowed'] as const) : 'married';
      break;
    case 'bloodGroup':
      record.bloodGroup = rng.pick(['O', 'A', 'B', 'AB'] as const);
      break;
    case 'email': {
      const local = looseKey(record.fullName) || 'congdan';
      record.email = `${local}${rng.between(1, 999)}@gmail.com`;
      break;
    }
    case 'religion': {
      const others = RELIGION_CHOICES.filter((r) => r !== record.religion);
      record.religion = rng.pick(others);
      break;
    }
    default: {
      let moved = population.moved(record, person.use2025);
      while (moved.text === record.currentAddress) moved = population.moved(record, person.use2025);
      record.currentAddress = moved.text;
      if (record.currentCommuneCode) record.currentCommuneCode = moved.code;
      return [record, 'currentAddress'];
    }
  }
  return [record, field];
}

/** The person's latest record under the same personal ID with another name or another birth date (same year). */
function conflictingRecord({ rng, population, person, asOf }: RepeatSource): ChangedRecord {
  const record = { ...person.record };
  const original = record.dateOfBirth;
  if (rng.chance(0.4)) {
    const [year = 0, month = 0, day = 0] = original.split('-').map(Number);
    // day and month swapped (5/3 for 3/5), else another day of the same year: the ID's YY still agrees
    const swapped = day <= 12 && day !== month ? isoDate(year, day, month) : original;
    let date = swapped <= asOf.iso ? swapped : original;
    for (let tries = 0; date === original && tries < 20; tries++) date = randomDate(rng, year, asOf);
    if (date !== original) {
      record.dateOfBirth = date;
      return [record, 'dateOfBirth'];
    }
  }
  const key = nameKey(record.fullName);
  let name = population.renamed(record);
  while (nameKey(name) === key) name = population.renamed(record);
  record.fullName = name;
  return [record, 'fullName'];
}
