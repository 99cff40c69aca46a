// Places an address written as text in an official commune: parsed right to left (province, district, commune),
// blind to case, diacritics, spacing and the usual abbreviations, and placed only when the levels agree and
// one commune remains. Never a guess: anything else is `unplaced` with its reason. See docs/addresses.md.
// The name index is built on the first call from units.ts; the functions that validate records must not import this.
import { foldDiacritics, nameKey, normalizeText } from './normalize.ts';
import { province2025Of, type Unit, type UnitLevel, unitOf, unitsAt, type Vintage } from './units.ts';

export interface UnitRef {
  code: string;
  vintage: Vintage;
}

export type UnplacedReason = 'unknown' | 'ambiguous' | 'disagree' | 'empty';

export type AddressResolution =
  | {
      status: 'placed';
      commune: UnitRef;
      /** the official names of the commune and the units above it (no district in 2025) */
      matched: { commune: string; district?: string; province: string };
      /** the levels the text did not write, taken from the commune (a province left out) */
      inferred: ('district' | 'province')[];
    }
  | { status: 'unplaced'; reason: UnplacedReason; candidates?: UnitRef[] };

export interface ResolveOptions {
  /**
   * 2020 (default): commune, district and province, the province optional when the district and commune pair is
   * unique in the country. 2025: commune and province. `either`: whichever vintage places the text; both is ambiguous.
   */
  vintage?: Vintage | 'either';
}

/** At most this many candidates come back with an unplaced result. */
export const MAX_CANDIDATES = 5;

// ---- tokens -------------------------------------------------------------------------------------------------

interface Token {
  /** folded: lower case, no diacritics, đ as d, a number without leading zeros */
  key: string;
  /** as written, lower case (for telling Hòa from Hóa when the text has its marks) */
  raw: string;
  /** which comma-separated part of the text it lies in */
  part: number;
}

// a marker glued to its number: P1, Q.10 is split by the dot already, F7 (phường, as Saigon writes it)
const GLUED_NUMBER = /^(p|q|f|x|phuong|quan|xa)(\d+)$/;
const WORD = /[\p{L}\p{N}]+/gu;
const NUMBER = /^\d+$/;
const PART_SEPARATOR = /[,;|\n]+/;
const COUNTRY = ['vietnam', 'vn'];
// "…, Tỉnh Gia Lai (nay là xã Ia Dơk)": a note after the address
const TRAILING_NOTE = /\s*\([^()]*\)\s*$/;

function numberKey(word: string): string {
  return NUMBER.test(word) ? String(Number(word)) : word;
}

/** The text's words, folded, each with the comma-separated part it lies in; the country at the end dropped. */
export function addressTokens(text: string): Token[] {
  const tokens: Token[] = [];
  normalizeText(text)
    .replace(TRAILING_NOTE, '')
    .toLowerCase()
    .split(PART_SEPARATOR)
    .forEach((segment, part) => {
      for (const [raw] of segment.matchAll(WORD)) {
        const key = foldDiacritics(raw).replace(/[^a-z0-9]/g, '');
        if (key === '') continue;
        const glued = GLUED_NUMBER.exec(key);
        if (glued?.[1] && glued[2]) {
          tokens.push({ key: glued[1], raw: glued[1], part });
          tokens.push({ key: numberKey(glued[2]), raw: glued[2], part });
        } else tokens.push({ key: numberKey(key), raw, part });
      }
    });
  // "Việt Nam", "VN", "Viet Nam" closing the address
  for (;;) {
    const last = tokens.at(-1);
    const two = tokens.length >= 2 ? `${tokens.at(-2)?.key}${last?.key}` : '';
    if (two === 'vietnam') tokens.splice(-2);
    else if (last && COUNTRY.includes(last.key)) tokens.pop();
    else break;
  }
  return tokens;
}

// ---- markers: the type words before a name ------------------------------------------------------------------

interface Marker {
  words: string[];
  levels: UnitLevel[];
  /** the folded type it names; a unit's type must start with it */
  type: string;
}

const marker = (written: string, levels: UnitLevel[], type: string): Marker => ({
  words: written.split(' '),
  levels,
  type,
});
const CITY: UnitLevel[] = ['province', 'district'];
const MARKERS: Marker[] = [
  ...['thanh pho', 'tp', 't p', 'thanhpho'].map((w) => marker(w, CITY, 'thanh pho')),
  ...['tinh', 't'].map((w) => marker(w, ['province'], 'tinh')),
  ...['huyen', 'h'].map((w) => marker(w, ['district'], 'huyen')),
  ...['quan', 'q'].map((w) => marker(w, ['district'], 'quan')),
  ...['thi xa', 'tx', 't x', 'thixa'].map((w) => marker(w, ['district'], 'thi xa')),
  ...['xa', 'x'].map((w) => marker(w, ['commune'], 'xa')),
  ...['phuong', 'p', 'f'].map((w) => marker(w, ['commune'], 'phuong')),
  ...['thi tran', 'tt', 't t', 'thitran'].map((w) => marker(w, ['commune'], 'thi tran')),
  ...['dac khu'].map((w) => marker(w, ['commune'], 'dac khu')),
].sort((a, b) => b.words.length - a.words.length);

/** The longest marker that ends just before `end`, in the same part. */
function markerBefore(tokens: Token[], end: number, part: number): Marker | undefined {
  for (const m of MARKERS) {
    const start = end - m.words.length;
    if (start < 0) continue;
    let fits = true;
    for (let i = 0; i < m.words.length && fits; i++) {
      const token = tokens[start + i];
      fits = token !== undefined && token.key === m.words[i] && token.part === part;
    }
    if (fits) return m;
  }
  return undefined;
}

// ---- the name index -----------------------------------------------------------------------------------------

interface UnitEntry {
  unit: Unit;
  /** folded type (`thi tran`) */
  type: string;
  /** the bare name as written, lower case, for Hòa ≠ Hóa (folded to a toned key only when needed) */
  bare: string;
  /** the province: itself, or the one above */
  province: string;
}

interface LevelIndex {
  byKey: Map<string, UnitEntry[]>;
  maxWords: number;
}

type VintageIndex = Record<UnitLevel, LevelIndex>;

// Other names people write for a province: its folded key → the official one's.
const PROVINCE_ALIASES: Record<string, string> = {
  hcm: 'hochiminh',
  tphcm: 'hochiminh',
  tthue: 'thuathienhue',
  brvt: 'bariavungtau',
};

const indexes = new Map<Vintage, VintageIndex>();

function bareWords(unit: Unit): { words: Token[]; type: string } {
  const words = addressTokens(unit.name);
  const type = foldDiacritics(unit.type);
  const prefix = (type.startsWith('thanh pho') ? 'thanh pho' : type).split(' ');
  const typed = prefix.every((word, i) => words[i]?.key === word);
  return { words: typed ? words.slice(prefix.length) : words, type };
}

function buildIndex(vintage: Vintage): VintageIndex {
  const index = {} as VintageIndex;
  const provinceOf = new Map<string, string>();
  for (const level of ['province', 'district', 'commune'] as const) {
    const byKey = new Map<string, UnitEntry[]>();
    let maxWords = 0;
    for (const unit of unitsAt(vintage, level)) {
      if (unit.interim) continue; // in no official list: a text cannot name it by its district
      const { words, type } = bareWords(unit);
      const key = words.map((w) => w.key).join('');
      const province =
        level === 'province' ? unit.code : (provinceOf.get(unit.parent ?? '') ?? unit.parent ?? '');
      provinceOf.set(unit.code, province);
      const entry: UnitEntry = { unit, type, bare: words.map((w) => w.raw).join(' '), province };
      const list = byKey.get(key);
      if (list) list.push(entry);
      else byKey.set(key, [entry]);
      maxWords = Math.max(maxWords, words.length);
    }
    index[level] = { byKey, maxWords: maxWords + 1 };
  }
  for (const [alias, official] of Object.entries(PROVINCE_ALIASES)) {
    const entries = index.province.byKey.get(official);
    if (entries) index.province.byKey.set(alias, entries);
  }
  return index;
}

function indexOf(vintage: Vintage): VintageIndex {
  let index = indexes.get(vintage);
  if (!index) {
    index = buildIndex(vintage);
    indexes.set(vintage, index);
  }
  return index;
}

/** Builds the name index of a vintage now rather than on the first address (a warm-up, or a measurement). */
export function warmAddressIndex(vintage: Vintage): void {
  indexOf(vintage);
}

function tonedKey(written: string): string {
  return nameKey(written).replace(/[^\p{L}\p{N}]/gu, '');
}

// ---- matching one level -------------------------------------------------------------------------------------

interface Match {
  entries: UnitEntry[];
  /** where the name (and its marker) begins: the next level ends here */
  start: number;
  /** the name began its part of the text, or had its type word before it */
  anchored: boolean;
  marked: boolean;
}

/**
 * Every name of a level that ends at `end`, longest first: the units it may be (those that `fits` allows), where it
 * starts once its type word is taken, and whether it is anchored. A type word of another level right before the
 * name rules the match out (Huyện Chư Sê is not Thị trấn Chư Sê).
 */
function namesEndingAt(
  tokens: Token[],
  end: number,
  level: LevelIndex,
  levelName: UnitLevel,
  fits: (entry: UnitEntry) => boolean,
): Match[] {
  const matches: Match[] = [];
  const last = tokens[end - 1];
  if (!last) return matches;
  let key = '';
  for (let start = end - 1; start >= 0 && end - start <= level.maxWords; start--) {
    const token = tokens[start];
    if (!token || token.part !== last.part) break;
    key = token.key + key;
    let entries = level.byKey.get(key)?.filter(fits);
    if (!entries || entries.length === 0) continue;
    let m = markerBefore(tokens, start, last.part);
    if (m && !m.levels.includes(levelName)) {
      // Huyện Chư Sê is not Thị trấn Chư Sê; but in "phuc xa ba dinh ha noi" the xa ends the ward's name
      const from = start - m.words.length;
      if (from === 0 || tokens[from - 1]?.part !== last.part) continue;
      m = undefined;
    }
    if (m && levelName !== 'province') {
      // a district's wrong type word is tolerated (Huyện An Khê, a Thị xã since 2003); a commune's is not: a Xã and
      // a Thị trấn of one name share a district (Mường Tè), and Phường Tây Sơn is not the 2025 Xã Tây Sơn
      const typed = entries.filter((e) => e.type.startsWith(m.type));
      if (typed.length > 0 || levelName === 'commune') entries = typed;
      if (entries.length === 0) continue;
    }
    if (entries.length > 1) entries = byTone(entries, tokens, start, end);
    if (!m && NUMBER.test(key)) continue; // Thôn 3, Số 5: a numbered ward or district needs its type word
    const from = m ? start - m.words.length : start;
    const anchored = m !== undefined || from === 0 || tokens[from - 1]?.part !== last.part;
    // "Xã Foo Bar": the name begins after its type word, so Bar alone is not it
    if (!anchored && typeWordBefore(tokens, from, levelName)) continue;
    matches.push({ entries, start: from, anchored, marked: m !== undefined });
  }
  return matches;
}

/**
 * Of names that fold alike (Minh Quán, Minh Quân; Ia Bang, Ia Băng), the one the text's own marks spell, when exactly
 * one does. A text with marks anywhere is taken as spelled: its unmarked Ia Bang is Ia Bang.
 */
function byTone(entries: UnitEntry[], tokens: Token[], start: number, end: number): UnitEntry[] {
  if (tokens.every((t) => t.raw === t.key)) return entries; // written without marks
  const toned = tonedKey(
    tokens
      .slice(start, end)
      .map((w) => w.raw)
      .join(' '),
  );
  const same = entries.filter((e) => tonedKey(e.bare) === toned);
  return same.length === 1 ? same : entries;
}

/** A type word of this level alone (Xã, Huyện, not Thành phố) earlier in the same part of the text. */
function typeWordBefore(tokens: Token[], before: number, level: UnitLevel): boolean {
  const part = tokens[before]?.part;
  for (let end = before; end > 0 && tokens[end - 1]?.part === part; end--) {
    const m = markerBefore(tokens, end, part ?? -1);
    if (m && m.levels.length === 1 && m.levels[0] === level) return true;
  }
  return false;
}

// ---- parsing --------------------------------------------------------------------------------------------------

interface Parse {
  communes: UnitEntry[];
  district?: Match;
  province?: Match;
  unanchored: number;
}

interface Parses {
  complete: Parse[];
  /** a commune named with too little above it (no district in 2020; nothing above at all) */
  partial: UnitEntry[];
}

function parse(tokens: Token[], vintage: Vintage, strict: boolean): Parses {
  const index = indexOf(vintage);
  const out: Parses = { complete: [], partial: [] };
  const end = tokens.length;
  const any = () => true;
  const provinces: (Match | undefined)[] = [
    undefined,
    ...namesEndingAt(tokens, end, index.province, 'province', any),
  ];
  for (const province of provinces) {
    const inProvince = (e: UnitEntry) =>
      !strict || province === undefined || province.entries.some((p) => p.unit.code === e.province);
    const afterProvince = province?.start ?? end;
    const districts: (Match | undefined)[] = [undefined];
    if (vintage === 2020) {
      districts.push(...namesEndingAt(tokens, afterProvince, index.district, 'district', inProvince));
    }
    for (const district of districts) {
      const inDistrict = (e: UnitEntry) =>
        inProvince(e) &&
        (!strict || district === undefined || district.entries.some((d) => d.unit.code === e.unit.parent));
      const communes = namesEndingAt(
        tokens,
        district?.start ?? afterProvince,
        index.commune,
        'commune',
        inDistrict,
      );
      for (const commune of communes) {
        if (vintage === 2020 ? district === undefined : province === undefined) {
          out.partial.push(...commune.entries);
          continue;
        }
        if (vintage === 2025 && !commune.marked && province && namesOldDistrict(tokens, province)) {
          out.partial.push(...commune.entries); // "Chư Sê, Gia Lai": the old district or the new commune?
          continue;
        }
        const unanchored = [commune, district, province].filter((m) => m && !m.anchored).length;
        out.complete.push({ communes: commune.entries, district, province, unanchored });
      }
    }
  }
  return out;
}

/**
 * A 2025 commune's name written with no type word where the text ends in a 2020 district of the province: "Chư Sê,
 * Gia Lai" (the district or Xã Chư Sê?), "Quận Bắc Từ Liêm, Hà Nội" (not Phường Từ Liêm).
 */
function namesOldDistrict(tokens: Token[], province: Match): boolean {
  const districts = indexOf(2020).district;
  const inProvince = (d: UnitEntry) =>
    province.entries.some((p) => province2025Of(d.province) === p.unit.code);
  let key = '';
  for (let start = province.start - 1; start >= 0 && province.start - start <= districts.maxWords; start--) {
    key = (tokens[start]?.key ?? '') + key;
    if (districts.byKey.get(key)?.some(inProvince)) return true;
  }
  return false;
}

const refs = (entries: UnitEntry[]): UnitRef[] => {
  const seen = new Map<string, UnitRef>();
  for (const e of entries) seen.set(e.unit.code, { code: e.unit.code, vintage: e.unit.vintage });
  return [...seen.values()].slice(0, MAX_CANDIDATES);
};

function resolveIn(tokens: Token[], vintage: Vintage): AddressResolution {
  if (tokens.length === 0) return { status: 'unplaced', reason: 'empty' };
  const { complete, partial } = parse(tokens, vintage, true);
  if (complete.length > 0) {
    const best = Math.min(...complete.map((p) => p.unanchored));
    const top = complete.filter((p) => p.unanchored === best);
    const communes = new Map<string, { entry: UnitEntry; parse: Parse }>();
    for (const p of top) for (const entry of p.communes) communes.set(entry.unit.code, { entry, parse: p });
    if (communes.size > 1)
      return { status: 'unplaced', reason: 'ambiguous', candidates: refs(top.flatMap((p) => p.communes)) };
    const [only] = communes.values();
    if (only) return placed(only.entry, only.parse);
  }
  const loose = parse(tokens, vintage, false);
  if (loose.complete.length > 0) {
    return {
      status: 'unplaced',
      reason: 'disagree',
      candidates: refs(loose.complete.flatMap((p) => p.communes)),
    };
  }
  if (partial.length > 0) return { status: 'unplaced', reason: 'ambiguous', candidates: refs(partial) };
  return { status: 'unplaced', reason: 'unknown' };
}

function placed(entry: UnitEntry, parse: Parse): AddressResolution {
  const { unit } = entry;
  const matched: { commune: string; district?: string; province: string } = {
    commune: unit.name,
    province: unitOf(unit.vintage, entry.province)?.name ?? entry.province,
  };
  const inferred: ('district' | 'province')[] = [];
  if (unit.vintage === 2020 && unit.parent) {
    matched.district = unitOf(2020, unit.parent)?.name ?? unit.parent;
  }
  if (!parse.province) inferred.push('province');
  return { status: 'placed', commune: { code: unit.code, vintage: unit.vintage }, matched, inferred };
}

/**
 * The commune an address names, in the 2020 units by default: `Thôn 3, X. Ia Kla, H. Đức Cơ, T. Gia Lai` is Xã Ia
 * Kla, 23869 of vintage 2020. Unplaced, with its reason, when the text names no commune the lists
 * know (`unknown`), several (`ambiguous`), one whose district or province is another (`disagree`), or nothing.
 */
export function resolveAddress(text: string, options: ResolveOptions = {}): AddressResolution {
  const vintage = options.vintage ?? 2020;
  const tokens = addressTokens(text);
  if (vintage !== 'either') return resolveIn(tokens, vintage);
  const old = resolveIn(tokens, 2020);
  const current = resolveIn(tokens, 2025);
  if (old.status === 'placed' && current.status === 'placed') {
    return { status: 'unplaced', reason: 'ambiguous', candidates: [old.commune, current.commune] };
  }
  if (old.status === 'placed') return old;
  if (current.status === 'placed') return current;
  const rank: UnplacedReason[] = ['disagree', 'ambiguous', 'unknown', 'empty'];
  return rank.indexOf(old.reason) <= rank.indexOf(current.reason) ? old : current;
}
