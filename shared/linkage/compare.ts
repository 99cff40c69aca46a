// Field-by-field comparison of two records into agreement levels, the Fellegi–Sunter comparison vector.
// Each level is a fact about the pair (not a judgement); weights.ts says how much each fact is worth.
import { looseKey, memoize } from '#domain/normalize.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { osaDistance } from './distance.ts';
import { foldText, isDiacriticFree, type NameParts, nameParts } from './name-form.ts';

/** The levels of each compared field, most agreeing first. `missing` means one side is empty. */
export const COMPARISON_LEVELS = {
  fullName: ['exact', 'order', 'diacritics', 'accents', 'middle', 'typo', 'givenTypo', 'different'],
  dateOfBirth: ['exact', 'swap', 'slip', 'year', 'different'],
  sex: ['exact', 'different'],
  birthRegistrationPlace: ['exact', 'province', 'different'],
  hometown: ['exact', 'province', 'different'],
  fatherName: ['exact', 'close', 'different', 'missing'],
  motherName: ['exact', 'close', 'different', 'missing'],
  personalId: ['exact', 'slip', 'different', 'missing'],
} as const;

export type ComparedField = keyof typeof COMPARISON_LEVELS;
export type ComparisonLevel<F extends ComparedField = ComparedField> = (typeof COMPARISON_LEVELS)[F][number];
export type ComparisonVector = { [F in ComparedField]: ComparisonLevel<F> };
export const COMPARED_FIELDS = Object.keys(COMPARISON_LEVELS) as ComparedField[];

/**
 * The part of a record that linkage reads: what a blocking item must carry (a projection of these fields
 * lets one Query per key return everything the scorer needs, with no further read).
 */
export type LinkableRecord = Pick<PopulationRecord, ComparedField>;

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((token, i) => token === y[i]);
}

/**
 * exact: same name (case, NFC/NFD and tone placement aside); order: the same tones in another order;
 * diacritics: one side has none at all; accents: both have marks and differ only there, outside the given
 * name; middle: family and given names agree, a middle name dropped or added; typo: a slip or two outside
 * the given name; givenTypo: given names a slip or a mark apart (Hằng/Hồng, Hùng/Hưng: a slip, or a twin);
 * different otherwise.
 */
export function compareNames(a: string, b: string): ComparisonLevel<'fullName'> {
  if (a === b) return 'exact';
  const pa = nameParts(a);
  const pb = nameParts(b);
  if (pa.key === pb.key) return 'exact';
  if (pa.folded === pb.folded) {
    if (pa.toned === pb.toned) return 'order';
    if (isDiacriticFree(a) || isDiacriticFree(b)) return 'diacritics';
    return pa.toned.split(' ').at(-1) === pb.toned.split(' ').at(-1) ? 'accents' : 'givenTypo';
  }
  if (sameMultiset(pa.folded.split(' '), pb.folded.split(' '))) return 'order';
  if (middleDropped(pa, pb)) return 'middle';
  if (!withinSlips(pa.folded, pb.folded)) return 'different';
  return pa.given === pb.given ? 'typo' : 'givenTypo';
}

/**
 * The same number of words, each within one edit (two for a word of six letters or more: OCR reads m as
 * rn), and at most two edits in all. Word by word, so that Loan and Hòa in one position are not a typo.
 */
function withinSlips(a: string, b: string): boolean {
  const wa = a.split(' ');
  const wb = b.split(' ');
  if (wa.length !== wb.length) return false;
  let total = 0;
  for (let i = 0; i < wa.length; i++) {
    const x = wa[i] as string;
    const y = wb[i] as string;
    const bound = Math.min(x.length, y.length) >= 6 ? 2 : 1;
    const d = osaDistance(x, y, bound);
    if (d > bound) return false;
    total += d;
    if (total > 2) return false;
  }
  return true;
}

function middleDropped(a: NameParts, b: NameParts): boolean {
  if (a.family !== b.family || a.given !== b.given) return false;
  const [shorter, longer] = a.middle.length <= b.middle.length ? [a.middle, b.middle] : [b.middle, a.middle];
  return shorter.length < longer.length && shorter.every((token) => longer.includes(token));
}

/** A relative's name: exact (folded, any order), close (a typo apart), different, or missing. */
export function compareRelativeNames(
  a: string | undefined,
  b: string | undefined,
): ComparisonLevel<'fatherName'> {
  if (!a || !b) return 'missing';
  const pa = nameParts(a);
  const pb = nameParts(b);
  if (pa.folded === pb.folded) return 'exact';
  return withinSlips(pa.folded, pb.folded) ? 'close' : 'different';
}

/** Whether two equal-length digit strings differ in exactly one digit or by one adjacent transposition. */
export function isDigitSlip(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let first = -1;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
    if (first < 0) first = i;
    count++;
    if (count > 2) return false;
  }
  if (count === 1) return true;
  return a[first] === b[first + 1] && a[first + 1] === b[first];
}

/** Dates (YYYY-MM-DD): exact, day and month swapped, one digit slipped or transposed, same year, different. */
export function compareDates(a: string, b: string): ComparisonLevel<'dateOfBirth'> {
  if (a === b) return 'exact';
  if (a.slice(0, 4) === b.slice(0, 4) && a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7))
    return 'swap';
  if (isDigitSlip(a.replace(/-/g, ''), b.replace(/-/g, ''))) return 'slip';
  if (a.slice(0, 4) === b.slice(0, 4)) return 'year';
  return 'different';
}

// Unit words and their abbreviations at the start of a place's part: "Tỉnh Gia Lai" and "T. Gia Lai" agree.
export const UNIT_PREFIX = /^(thanh pho|thi tran|thi xa|tinh|huyen|quan|phuong|xa|tp|tt|tx|t|h|q|p|x) /;

/** A place's parts (commune, district, province), folded and without their unit words. */
const placeParts = memoize(
  (place: string): string[] => place.split(',').map((part) => foldText(part).replace(UNIT_PREFIX, '')),
  1 << 14,
);
const looseKeyOf = memoize(looseKey, 1 << 14);

/**
 * Places: exact when the texts agree loosely or the first part (commune) and the last (province) agree, a
 * district left out or abbreviated as forms after the 2025 reform do; province when only the last part agrees.
 */
export function comparePlaces(a: string, b: string): ComparisonLevel<'hometown'> {
  if (looseKeyOf(a) === looseKeyOf(b)) return 'exact';
  const pa = placeParts(a);
  const pb = placeParts(b);
  if (pa.at(-1) !== pb.at(-1)) return 'different';
  return pa.length > 1 && pb.length > 1 && pa[0] === pb[0] ? 'exact' : 'province';
}

/** Personal IDs: equal, one digit or one adjacent transposition apart, different, or one missing. */
export function compareIds(a: string | undefined, b: string | undefined): ComparisonLevel<'personalId'> {
  if (!a || !b) return 'missing';
  if (a === b) return 'exact';
  return isDigitSlip(a, b) ? 'slip' : 'different';
}

/** The comparison vector of two records; symmetric in its arguments. */
export function compareRecords(a: LinkableRecord, b: LinkableRecord): ComparisonVector {
  return {
    fullName: compareNames(a.fullName, b.fullName),
    dateOfBirth: compareDates(a.dateOfBirth, b.dateOfBirth),
    sex: a.sex === b.sex ? 'exact' : 'different',
    birthRegistrationPlace: comparePlaces(a.birthRegistrationPlace, b.birthRegistrationPlace),
    hometown: comparePlaces(a.hometown, b.hometown),
    fatherName: compareRelativeNames(a.fatherName, b.fatherName),
    motherName: compareRelativeNames(a.motherName, b.motherName),
    personalId: compareIds(a.personalId, b.personalId),
  };
}
