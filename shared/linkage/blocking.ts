// Blocking keys: the few index keys under which a held record is filed and an incoming one looks, so that the
// same person written with the usual noise still meets their earlier record while a register of millions is
// never scanned. See docs/linkage.md for why these and what each survives.
import { createHash } from 'node:crypto';
import { personKeys } from '../keys.ts';
import { type LinkableRecord, UNIT_PREFIX } from './compare.ts';
import { foldText, nameParts, soundSkeleton } from './name-form.ts';

export const BLOCKING_KEY_KINDS = [
  'givenDate',
  'familyDate',
  'givenMother',
  'givenFather',
  'givenPlace',
  'bothParents',
] as const;
export type BlockingKeyKind = (typeof BLOCKING_KEY_KINDS)[number];

/** Year, then the smaller and the larger of month and day: 1990-03-05 and 1990-05-03 give the same text. */
function swapInvariantDate(isoDate: string): string {
  const year = isoDate.slice(0, 4);
  const month = isoDate.slice(5, 7);
  const day = isoDate.slice(8, 10);
  return month <= day ? `${year}${month}${day}` : `${year}${day}${month}`;
}

export interface BlockingKeyBasis {
  kind: BlockingKeyKind;
  /** the readable basis (folded names, dates): for tests and docs, never stored */
  basis: string;
}

/** Every key a record can be filed under, with its readable basis. */
function blockingKeyBases(record: LinkableRecord): BlockingKeyBasis[] {
  const name = nameParts(record.fullName);
  const given = soundSkeleton(name.given);
  const family = soundSkeleton(name.family);
  const date = swapInvariantDate(record.dateOfBirth);
  const decade = record.dateOfBirth.slice(0, 3);
  const bases: BlockingKeyBasis[] = [
    // survives a slip in the family or middle name, a dropped middle name, a day/month swap
    { kind: 'givenDate', basis: `${given}|${date}` },
    // survives any slip in the middle or given name
    { kind: 'familyDate', basis: `${family}|${record.sex}|${date}` },
  ];
  // survive a slipped day, month or year digit: the given name with a parent's name and the decade of birth
  // (a parent's name alone is shared by the mothers of a whole province), or with the birth place
  if (record.motherName) {
    bases.push({
      kind: 'givenMother',
      basis: `${given}|${record.sex}|${decade}|${soundSkeleton(nameParts(record.motherName).folded)}`,
    });
  }
  if (record.fatherName) {
    bases.push({
      kind: 'givenFather',
      basis: `${given}|${record.sex}|${decade}|${soundSkeleton(nameParts(record.fatherName).folded)}`,
    });
  }
  // for a form without parents: the names and where the birth was registered (its first part, the commune)
  const commune = foldText(record.birthRegistrationPlace.split(',')[0] ?? '').replace(UNIT_PREFIX, '');
  bases.push({ kind: 'givenPlace', basis: `${given}|${family}|${record.sex}|${commune}` });
  // survives any slip in the person's own name together with a date slip (issue 22: noisy names on ID-less forms):
  // both parents' names, sex and decade; siblings of one sex and decade share it, which the scorer tells apart
  if (record.motherName && record.fatherName) {
    bases.push({
      kind: 'bothParents',
      basis: `${record.sex}|${decade}|${soundSkeleton(nameParts(record.motherName).folded)}|${soundSkeleton(nameParts(record.fatherName).folded)}`,
    });
  }
  return bases;
}

/**
 * What the split partitions rows by: the `givenDate` basis (given-name skeleton, swap-invariant date). Rows with
 * the same person key share it, and so do most noisy copies of one person, so they go one after another
 * through one partition and a later copy finds the earlier one (docs/linkage.md, "In the register").
 */
export function colocationKey(record: Pick<LinkableRecord, 'fullName' | 'dateOfBirth'>): string {
  return `${soundSkeleton(nameParts(record.fullName).given)}|${swapInvariantDate(record.dateOfBirth)}`;
}

const KIND_PREFIX: Record<BlockingKeyKind, string> = {
  givenDate: 'bg',
  familyDate: 'bf',
  givenMother: 'bm',
  givenFather: 'bp',
  givenPlace: 'bb',
  bothParents: 'bq',
};

function digest({ kind, basis }: BlockingKeyBasis): string {
  return personKeys.blocking(
    KIND_PREFIX[kind],
    createHash('sha256').update(basis).digest('base64url').slice(0, 16),
  );
}

const kinds =
  (...wanted: BlockingKeyKind[]) =>
  (bases: BlockingKeyBasis[]): BlockingKeyBasis[] =>
    bases.filter((b) => wanted.includes(b.kind));
const DATE_KINDS: BlockingKeyKind[] = ['givenDate', 'familyDate'];

/**
 * The bases an incoming record queries: both date keys and the best third key it has: both parents' when the form
 * names both (it survives a slip in the person's own name and in the date at once), else one parent's, else the
 * birth place's.
 */
function queried(bases: BlockingKeyBasis[]): BlockingKeyBasis[] {
  const third =
    bases.find((b) => b.kind === 'bothParents') ??
    bases.find((b) => b.kind === 'givenMother') ??
    bases.find((b) => b.kind === 'givenFather') ??
    bases.find((b) => b.kind === 'givenPlace');
  return bases.filter((b) => DATE_KINDS.includes(b.kind) || b === third);
}

/**
 * What a person is filed under: each key is one index item, so one write unit per new person. Fewer keys
 * cost fewer writes and lose the duplicates only those keys find (docs/linkage.md measures the trade-off;
 * FILING_PLAN is the one the register uses).
 */
export const FILING_PLANS = {
  all: (bases: BlockingKeyBasis[]) => bases,
  /** both date keys and each parent's, the birth-place key only for a form with no parent */
  parentsOrPlace: (bases: BlockingKeyBasis[]) =>
    bases.some((b) => b.kind === 'givenMother' || b.kind === 'givenFather')
      ? bases.filter((b) => b.kind !== 'givenPlace')
      : bases,
  parents: kinds('givenDate', 'familyDate', 'givenMother', 'givenFather'),
  /** exactly the keys it would query itself */
  queried,
  /** the given-name date key and the third it would query: two items */
  givenAndThird: (bases: BlockingKeyBasis[]) => queried(bases).filter((b) => b.kind !== 'familyDate'),
  /** the family-name date key and the third it would query: two items */
  familyAndThird: (bases: BlockingKeyBasis[]) => queried(bases).filter((b) => b.kind !== 'givenDate'),
  three: kinds('givenDate', 'familyDate', 'givenMother'),
  dates: kinds('givenDate', 'familyDate'),
} as const satisfies Record<string, (bases: BlockingKeyBasis[]) => BlockingKeyBasis[]>;
export type FilingPlan = keyof typeof FILING_PLANS;

/** The plan the register files under (see docs/linkage.md, "Cost: how many filing keys"). */
export const FILING_PLAN: FilingPlan = 'queried';

/**
 * The keys a held record is filed under (one index item each): up to six. A short digest per kind, so that
 * no name or birth date shows in an index key, as with personKey.
 */
export function filingKeys(record: LinkableRecord, plan: FilingPlan = FILING_PLAN): string[] {
  return FILING_PLANS[plan](blockingKeyBases(record)).map(digest);
}

/**
 * The keys an incoming record looks up (one Query each): three, the third the mother's key when the form names
 * her, else the father's, else the birth-place key. Under a plan that does not file some kind, the keys of
 * that kind are not queried (nothing is filed there).
 */
export function blockingKeys(record: LinkableRecord, plan: FilingPlan = FILING_PLAN): string[] {
  const filedKinds: Record<FilingPlan, BlockingKeyKind[]> = {
    all: [...BLOCKING_KEY_KINDS],
    parentsOrPlace: [...BLOCKING_KEY_KINDS],
    parents: ['givenDate', 'familyDate', 'givenMother', 'givenFather'],
    queried: [...BLOCKING_KEY_KINDS],
    givenAndThird: ['givenDate', 'givenMother', 'givenFather', 'givenPlace', 'bothParents'],
    familyAndThird: ['familyDate', 'givenMother', 'givenFather', 'givenPlace', 'bothParents'],
    three: ['givenDate', 'familyDate', 'givenMother'],
    dates: DATE_KINDS,
  };
  return queried(kinds(...filedKinds[plan])(blockingKeyBases(record))).map(digest);
}

/** A keyed digest under the person-key secret (`PersonKeyer.digest`): what keeps an ID out of its variant keys. */
export type KeyDigest = (basis: string) => string;

/**
 * The digit windows an ID's variant keys mask: three digits each, neighbours sharing one, so that any one substituted
 * digit and any two transposed neighbours fall inside one window: two IDs one keystroke apart then agree on the rest
 * and share that window's key. Six keys, where a key per masked digit would take twelve and the transpositions eleven
 * more.
 */
export const ID_MASK_WINDOWS: readonly (readonly number[])[] = [
  [0, 1, 2],
  [2, 3, 4],
  [4, 5, 6],
  [6, 7, 8],
  [8, 9, 10],
  [10, 11],
];

/** A 12-digit personal ID (the variant keys are made for well-formed IDs only). */
const WELL_FORMED_ID = /^\d{12}$/;

/**
 * The ID's variant keys (`bi:…`): one per window of ID_MASK_WINDOWS, the ID with that window's digits masked, sealed
 * with `digest` (an HMAC under the person-key secret): a one-keystroke typo of the ID shares one of them; the key tells
 * nothing of the ID. None without a well-formed ID.
 */
export function idVariantKeys(personalId: string | undefined, digest: KeyDigest): string[] {
  if (!personalId || !WELL_FORMED_ID.test(personalId)) return [];
  return ID_MASK_WINDOWS.map((window, w) => {
    const masked = [...personalId].map((digit, i) => (window.includes(i) ? '*' : digit)).join('');
    return personKeys.blocking(ID_VARIANT_PREFIX, digest(`idv|${w}|${masked}`).slice(0, 16));
  });
}
const ID_VARIANT_PREFIX = 'bi';
