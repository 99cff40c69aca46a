// Text normalisation and the comparison keys the rules and the dedupe share.

const WHITESPACE_RUN = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g;

/** NFC, every run of white space as one space, trimmed: how a value is stored. */
export function normalizeText(value: string): string {
  return value.normalize('NFC').replace(WHITESPACE_RUN, ' ').trim();
}

const COMBINING = /[\u0300-\u036f]/g;
const NON_ALNUM = /[^a-z0-9]/g;

/** Case, diacritics, hyphens, apostrophes and spaces folded away: for matching names against official lists. */
export function looseKey(value: string): string {
  return value
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(NON_ALNUM, '');
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
  const words = normalizeText(value).toLowerCase().normalize('NFD').split(' ');
  let key = '';
  for (const word of words) {
    let tone = '';
    const letters = word.replace(TONE, (mark) => {
      tone = TONE_MARKS[mark] ?? '';
      return '';
    });
    if (key) key += ' ';
    key += letters.normalize('NFC') + tone;
  }
  return key;
}

/** Digits only, with the spaces, dashes and dots people put between groups removed. */
export function compactDigits(value: string): string {
  return value.replace(/[\s\-.]/g, '');
}
