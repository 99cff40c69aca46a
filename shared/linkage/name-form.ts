// Forms of a Vietnamese name that survive the usual noise: diacritics folded away, the family name put first
// whatever order the clerk wrote, and a consonant skeleton that ignores vowel slips.
import { foldDiacritics, memoize, nameKey } from '#domain/normalize.ts';
import { osaDistance } from './distance.ts';

const NOT_LETTER_OR_SPACE = /[^a-z0-9 ]/g;
const SPACES = / +/g;

/** Lower case, every diacritic dropped (đ as d), only letters, digits and single spaces: NFC and NFD alike. */
export function foldText(value: string): string {
  return foldDiacritics(value)
    .replace(/[\s\u00a0]+/g, ' ')
    .replace(NOT_LETTER_OR_SPACE, '')
    .replace(SPACES, ' ')
    .trim();
}

/** Whether a text carries no Vietnamese diacritic at all (a form typed on a tool that strips them). */
export function isDiacriticFree(value: string): boolean {
  return !/[\u0080-\uffff]/.test(value);
}

// Common Vietnamese family names, most frequent first (Nguyễn, Trần, Lê, …), then the Central Highlands'
// clan names: the anchor that undoes a given-name-first order. Folded, so Đặng and Dang agree.
const FAMILY_NAMES = [
  'nguyen',
  'tran',
  'le',
  'pham',
  'hoang',
  'huynh',
  'phan',
  'vu',
  'vo',
  'dang',
  'bui',
  'do',
  'ho',
  'ngo',
  'duong',
  'ly',
  'truong',
  'dinh',
  'doan',
  'ha',
  'trinh',
  'luong',
  'mai',
  'cao',
  'lam',
  'luu',
  'to',
  'chau',
  'ta',
  'thai',
  'quach',
  'kieu',
  'la',
  // Jrai and Ê-đê clans (Rơ opens Rơ Mah, Rơ Châm, Rơ Lan, Rơ Ô), after the Kinh names
  'ksor',
  'siu',
  'nay',
  'ro',
  'kpa',
  'puih',
  'rah',
  'hiao',
  'rcom',
  'nie',
  'eban',
  'mlo',
  'bya',
  'adrong',
  'eya',
  'hmok',
  'kbuor',
];
const FAMILY_RANK = new Map(FAMILY_NAMES.map((name, rank) => [name, rank]));

/** A slip of Nguyễn ("Nguyễm", "Ngyuen"): a name this common is worth recognising misspelt. */
function slippedNguyen(token: string): boolean {
  return token.length >= 5 && token.length <= 7 && token !== 'nguyen' && osaDistance(token, 'nguyen', 1) <= 1;
}

/** The rank of the known family name a token is one slip from ("Yuỳnh", "Lr"), if any. */
function slippedFamilyRank(token: string): number | undefined {
  for (let rank = 0; rank < FAMILY_NAMES.length; rank++) {
    const name = FAMILY_NAMES[rank] as string;
    if (Math.abs(name.length - token.length) <= 1 && osaDistance(token, name, 1) <= 1) return rank;
  }
  return undefined;
}

/**
 * Where the family name sits among folded tokens: the most frequent known family name, first occurrence.
 * A function of the tokens' cyclic order, so "Hùng Nguyễn Văn" and "Văn Hùng Nguyễn" both start at Nguyễn.
 * A misspelt Nguyễn in first place stays first (only there: the given name Nguyệt is one letter from it); so does a
 * first word one slip from a family name more frequent than any found further on: "Yuỳnh Văn Định" is a slipped
 * Huỳnh, not a name led by Định (Đinh). Only there: further on, a word one slip from a family name is as likely a
 * given or middle name (Ngọc, Nguyệt, Thị).
 */
function anchorOf(tokens: readonly string[]): number {
  if (tokens.length > 1 && slippedNguyen(tokens[0] as string)) return 0;
  let anchor = 0;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < tokens.length; i++) {
    const rank = FAMILY_RANK.get(tokens[i] as string);
    if (rank !== undefined && rank < best) {
      best = rank;
      anchor = i;
    }
  }
  if (anchor > 0 && !FAMILY_RANK.has(tokens[0] as string)) {
    const slipped = slippedFamilyRank(tokens[0] as string);
    if (slipped !== undefined && slipped < best) return 0;
  }
  return anchor;
}

function rotate<T>(items: readonly T[], start: number): T[] {
  return start === 0 ? [...items] : [...items.slice(start), ...items.slice(0, start)];
}

/** A name split into family name, middle names and given name, each folded; family name first. */
export interface NameParts {
  family: string;
  middle: string[];
  given: string;
  /** all tokens in that order, space-separated */
  folded: string;
  /** the tone-aware keys of the same tokens in the same order (nameKey per token) */
  toned: string;
  /** nameKey of the name as written */
  key: string;
}

/** The parts of a full name in canonical order (see anchorOf); memoised, as a name is compared many times. */
export const nameParts: (fullName: string) => NameParts = memoize(namePartsOf, 1 << 16);

function namePartsOf(fullName: string): NameParts {
  const foldedTokens = foldText(fullName).split(' ').filter(Boolean);
  const key = nameKey(fullName);
  const tonedTokens = key.split(' ').filter(Boolean);
  const anchor = anchorOf(foldedTokens);
  const tokens = rotate(foldedTokens, anchor);
  // nameKey and foldText split alike unless punctuation stood alone; fall back to the folded tokens then
  const toned = tonedTokens.length === foldedTokens.length ? rotate(tonedTokens, anchor) : tokens;
  return {
    family: tokens.length > 1 ? (tokens[0] as string) : '',
    middle: tokens.slice(1, -1),
    given: tokens.at(-1) ?? '',
    folded: tokens.join(' '),
    toned: toned.join(' '),
    key,
  };
}

const VOWELS = /[aeiouy]/g;

/**
 * Consonant skeleton of a folded text: the first letter kept, later vowels dropped, doubled letters once,
 * and the OCR pair rn read as m: hung, huong and a slipped hug all give hng (or hg); hung and minh do not.
 */
export function skeleton(folded: string): string {
  return folded
    .split(' ')
    .map((word) => {
      const w = word.replace(/rn/g, 'm');
      return (w.slice(0, 1) + w.slice(1).replace(VOWELS, '')).replace(/(.)\1+/g, '$1');
    })
    .join(' ');
}

// A word as it sounds, for blocking keys only (never for scoring): the spellings a clerk, a scanner or a regional
// accent confuses are written one way, so that an OCR slip or a phonetic spelling of a name keeps its keys.
// Look-alikes a scanner reads (0 o, 5 s, 8 b, 1 l, h b, rn m) and sounds spelt two ways: initial d/gi/r/v (Northern z,
// Southern v as d), tr/ch, s/x, l/n, k/q/c, ngh/ng, gh/g; final n/ng; final c/t/ch dropped (Phúc, Phút; a scanned
// Ngọc as Ngọe).
const SOUND_INITIALS: [RegExp, string][] = [
  [/^ngh/, 'ng'],
  [/^gh/, 'g'],
  [/^gi(?=[aeiouy])/, 'z'],
  [/^[drv]/, 'z'],
  [/^(tr|ch)/, 'c'],
  [/^[kq]/, 'c'],
  [/^x/, 's'],
  [/^l/, 'n'],
];

/**
 * The sound skeleton of a folded word: look-alike letters and the spellings of one sound made one, then the consonant
 * skeleton without a leading vowel (an l scanned as I leaves one). Coarser than `skeleton`: more names share one,
 * which only a blocking key can afford (the scorer still compares the names as written).
 */
export function soundSkeleton(folded: string): string {
  return folded
    .split(' ')
    .map((word) => {
      let w = word
        .replace(/rn/g, 'm')
        .replace(/0/g, 'o')
        .replace(/5/g, 's')
        .replace(/8/g, 'b')
        .replace(/1/g, 'l');
      w = w.replace(/b/g, 'h');
      for (const [pattern, sound] of SOUND_INITIALS) w = w.replace(pattern, sound);
      w = w
        .replace(/ng$/, 'n')
        .replace(/(ch|c|t)$/, '')
        .replace(VOWELS, '')
        .replace(/(.)\1+/g, '$1');
      return w;
    })
    .join(' ');
}
