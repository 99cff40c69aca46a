// The commune codes of communes.json packed into a few strings for the functions' bundles, a tenth of the JSON's
// size (docs/benchmarks.md, "Packed communes"). shared/data/import.ts writes both; a test checks that
// unpacking gives back the JSON's codes and successors. Provinces stay in communes.json: validation reads none.

/**
 * communes.json: `code:province` entries of each vintage, the interim codes (in use between the 2020 list and the
 * 2025 reform, known from a 2025 commune's merged_from), and each older code's 2025 successor.
 */
export interface CommuneLists {
  source: string;
  communes2020: string[];
  communesInterim: string[];
  communes2025: string[];
  successor2025: Record<string, string>;
}

/**
 * Each vintage's codes in ascending order as gaps (one base-64 digit for a gap under 63, else `~` and three),
 * and for each older code in order its successor: `.` the same as
 * the previous code's, `=` itself, `!` none, else two base-64 digits indexing the 2025 codes. The older codes
 * (`codes2020`) are the 2020 list and the interim codes together; `interim` says which are the latter.
 */
export interface PackedCommunes {
  source: string;
  codes2020: string;
  interim: string;
  codes2025: string;
  successors: string;
}

/** communes.json's codes without their provinces: what the packed lists hold. */
export interface CommuneCodes {
  source: string;
  codes2020: string[];
  codesInterim: string[];
  codes2025: string[];
  successor2025: Record<string, string>;
}

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// by char code: unpacking runs at every cold start of a function that validates records
const DIGIT = new Int8Array(128).fill(-1);
for (let value = 0; value < 64; value++) DIGIT[DIGITS.charCodeAt(value)] = value;
const LONG_GAP = '~';

const SAME = '.';
const ITSELF = '=';
const NONE = '!';
const [LONG_GAP_CODE, SAME_CODE, ITSELF_CODE, NONE_CODE] = [LONG_GAP, SAME, ITSELF, NONE].map((c) =>
  c.charCodeAt(0),
);

function digits(value: number, width: number): string {
  let out = '';
  for (let i = width - 1; i >= 0; i--) out += DIGITS[Math.floor(value / 64 ** i) % 64];
  if (value >= 64 ** width) throw new Error(`${value} does not fit ${width} base-64 digits`);
  return out;
}

function readDigits(text: string, from: number, width: number): number {
  let value = 0;
  for (let i = from; i < from + width; i++) {
    const digit = DIGIT[text.charCodeAt(i)] ?? -1;
    if (digit < 0) throw new Error(`not a packed digit at ${i}`);
    value = value * 64 + digit;
  }
  return value;
}

const code = (n: number) => String(n).padStart(5, '0');

function sortedEntries(entries: string[]): [code: string, province: string][] {
  return entries
    .map((entry) => [entry.slice(0, 5), entry.slice(6)] as [string, string])
    .sort(([a], [b]) => Number(a) - Number(b));
}

function packCodes(codes: string[]): string {
  let out = '';
  let previous = 0;
  for (const c of codes) {
    const gap = Number(c) - previous;
    out += gap < 63 ? DIGITS[gap] : LONG_GAP + digits(gap, 3);
    previous = Number(c);
  }
  return out;
}

function unpackCodes(packed: string): string[] {
  const codes: string[] = [];
  let value = 0;
  for (let i = 0; i < packed.length; i++) {
    if (packed[i] === LONG_GAP) {
      value += readDigits(packed, i + 1, 3);
      i += 3;
    } else value += readDigits(packed, i, 1);
    codes.push(code(value));
  }
  return codes;
}

export function packCommunes(lists: CommuneLists): PackedCommunes {
  const entries2020 = sortedEntries([...lists.communes2020, ...lists.communesInterim]);
  const entries2025 = sortedEntries(lists.communes2025);
  const index2025 = new Map(entries2025.map(([c], i) => [c, i]));
  let successors = '';
  let previous: string | undefined;
  for (const [c] of entries2020) {
    const successor = lists.successor2025[c];
    if (successor === undefined) successors += NONE;
    else if (successor === previous) successors += SAME;
    else if (successor === c) successors += ITSELF;
    else successors += digits(index2025.get(successor) ?? Number.NaN, 2);
    previous = successor;
  }
  return {
    source: lists.source,
    codes2020: packCodes(entries2020.map(([c]) => c)),
    interim: packCodes(sortedEntries(lists.communesInterim).map(([c]) => c)),
    codes2025: packCodes(entries2025.map(([c]) => c)),
    successors,
  };
}

/** What validation looks up: whether a code is a commune of each vintage, and an older code's 2025 successor. */
export interface CommuneIndex {
  /** a code of the 2020 list or an interim one: valid on a form collected from 2020 on */
  has2020(code: string): boolean;
  has2025(code: string): boolean;
  /** the 2025 commune that holds a 2020 commune, when known */
  successor2025(code: string): string | undefined;
}

const IN_2020 = 1;
const IN_2025 = 2;
const CODES = 100_000;

/** A 5-digit code as its number, or -1. */
function slot(value: string): number {
  if (value.length !== 5) return -1;
  let n = 0;
  for (let i = 0; i < 5; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** One base-64 digit's value; throws on anything else. */
function digitAt(text: string, at: number): number {
  const digit = DIGIT[text.charCodeAt(at)] ?? -1;
  if (digit < 0) throw new Error(`not a packed digit at ${at}`);
  return digit;
}

/** The codes of a packed vintage as numbers, in ascending order. */
function unpackSlots(packed: string): Int32Array {
  const slots = new Int32Array(packed.length);
  let count = 0;
  let value = 0;
  for (let i = 0; i < packed.length; i++) {
    if (packed.charCodeAt(i) === LONG_GAP_CODE) {
      value += (digitAt(packed, i + 1) * 64 + digitAt(packed, i + 2)) * 64 + digitAt(packed, i + 3);
      i += 3;
    } else value += digitAt(packed, i);
    slots[count++] = value;
  }
  return slots.subarray(0, count);
}

/**
 * The index straight from the packed lists, as numbers in tables by code (no provinces: validation does not read
 * them): building strings in Sets and a Map cost every cold start of the split (docs/benchmarks.md, "Commune index").
 */
export function communeIndex(packed: PackedCommunes): CommuneIndex {
  const vintages = new Uint8Array(CODES);
  const slots2020 = unpackSlots(packed.codes2020);
  const slots2025 = unpackSlots(packed.codes2025);
  for (let i = 0; i < slots2025.length; i++) vintages[slots2025[i] ?? 0] = IN_2025;
  // each 2020 code's successor as its number + 1, 0 for none (a new table is all zeros)
  const successors = new Int32Array(CODES);
  const marks = packed.successors;
  let previous = -1;
  let at = 0;
  for (let i = 0; i < slots2020.length; i++) {
    const n = slots2020[i] ?? 0;
    vintages[n] = (vintages[n] ?? 0) | IN_2020;
    const mark = marks.charCodeAt(at);
    let successor: number;
    if (mark === NONE_CODE) successor = -1;
    else if (mark === SAME_CODE) successor = previous;
    else if (mark === ITSELF_CODE) successor = n;
    else {
      successor = slots2025[digitAt(marks, at) * 64 + digitAt(marks, at + 1)] ?? -1;
      at++;
    }
    at++;
    successors[n] = successor + 1;
    previous = successor;
  }
  return {
    has2020: (value) => ((vintages[slot(value)] ?? 0) & IN_2020) !== 0,
    has2025: (value) => ((vintages[slot(value)] ?? 0) & IN_2025) !== 0,
    successor2025: (value) => {
      const successor = successors[slot(value)] ?? 0;
      return successor === 0 ? undefined : code(successor - 1);
    },
  };
}

function successorsOf(marks: string, codes2020: string[], codes2025: string[]): Map<string, string> {
  // a Map: an object of as many keys is slower to build at every cold start (docs/benchmarks.md)
  const successor2025 = new Map<string, string>();
  let previous: string | undefined;
  let at = 0;
  for (const c of codes2020) {
    const mark = marks[at];
    let successor: string | undefined;
    if (mark === NONE) successor = undefined;
    else if (mark === SAME) successor = previous;
    else if (mark === ITSELF) successor = c;
    else {
      successor = codes2025[readDigits(marks, at, 2)];
      at++;
    }
    at++;
    if (successor !== undefined) successor2025.set(c, successor);
    previous = successor;
  }
  return successor2025;
}

/** The codes again, each vintage in ascending order. */
export function unpackCommunes(packed: PackedCommunes): CommuneCodes {
  const codes2020 = unpackCodes(packed.codes2020);
  const codes2025 = unpackCodes(packed.codes2025);
  const interim = new Set(unpackCodes(packed.interim));
  return {
    source: packed.source,
    codes2020: codes2020.filter((c) => !interim.has(c)),
    codesInterim: codes2020.filter((c) => interim.has(c)),
    codes2025,
    successor2025: Object.fromEntries(successorsOf(packed.successors, codes2020, codes2025)),
  };
}
