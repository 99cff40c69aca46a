// Text normalisation and the comparison keys the rules and the dedupe share.

const WHITESPACE_RUN = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g;

/**
 * True when normalizeText would return the value unchanged: single inner ASCII spaces only, and only
 * characters that are NFC whatever follows them (U+0000–U+02FF and Latin Extended Additional, which holds
 * every precomposed Vietnamese letter; checked exhaustively by a test). A scan is cheaper than the regex and
 * normalize() it spares on the hot path, and nearly every value takes it. A normal text holds
 * no control, bidi or replacement character either.
 */
export function isNormalText(value: string): boolean {
  const last = value.length - 1;
  let previousSpace = true; // a leading space is not normal
  for (let i = 0; i <= last; i++) {
    const c = value.charCodeAt(i);
    if (c === 32) {
      if (previousSpace || i === last) return false;
      previousSpace = true;
      continue;
    }
    previousSpace = false;
    if (c < 32 || (c >= 0x7f && c <= 0xa0) || (c >= 0x300 && (c < 0x1e00 || c > 0x1eff))) return false;
  }
  return true;
}

/** NFC, every run of white space as one space, trimmed: how a value is stored. */
export function normalizeText(value: string): string {
  if (isNormalText(value)) return value;
  return value.normalize('NFC').replace(WHITESPACE_RUN, ' ').trim();
}

/** Memoises a function of a short text, for lookups whose inputs repeat (ethnicity, sex, nationality). */
export function memoize<T>(lookup: (value: string) => T, capacity = 4096): (value: string) => T {
  const cache = new Map<string, T>();
  return (value) => {
    const hit = cache.get(value);
    if (hit !== undefined || cache.has(value)) return hit as T;
    const result = lookup(value);
    if (cache.size >= capacity) cache.clear();
    cache.set(value, result);
    return result;
  };
}

const COMBINING = /[\u0300-\u036f]/g;
const NON_ALNUM = /[^a-z0-9]/g;

/** Lower case with every diacritic dropped (đ as d), NFC and NFD alike; everything else left as it is. */
export function foldDiacritics(value: string): string {
  return value.normalize('NFD').replace(COMBINING, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

/** Case, diacritics, hyphens, apostrophes and spaces folded away: for matching names against official lists. */
export function looseKey(value: string): string {
  return foldDiacritics(value).replace(NON_ALNUM, '');
}

// Vietnamese tone marks, as combining characters after NFD; vowel-quality marks (circumflex, breve, horn) stay.
const TONE_MARKS: Record<string, string> = {
  '\u0300': '2', // huyền
  '\u0301': '1', // sắc
  '\u0303': '4', // ngã
  '\u0309': '3', // hỏi
  '\u0323': '5', // nặng
};
const TONE = /[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * Name comparison key: case-insensitive and blind to where the tone mark sits (hoà = hòa, thuý = thúy),
 * but not to which tone it is (Hòa ≠ Hoa). Each syllable becomes its letters plus a tone digit.
 */
export function nameKey(value: string): string {
  const words = normalizeText(value).split(' ');
  let key = '';
  for (const word of words) {
    if (key) key += ' ';
    key += syllableKey(word);
  }
  return key;
}

// Memoised per syllable: names are made of a few thousand syllables, and the NFD/NFC round trip of each is
// most of nameKey's cost on the pre-upload check's hot path. A word is lower-cased and decomposed on its own
// as it would be within the whole name (case and NFD do not reach across a space).
const syllableKey = memoize((word: string) => {
  const [letters, tone] = foldTone(word);
  return letters + tone;
}, 1 << 14);

/**
 * What people type for the apostrophe of H'Mông or K'Bang: right and left quotes, prime, modifier letter, grave.
 * Validation stores them as `'` (issue 14); nameKey folds them so, and a record held from before (H’Yơn) meets a
 * new form of the same person (H'Yơn) as the same name. Global: for `replace` only.
 */
export const LOOKALIKE_APOSTROPHE = /[\u2019\u2032\u02bc\u2018`]/g;

/** A word lower-cased, its tone marks dropped: [the letters in NFC, the last tone's digit or ''] */
export function foldTone(word: string): [letters: string, tone: string] {
  let tone = '';
  const letters = word
    .replace(LOOKALIKE_APOSTROPHE, "'")
    .toLowerCase()
    .normalize('NFD')
    .replace(TONE, (mark) => {
      tone = TONE_MARKS[mark] ?? '';
      return '';
    });
  return [letters.normalize('NFC'), tone];
}

/** What nameKey makes of one character: its letters, and its tone digit's char code (0 for none). */
export interface FoldedChar {
  letters: string;
  tone: number;
}

const LATIN_END = 0x300;
const EXTENDED_START = 0x1e00;
const folded: (FoldedChar | undefined)[] = new Array(LATIN_END + 0x100);

/**
 * nameKey's folding of one character of a normal text (isNormalText: U+0020–U+02FF or U+1E00–U+1EFF), or undefined
 * for any other. Within a normal text case, NFD and NFC act on each character alone, so a name folded a character
 * at a time gives the key nameKey gives a syllable at a time (a test holds the two equal); the pre-upload check
 * fingerprints a name key this way without building it.
 */
export function foldNameChar(code: number): FoldedChar | undefined {
  const slot =
    code < LATIN_END
      ? code
      : code >= EXTENDED_START && code < EXTENDED_START + 0x100
        ? code - EXTENDED_START + LATIN_END
        : -1;
  if (slot < 0) return undefined;
  let fold = folded[slot];
  if (fold === undefined) {
    const [letters, tone] = foldTone(String.fromCharCode(code));
    fold = { letters, tone: tone === '' ? 0 : tone.charCodeAt(0) };
    folded[slot] = fold;
  }
  return fold;
}

/** Digits only, with the spaces, dashes and dots people put between groups removed. */
export function compactDigits(value: string): string {
  return value.replace(/[\s\-.]/g, '');
}
