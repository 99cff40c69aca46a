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

/**
 * Where the family name sits among folded tokens: the most frequent known family name, first occurrence.
 * A function of the tokens' cyclic order, so "Hùng Nguyễn Văn" and "Văn Hùng Nguyễn" both start at Nguyễn.
 * A misspelt Nguyễn in first place stays first (only there: the given name Nguyệt is one letter from it).
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
