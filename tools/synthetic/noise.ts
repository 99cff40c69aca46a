// The noise that makes one person's second form differ from the first: keyboard typos, OCR confusions,
// stripped or decomposed diacritics, old-style tone placement, day/month swaps and digit slips, mistyped or
// missing IDs, reordered names, a new address. Each function returns a new record and leaves its input alone.
import type { PopulationRecord } from '#domain/record.ts';
import { isoDate } from './population.ts';
import type { Rng } from './rng.ts';

// In the order a form's noise is applied: content first, then how the text is encoded, so that a typo lands in
// text that is later stripped or NFD.
export const NOISE_KINDS = [
  'typo',
  'ocr',
  'phonetic',
  'nameOrder',
  'middleDropped',
  'dayMonthSwap',
  'dateSlip',
  'newAddress',
  'placeVariant',
  'parentMissing',
  'idMissing',
  'idSlip',
  'idTransposed',
  'idOnlyLater',
  'tonePlacement',
  'strippedDiacritics',
  'nfd',
] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

const NAME_FIELDS = ['fullName', 'fatherName', 'motherName', 'spouseName', 'householdHeadName'] as const;
const TEXT_FIELDS = [
  ...NAME_FIELDS,
  'birthRegistrationPlace',
  'hometown',
  'permanentAddress',
  'currentAddress',
] as const;

// QWERTY neighbours of each letter (Vietnamese is typed on QWERTY, with Telex or VNI on top).
const KEYBOARD: Record<string, string> = {
  q: 'wa',
  w: 'qes',
  e: 'wrd',
  r: 'etf',
  t: 'ryg',
  y: 'tuh',
  u: 'yij',
  i: 'uok',
  o: 'ipl',
  p: 'ol',
  a: 'qsz',
  s: 'adw',
  d: 'sfe',
  f: 'dgr',
  g: 'fht',
  h: 'gjy',
  j: 'hku',
  k: 'jli',
  l: 'ko',
  z: 'xa',
  x: 'zc',
  c: 'xv',
  v: 'cb',
  b: 'vn',
  n: 'bm',
  m: 'n',
};

/** The base letter of a character: marks dropped, đ as d, lower case. */
function baseLetter(char: string): string {
  return char
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/** One keyboard slip in a text: a neighbouring key, a dropped or doubled-neighbour letter, or two swapped. */
export function keyboardTypo(rng: Rng, text: string): string {
  const chars = [...text];
  const letters = chars.flatMap((c, i) => (KEYBOARD[baseLetter(c)] ? [i] : []));
  if (letters.length === 0) return text;
  const at = rng.pick(letters);
  const char = chars[at] as string;
  const neighbours = KEYBOARD[baseLetter(char)] as string;
  const neighbour = neighbours[rng.int(neighbours.length)] as string;
  const r = rng.next();
  if (r < 0.55) chars[at] = char === char.toUpperCase() ? neighbour.toUpperCase() : neighbour;
  else if (r < 0.7 && letters.length > 3) chars.splice(at, 1);
  else if (r < 0.85) chars.splice(at + 1, 0, neighbour);
  else {
    const next = chars[at + 1];
    if (next && next !== ' ') [chars[at], chars[at + 1]] = [next, char];
    else chars[at] = neighbour;
  }
  return chars.join('');
}

// What a scanner reads for a printed letter: look-alike shapes, and a vowel's mark lost.
const OCR_SHAPES: [RegExp, string][] = [
  [/m/, 'rn'],
  [/rn/, 'm'],
  [/l/, 'I'],
  [/I/, 'l'],
  [/i/, 'l'],
  [/h/, 'b'],
  [/c/, 'e'],
  [/o/, '0'],
  [/B/, '8'],
  [/S/, '5'],
];
const VOWEL_QUALITY = /[\u0302\u0306\u031b]/g; // circumflex, breve, horn: â ê ô ă ơ ư

/** One OCR confusion in a text: a look-alike (rn/m, l/I, o/0, S/5 …) or one letter's vowel mark lost. */
export function ocrConfusion(rng: Rng, text: string): string {
  const nfc = text.normalize('NFC');
  const chars = [...nfc];
  const marked = chars.flatMap((c, i) =>
    /[đĐ]/.test(c) || /[\u0302\u0306\u031b]/.test(c.normalize('NFD')) ? [i] : [],
  );
  if (marked.length > 0 && rng.chance(0.5)) {
    const at = rng.pick(marked);
    const char = chars[at] as string;
    // the vowel-quality mark goes, the tone mark stays: ừ → ù, đ → d
    chars[at] =
      char === 'đ'
        ? 'd'
        : char === 'Đ'
          ? 'D'
          : char.normalize('NFD').replace(VOWEL_QUALITY, '').normalize('NFC');
    return chars.join('');
  }
  const shapes = OCR_SHAPES.filter(([pattern]) => pattern.test(nfc));
  if (shapes.length === 0) return nfc;
  const [pattern, replacement] = rng.pick(shapes);
  const positions = [...nfc.matchAll(new RegExp(pattern.source, 'g'))].map((m) => m.index ?? 0);
  const at = rng.pick(positions);
  const length = pattern.source.length;
  return nfc.slice(0, at) + replacement + nfc.slice(at + length);
}

// Spellings of one sound (regional pronunciation written down: Northern d/gi/r, Southern v/d and final n/ng,
// c/t, and the i/y of the old orthography): a clerk who writes a name as heard picks either.
const PHONETIC_INITIALS: [RegExp, string][] = [
  [/^gi(?=[^bcdđghklmnpqrstvx ])/i, 'd'],
  [/^d(?=[^bcdđghklmnpqrstvx ])/i, 'gi'],
  [/^r/i, 'd'],
  [/^v/i, 'd'],
  [/^tr/i, 'ch'],
  [/^ch/i, 'tr'],
  [/^s(?!h)/i, 'x'],
  [/^x/i, 's'],
  [/^l/i, 'n'],
  [/^n(?![gh])/i, 'l'],
];
const PHONETIC_FINALS: [RegExp, string][] = [
  [/ng$/i, 'n'],
  [/(?<=[^g])n$/i, 'ng'],
  [/c$/i, 't'],
  [/t$/i, 'c'],
];

/** One word of a name spelt as it sounds: an initial or final consonant, or a final i/y, written the other way. */
export function phoneticSpelling(rng: Rng, text: string): string {
  const words = text.normalize('NFC').split(' ');
  const options: [number, string][] = [];
  words.forEach((word, at) => {
    const lower = word.toLowerCase();
    for (const [pattern, replacement] of [...PHONETIC_INITIALS, ...PHONETIC_FINALS]) {
      if (!pattern.test(lower)) continue;
      const spelt = lower.replace(pattern, replacement);
      options.push([
        at,
        word[0] === word[0]?.toUpperCase() ? spelt[0]?.toUpperCase() + spelt.slice(1) : spelt,
      ]);
    }
    // i and y after a consonant, with the tone kept: Lý/Lí, Vy/Vi, Mỹ/Mĩ
    const nfd = word.normalize('NFD');
    const swapped = /^[^aeiouy]+y[\u0300-\u036f]*$/i.test(nfd)
      ? nfd.replace(/y(?=[\u0300-\u036f]*$)/i, 'i')
      : /^[^aeiouy]+i[\u0300-\u036f]*$/i.test(nfd) && !/^(g|q)/i.test(nfd)
        ? nfd.replace(/i(?=[\u0300-\u036f]*$)/i, 'y')
        : undefined;
    if (swapped) options.push([at, swapped.normalize('NFC')]);
  });
  if (options.length === 0) return text;
  const [at, spelt] = rng.pick(options);
  words[at] = spelt;
  return words.join(' ');
}

/** Every diacritic removed, case kept: what an old tool or an ASCII-only form produces. */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

const TONE = /[\u0300\u0301\u0303\u0309\u0323]/;

/**
 * The other tone placement in oa, oe and uy without a final consonant: hòa ↔ hoà, thủy ↔ thuỷ (the old and
 * the new orthography both survive in records).
 */
export function moveTonePlacement(text: string): string {
  return text
    .normalize('NFC')
    .split(' ')
    .map((word) => {
      const nfd = word.normalize('NFD');
      const tone = nfd.match(TONE)?.[0];
      if (!tone) return word;
      const base = nfd.replace(TONE, '');
      if (!/(oa|oe|uy)$/i.test(base) || /^qu/i.test(base)) return word;
      const first = base.length - 2;
      // the tone after the first vowel of the pair moves after the second, and the other way round
      const target = nfd.indexOf(tone) === first + 1 ? base.length : first + 1;
      return (base.slice(0, target) + tone + base.slice(target)).normalize('NFC');
    })
    .join(' ');
}

function mapText(
  record: PopulationRecord,
  fields: readonly (keyof PopulationRecord)[],
  f: (s: string) => string,
) {
  const out: Record<string, unknown> = { ...record };
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string') out[field] = f(value);
  }
  return out as PopulationRecord;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validDate(digits: string): string | undefined {
  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  const day = Number(digits.slice(6, 8));
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  return isoDate(year, month, day);
}

// Digits a clerk or a scanner mistakes for each other.
const DIGIT_SLIPS: Record<string, string> = {
  '0': '869',
  '1': '742',
  '2': '135',
  '3': '852',
  '4': '951',
  '5': '634',
  '6': '508',
  '7': '148',
  '8': '30',
  '9': '40',
};

/** One digit of a date of birth slipped (still a valid date), or undefined when none would be. */
export function slipDate(rng: Rng, iso: string): string | undefined {
  const digits = iso.replace(/-/g, '');
  for (let tries = 0; tries < 20; tries++) {
    // the year's last digit and the day are where slips land; the century almost never
    const at = rng.pick([3, 3, 5, 6, 7, 7]);
    const choices = DIGIT_SLIPS[digits[at] as string] as string;
    const slipped = validDate(digits.slice(0, at) + choices[rng.int(choices.length)] + digits.slice(at + 1));
    if (slipped && slipped !== iso) return slipped;
  }
  return undefined;
}

/** Day and month swapped, or undefined when the swap is not a different valid date. */
export function swapDayMonth(iso: string): string | undefined {
  const day = Number(iso.slice(8, 10));
  const month = Number(iso.slice(5, 7));
  if (day > 12 || day === month) return undefined;
  return isoDate(Number(iso.slice(0, 4)), day, month);
}

/** The ID with one of its six random digits changed (the prefix still agrees with sex and year). */
export function slipId(rng: Rng, id: string): string {
  const at = 6 + rng.int(6);
  const choices = DIGIT_SLIPS[id[at] as string] as string;
  return id.slice(0, at) + choices[rng.int(choices.length)] + id.slice(at + 1);
}

/** Two adjacent, different digits of the ID's random part swapped; the ID unchanged when all are equal. */
export function transposeId(rng: Rng, id: string): string {
  const positions = [6, 7, 8, 9, 10].filter((i) => id[i] !== id[i + 1]);
  if (positions.length === 0) return id;
  const at = rng.pick(positions);
  return id.slice(0, at) + (id[at + 1] as string) + (id[at] as string) + id.slice(at + 2);
}

const UNIT_ABBREVIATIONS: [RegExp, string][] = [
  [/Thành phố /g, 'TP. '],
  [/Thị trấn /g, 'TT. '],
  [/Thị xã /g, 'TX. '],
  [/Tỉnh /g, 'T. '],
  [/Huyện /g, 'H. '],
  [/Xã /g, 'X. '],
  [/Phường /g, 'P. '],
];

/**
 * A place written another way: unit words abbreviated (X., H., T.), the district left out as after the
 * 2025 reform, or the commune left out.
 */
export function rewritePlace(rng: Rng, place: string): string {
  const parts = place.split(', ');
  const r = rng.next();
  if (r < 0.5 || parts.length < 3) {
    return UNIT_ABBREVIATIONS.reduce((text, [pattern, short]) => text.replace(pattern, short), place);
  }
  if (r < 0.8) return [parts[0], ...parts.slice(2)].join(', ');
  return parts.slice(1).join(', ');
}

/** The name with the given name first ("Văn Hùng Nguyễn", "Hùng Nguyễn Văn") or fully reversed. */
export function reorderName(rng: Rng, name: string): string {
  const words = name.split(' ');
  if (words.length < 2) return name;
  const r = rng.next();
  if (r < 0.5) return [...words.slice(1), words[0]].join(' ');
  if (r < 0.8) return [words.at(-1), ...words.slice(0, -1)].join(' ');
  return [...words].reverse().join(' ');
}

/** The name without its middle names, when it has any. */
export function dropMiddleName(name: string): string | undefined {
  const words = name.split(' ');
  return words.length >= 3 ? `${words[0]} ${words.at(-1)}` : undefined;
}

export interface NoiseContext {
  rng: Rng;
  /** another address for a person who moved */
  newAddress: (record: PopulationRecord) => string;
  /** the name a typo, OCR or phonetic slip lands in (drawn when absent: the full name seven times in ten) */
  field?: 'fullName';
}

/**
 * The record with one kind of noise applied, or undefined when the kind does not apply to it (no middle name
 * to drop, a day above 12 to swap, no ID to mistype). `idOnlyLater` changes nothing here: it removes the ID
 * from the person's earlier record instead (see linkage.ts).
 */
export function applyNoise(
  kind: NoiseKind,
  record: PopulationRecord,
  { rng, newAddress, field: nameField }: NoiseContext,
): PopulationRecord | undefined {
  const pickName = (): (typeof NAME_FIELDS)[number] =>
    nameField ??
    (rng.chance(0.7) || (!record.fatherName && !record.motherName)
      ? 'fullName'
      : record.motherName && (!record.fatherName || rng.chance(0.5))
        ? 'motherName'
        : 'fatherName');
  switch (kind) {
    case 'typo': {
      const field = pickName();
      return { ...record, [field]: keyboardTypo(rng, record[field] as string) };
    }
    case 'ocr': {
      const field = pickName();
      const value = ocrConfusion(rng, record[field] as string);
      return value === record[field] ? undefined : { ...record, [field]: value };
    }
    case 'phonetic': {
      const field = pickName();
      const value = phoneticSpelling(rng, record[field] as string);
      return value === record[field] ? undefined : { ...record, [field]: value };
    }
    case 'strippedDiacritics':
      return mapText(record, TEXT_FIELDS, stripDiacritics);
    case 'nfd':
      return mapText(record, TEXT_FIELDS, (s) => s.normalize('NFD'));
    case 'tonePlacement': {
      const moved = mapText(record, NAME_FIELDS, moveTonePlacement);
      return NAME_FIELDS.some((f) => moved[f] !== record[f]) ? moved : undefined;
    }
    case 'dayMonthSwap': {
      const date = swapDayMonth(record.dateOfBirth);
      return date ? { ...record, dateOfBirth: date } : undefined;
    }
    case 'dateSlip': {
      const date = slipDate(rng, record.dateOfBirth);
      return date ? { ...record, dateOfBirth: date } : undefined;
    }
    case 'nameOrder':
      return { ...record, fullName: reorderName(rng, record.fullName) };
    case 'middleDropped': {
      const name = dropMiddleName(record.fullName);
      return name ? { ...record, fullName: name } : undefined;
    }
    case 'newAddress': {
      const address = newAddress(record);
      return {
        ...record,
        currentAddress: address,
        permanentAddress: record.permanentAddress ? address : undefined,
        currentCommuneCode: undefined,
        permanentCommuneCode: undefined,
      };
    }
    case 'placeVariant': {
      const field = rng.chance(0.5) ? 'birthRegistrationPlace' : 'hometown';
      const place = rewritePlace(rng, record[field]);
      return place === record[field] ? undefined : { ...record, [field]: place };
    }
    case 'parentMissing': {
      if (!record.fatherName && !record.motherName) return undefined;
      const field = record.motherName && (!record.fatherName || rng.chance(0.5)) ? 'mother' : 'father';
      return { ...record, [`${field}Name`]: undefined, [`${field}Id`]: undefined };
    }
    case 'idMissing':
      return record.personalId ? { ...record, personalId: undefined } : undefined;
    case 'idSlip':
      return record.personalId ? { ...record, personalId: slipId(rng, record.personalId) } : undefined;
    case 'idTransposed': {
      if (!record.personalId) return undefined;
      const id = transposeId(rng, record.personalId);
      return id === record.personalId ? undefined : { ...record, personalId: id };
    }
    case 'idOnlyLater':
      return record.personalId ? record : undefined;
  }
}
