// A register for record linkage: N rows of people, a share of them a second, noisy form of an earlier person,
// with the ground truth of who is who. Near-collisions (twins, namesakes born the same year, a son named after
// his father) are mixed in so that a linker that merges too eagerly is caught. Deterministic for a seed.
import { parseCalendarDate } from '#domain/dates.ts';
import { personIdentity } from '#domain/identity.ts';
import { nameKey } from '#domain/normalize.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { DEFAULT_AS_OF } from './generator.ts';
import { PersonalIdAllocator } from './ids.ts';
import { KINH_GIVEN } from './names.ts';
import { applyNoise, NOISE_KINDS, type NoiseKind } from './noise.ts';
import { ETHNIC_MIX, Population, randomDate } from './population.ts';
import { renderRecord } from './render.ts';
import { Rng, Weighted } from './rng.ts';

type NearCollision = 'twin' | 'namesake' | 'junior';

export interface LinkageOptions {
  /** rows in the register, duplicates included */
  rows: number;
  /** how noisy (LINKAGE_SETTINGS): `default`, or `hard`, the noisier data of issue 22 */
  setting?: LinkageSettingName;
  /** share of rows that are a noisy second form of an earlier person (default: the setting's, 0.1 by default) */
  duplicateRate?: number;
  /** default 1 */
  seed?: number | string;
  /** `kinh` (default): every household Kinh, so Nguyễn ≈ 35 % as nationally; `gia-lai`: the province's mix */
  ethnicMix?: 'kinh' | 'gia-lai';
  /** share of persons made a twin, a namesake or a junior of another (default 0.03) */
  nearCollisionRate?: number;
  /** latest date of birth (default 2025-12-31) */
  asOf?: string;
}

export interface LinkageRow {
  /** 1-based */
  row: number;
  record: PopulationRecord;
  /** the ground-truth person, 1-based */
  person: number;
  /** for a noisy second form: the row of the same person's first record */
  samePersonAs?: number;
  /** the noise applied to this second form (empty for a first record) */
  noise: NoiseKind[];
  /** for a person made to resemble another: how, and the other person's first row */
  nearCollision?: { kind: NearCollision; of: number };
}

const KINH_ONLY = new Weighted<string>([['01', 1]]);

// How often each kind of noise is drawn for a second form; ID noise is drawn apart (see ID_NOISE).
const CONTENT_NOISE = new Weighted<NoiseKind>([
  ['typo', 16],
  ['ocr', 12],
  ['strippedDiacritics', 12],
  ['nfd', 6],
  ['tonePlacement', 6],
  ['dayMonthSwap', 8],
  ['dateSlip', 6],
  ['nameOrder', 6],
  ['middleDropped', 7],
  ['newAddress', 14],
  ['placeVariant', 8],
  ['parentMissing', 5],
]);
const NOISE_COUNT = new Weighted<number>([
  [1, 45],
  [2, 35],
  [3, 20],
]);
// What happens to the ID of a person who has one: kept (the register's ID path finds them), or lost or mistyped.
const ID_NOISE = new Weighted<NoiseKind | 'kept'>([
  ['kept', 15],
  ['idMissing', 40],
  ['idSlip', 15],
  ['idTransposed', 10],
  ['idOnlyLater', 20],
]);
// Issue 22's held-back data, noisier than the default: more second forms, more of them without an ID or with an ID
// mistyped by one keystroke (a valid ID still: the slips land in the six random digits), and a name written with an
// OCR confusion, a typo or as it sounds on top of the usual noise.
const HARD_ID_NOISE = new Weighted<NoiseKind | 'kept'>([
  ['kept', 15],
  ['idMissing', 35],
  ['idSlip', 20],
  ['idTransposed', 10],
  ['idOnlyLater', 20],
]);
const NAME_NOISE = new Weighted<NoiseKind>([
  ['ocr', 1],
  ['typo', 1],
  ['phonetic', 1],
]);

export interface LinkageSetting {
  /** share of rows that are a second form */
  duplicateRate: number;
  /** what becomes of a second form's ID when the person has one */
  idNoise: Weighted<NoiseKind | 'kept'>;
  /** share of second forms whose full name gets one more slip (OCR, typo, phonetic), and of those a second one */
  nameNoise: number;
  secondNameNoise: number;
}

/** The generator's fixed settings: bench:linkage and bench:link-pass take one by name (`--setting hard`). */
export const LINKAGE_SETTINGS = {
  default: { duplicateRate: 0.1, idNoise: ID_NOISE, nameNoise: 0, secondNameNoise: 0 },
  hard: { duplicateRate: 0.15, idNoise: HARD_ID_NOISE, nameNoise: 0.3, secondNameNoise: 0.25 },
} as const satisfies Record<string, LinkageSetting>;
export type LinkageSettingName = keyof typeof LINKAGE_SETTINGS;

interface Person {
  record: PopulationRecord;
  nearCollision?: { kind: NearCollision; of: number };
}

/** The register's rows in arrival order, each with its ground truth. */
export function generateLinkageRegister(options: LinkageOptions): LinkageRow[] {
  const { rows } = options;
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a whole number, got ${rows}`);
  const setting: LinkageSetting = LINKAGE_SETTINGS[options.setting ?? 'default'];
  const duplicateRate = options.duplicateRate ?? setting.duplicateRate;
  if (!(duplicateRate >= 0 && duplicateRate < 0.5)) throw new RangeError('duplicateRate must be in [0, 0.5)');
  const seed = options.seed ?? 1;
  const asOf = parseCalendarDate(options.asOf ?? DEFAULT_AS_OF);
  if (!asOf) throw new RangeError(`asOf must be a date: ${options.asOf}`);
  const rng = new Rng(seed, 'linkage');
  const population = new Population(
    new Rng(seed, 'linkage-people'),
    new PersonalIdAllocator(new Rng(seed, 'linkage-ids')),
    asOf,
    options.ethnicMix === 'gia-lai' ? ETHNIC_MIX : KINH_ONLY,
  );
  const duplicates = Math.round(rows * duplicateRate);
  const people = makePeople(rng, population, rows - duplicates, options.nearCollisionRate ?? 0.03, asOf);

  // a distinct person for every second form, so that every true link is one pair
  const order = people.map((_, i) => i);
  for (let i = 0; i < duplicates; i++) {
    const j = i + rng.int(order.length - i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const context = {
    rng,
    newAddress: (record: PopulationRecord) => population.moved(record, false).text,
    setting,
  };
  const seconds = order.slice(0, duplicates).map((index) => {
    const person = people[index] as Person;
    const [record, noise] = noisySecondForm(person.record, context);
    if (noise.includes('idOnlyLater')) person.record = { ...person.record, personalId: undefined };
    // a second form arrives after the first, up to about 20,000 rows later
    return { index, record, noise, at: index + 0.5 + rng.int(20_000) };
  });

  const entries = [
    ...people.map((person, index) => ({ index, at: index, person, second: undefined })),
    ...seconds.map((second) => ({ index: second.index, at: second.at, person: undefined, second })),
  ].sort((a, b) => a.at - b.at || a.index - b.index);
  const firstRow = new Array<number>(people.length);
  const out: LinkageRow[] = [];
  for (const entry of entries) {
    const row = out.length + 1;
    if (entry.person) {
      firstRow[entry.index] = row;
      const near = entry.person.nearCollision;
      out.push({
        row,
        record: entry.person.record,
        person: entry.index + 1,
        noise: [],
        nearCollision: near ? { kind: near.kind, of: firstRow[near.of] as number } : undefined,
      });
    } else if (entry.second) {
      out.push({
        row,
        record: entry.second.record,
        person: entry.index + 1,
        samePersonAs: firstRow[entry.index] as number,
        noise: entry.second.noise,
        nearCollision: undefined,
      });
    }
  }
  return out;
}

/** The first forms of `count` people, household by household, with near-collisions mixed in. */
function makePeople(
  rng: Rng,
  population: Population,
  count: number,
  nearCollisionRate: number,
  asOf: NonNullable<ReturnType<typeof parseCalendarDate>>,
): Person[] {
  const people: Person[] = [];
  const keys = new Set<string>();
  let namesakeOf: number | undefined;
  let household = 0;
  let namesakeHousehold = -1;
  const add = (person: Person): boolean => {
    const key = personIdentity(person.record);
    if (keys.has(key)) return false; // the register could not tell them apart without linkage either
    keys.add(key);
    people.push(person);
    return true;
  };
  while (people.length < count) {
    household++;
    for (const member of population.household()) {
      if (people.length >= count) break;
      let record = { ...member.record, formId: undefined };
      let near: Person['nearCollision'];
      const source = namesakeOf === undefined ? undefined : people[namesakeOf];
      if (source && source.record.sex === record.sex && household !== namesakeHousehold) {
        // a stranger with the same name, born the same year, on the same day two times in five
        const year = Number(source.record.dateOfBirth.slice(0, 4));
        const date = rng.chance(0.4) ? source.record.dateOfBirth : randomDate(rng, year, asOf);
        record = { ...record, fullName: source.record.fullName, dateOfBirth: date, personalId: undefined };
        near = { kind: 'namesake', of: namesakeOf as number };
        namesakeOf = undefined;
      }
      const junior =
        !near && record.sex === 'male' && record.relationshipToHead === 'Con' && record.fatherName;
      if (junior && rng.chance(nearCollisionRate / 3)) {
        const father = people.findLastIndex(
          (p) => nameKey(p.record.fullName) === nameKey(record.fatherName ?? ''),
        );
        record = { ...record, fullName: record.fatherName as string };
        if (father >= 0) near = { kind: 'junior', of: father };
      }
      if (!add({ record, nearCollision: near })) continue;
      const index = people.length - 1;
      if (namesakeOf === undefined && rng.chance(nearCollisionRate / 3)) {
        namesakeOf = index;
        namesakeHousehold = household;
      }
      if (record.relationshipToHead === 'Con' && rng.chance(nearCollisionRate / 3) && people.length < count) {
        add({ record: twinOf(rng, record), nearCollision: { kind: 'twin', of: index } });
      }
    }
  }
  return people;
}

/** A twin: same birth date, parents, places and home; another given name; no ID yet. */
function twinOf(rng: Rng, record: PopulationRecord): PopulationRecord {
  const words = record.fullName.split(' ');
  const key = nameKey(record.fullName);
  let name = record.fullName;
  for (let tries = 0; tries < 10 && nameKey(name) === key; tries++) {
    name = [...words.slice(0, -1), KINH_GIVEN[record.sex].pick(rng)].join(' ');
  }
  return { ...record, fullName: name, personalId: undefined, phone: undefined, email: undefined };
}

/**
 * A person's second form: one to three kinds of content noise, and what became of their ID; under a setting with
 * name noise, one or two more slips in the full name.
 */
function noisySecondForm(
  first: PopulationRecord,
  context: Parameters<typeof applyNoise>[2] & { setting: LinkageSetting },
): [PopulationRecord, NoiseKind[]] {
  const { rng, setting } = context;
  const wanted = new Set<NoiseKind>();
  const count = NOISE_COUNT.pick(rng);
  for (let tries = 0; wanted.size < count && tries < 20; tries++) wanted.add(CONTENT_NOISE.pick(rng));
  if (first.personalId) {
    const id = setting.idNoise.pick(rng);
    if (id !== 'kept') wanted.add(id);
  }
  // drawn only under a setting that has it, so the default setting's registers stay as they were
  const nameSlips: NoiseKind[] = [];
  if (setting.nameNoise > 0 && rng.chance(setting.nameNoise)) {
    nameSlips.push(NAME_NOISE.pick(rng));
    if (rng.chance(setting.secondNameNoise)) nameSlips.push(NAME_NOISE.pick(rng));
  }
  let record = first;
  const applied: NoiseKind[] = [];
  for (const kind of NOISE_KINDS) {
    if (wanted.has(kind)) {
      const noisy = applyNoise(kind, record, context);
      if (noisy) {
        record = noisy;
        applied.push(kind);
      }
    }
    for (const slip of nameSlips) {
      if (slip !== kind) continue;
      const noisy = applyNoise(kind, record, { ...context, field: 'fullName' });
      if (noisy) {
        record = noisy;
        applied.push(kind);
      }
    }
  }
  // none of the drawn kinds applied (no middle name to drop, a day above 12 to swap): the person moved
  if (applied.length === 0)
    return [applyNoise('newAddress', record, context) as PopulationRecord, ['newAddress']];
  return [record, applied];
}

/**
 * The register as an upload (NDJSON, one form per line, form_id `L{row}`), each record rendered as forms are
 * written (renderRecord), so that it travels the whole pipeline; the rows keep their order and numbers.
 */
export function linkageBatchNdjson(rows: readonly LinkageRow[], seed: number | string = 1): string {
  const rng = new Rng(seed, 'linkage-batch');
  return rows
    .map((row) => `${JSON.stringify({ ...renderRecord(rng, row.record), form_id: `L${row.row}` })}\n`)
    .join('');
}
