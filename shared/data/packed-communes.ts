// The commune lists of communes.json packed into a few strings for the functions' bundles: the JSON is 314 KB
// of the split's bundle, the packed form about 30 KB. shared/data/import.ts writes both; a test checks that
// unpacking gives back the JSON's facts.

/** communes.json: `code:province` entries of each vintage, and each 2020 code's 2025 successor. */
export interface CommuneLists {
  source: string;
  communes2020: string[];
  communes2025: string[];
  successor2025: Record<string, string>;
}

/**
 * Each vintage's codes in ascending order as gaps (one base-64 digit for a gap under 63, else `~` and three),
 * its provinces as runs (`province:count;…`), and for each 2020 code in order its successor: `.` the same as
 * the previous code's, `=` itself, `!` none, else two base-64 digits indexing the 2025 codes.
 */
export interface PackedCommunes {
  source: string;
  codes2020: string;
  provinces2020: string;
  codes2025: string;
  provinces2025: string;
  successors: string;
}

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// by char code: unpacking runs at every cold start of a function that validates records
const DIGIT = new Int8Array(128).fill(-1);
for (let value = 0; value < 64; value++) DIGIT[DIGITS.charCodeAt(value)] = value;
const LONG_GAP = '~';
const SAME = '.';
const ITSELF = '=';
const NONE = '!';

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

function packRuns(provinces: string[]): string {
  const runs: [string, number][] = [];
  for (const province of provinces) {
    const last = runs.at(-1);
    if (last && last[0] === province) last[1]++;
    else runs.push([province, 1]);
  }
  return runs.map(([province, count]) => `${province}:${count}`).join(';');
}

function unpackRuns(packed: string): string[] {
  return packed.split(';').flatMap((run) => {
    const [province = '', count = '0'] = run.split(':');
    return Array.from({ length: Number(count) }, () => province);
  });
}

export function packCommunes(lists: CommuneLists): PackedCommunes {
  const entries2020 = sortedEntries(lists.communes2020);
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
    provinces2020: packRuns(entries2020.map(([, p]) => p)),
    codes2025: packCodes(entries2025.map(([c]) => c)),
    provinces2025: packRuns(entries2025.map(([, p]) => p)),
    successors,
  };
}

/** What validation looks up: the codes of each vintage, and each 2020 code's 2025 successor. */
export interface CommuneIndex {
  codes2020: ReadonlySet<string>;
  codes2025: ReadonlySet<string>;
  successor2025: ReadonlyMap<string, string>;
}

/** The index straight from the packed lists, without the provinces (validation does not read them). */
export function communeIndex(packed: PackedCommunes): CommuneIndex {
  const codes2020 = unpackCodes(packed.codes2020);
  const codes2025 = unpackCodes(packed.codes2025);
  return {
    codes2020: new Set(codes2020),
    codes2025: new Set(codes2025),
    successor2025: successorsOf(packed.successors, codes2020, codes2025),
  };
}

function successorsOf(marks: string, codes2020: string[], codes2025: string[]): Map<string, string> {
  // a Map: an object of 10,000 keys took twice as long to build at every cold start
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

/** The lists again, each vintage in ascending code order. */
export function unpackCommunes(packed: PackedCommunes): CommuneLists {
  const codes2020 = unpackCodes(packed.codes2020);
  const codes2025 = unpackCodes(packed.codes2025);
  const provinces2020 = unpackRuns(packed.provinces2020);
  const provinces2025 = unpackRuns(packed.provinces2025);
  return {
    source: packed.source,
    communes2020: codes2020.map((c, i) => `${c}:${provinces2020[i]}`),
    communes2025: codes2025.map((c, i) => `${c}:${provinces2025[i]}`),
    successor2025: Object.fromEntries(successorsOf(packed.successors, codes2020, codes2025)),
  };
}
