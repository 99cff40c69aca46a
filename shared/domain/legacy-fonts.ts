// Text typed in a legacy Vietnamese font (VNI-Times, .VnTime/ABC = TCVN3) and saved as Unicode: each glyph's
// Latin-1 code point stands for a Vietnamese letter ("Nguyeãn" in VNI, "ThÞ" in TCVN3). Told apart by character
// classes and named, never converted here (DESIGN.md: not guessed at); readAs shows a clerk what the value would be.
// Charts: VNI-Windows as in xvnkb's vni.h (Dao Hai Lam, GPL-2, facts only) and VNI's own keyboard chart; TCVN3 from
// TCVN 5712:1993 VN1 as glibc's TCVN5712-1 and X11's lcUniConv/tcvn.h carry it (VN3, the .VnTime fonts, is its
// 0xA1-0xFF half). No registry package does VNI or TCVN3 glyphs well (vietnamese-conversion: a naive global replace),
// so the two small tables are written here, and local/convert.ts uses these same ones.
import { foldTone } from './normalize.ts';

export type LegacyFont = 'vni' | 'tcvn3';

/**
 * Latin-1 only, with a letter or sign past ASCII: what a legacy font's text is (a letter past U+00FF is no font's;
 * ASCII reads the same in every font). A scan, the cheapest test on the hot path: most Vietnamese text ends it at
 * its first letter with a mark.
 */
function isLatin1Glyphs(value: string): boolean {
  let high = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) return false;
    if (code > 0xa0) high = true;
  }
  return high;
}
// Latin-1 signs and letters no Vietnamese word holds: TCVN3's letters (¸ µ Þ …) and VNI's (ø û ï ñ ö …). Ð and ð
// are left out: people type Ð (eth) for Đ.
const NOT_VIETNAMESE =
  /[\xa1-\xbf\xc4-\xc7\xcb\xce\xcf\xd1\xd6-\xd8\xdb\xdc\xde\xdf\xe4-\xe7\xeb\xee\xef\xf1\xf6-\xf8\xfb\xfc\xfe\xff]/;
// A VNI vowel and a mark glyph that is itself a Vietnamese letter, in pairs no Vietnamese word holds (oà, oá, oã,
// uâ are Unicode Vietnamese: hoà, khoá, xuân): Nguyeãn, Lyù, Vuõ. No mark follows a VNI mark (La Êê is Katu).
const VNI_PAIR =
  /(?:[aA][ùõâáàãêéèúÙÕÂÁÀÃÊÉÈÚ]|[eE][ùõâáàãÙÕÂÁÀÃ]|[oO][ùõâÙÕÂ]|[uyôUYÔ][ùõÙÕ])(?![ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË])/;
// VNI's ị and ĩ (ò, ó) where no Vietnamese o stands: before nh or ch, or with a grave tone before a stop (Thònh, Lòch)
const VNI_RIME = /[òóÒÓ](?:nh|ch|NH|CH)|[òÒ][ptcPTC]/;
// VNI's other mark glyphs after a vowel (Quyønh, Ñaëng, Hoaøng)
const VNI_MARK = /[aeoAEO][äåÄÅ]|[aA][ëüËÜ]|[aeiouyôöAEIOUYÔÖ][øûïØÛÏ]/;
// VNI's đ starts a word; its ư (ö) stands alone
const VNI_LETTER = /(?:^|[\s'’-])[ñÑ]|[öÖ]/;
// what only TCVN3 writes: the 0xA1-0xBF signs (ă â ê ô ơ ư đ, à ả ã á ạ …) and ầ ì ị ò ỗ ữ ỵ; lower-case letters
// drawn on upper-case code points (TuÊn), which no Unicode word holds after a lower-case letter; ố before a stop
// (Quèc: Vietnamese has no grave tone there); ỳ after u (Huúnh); ủ inside a word (Thñy); a glyph that in VNI is a
// mark, after a consonant (Ngäc, Hång)
const TCVN3_SIGN =
  /[\xa1-\xbf\xc7\xd7\xde\xdf\xe7\xf7\xfe]|[a-z\xdf-\xff][\xc0-\xd6\xd8-\xde]|[èÈ][cptCPT]|[uU]ú|[A-Za-z\xc0-\xff]ñ|[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ][äåëüøûï]/;
// one more, looked at once VNI's capital vowel and mark (AÙnh) is ruled out: an upper-case glyph between a capital and
// a lower-case letter (YÕn)
const TCVN3_CAPITAL = /[A-Z\xc0-\xde][\xc0-\xd6\xd8-\xde][a-z\xdf-\xff]/;

/** The legacy font a value's glyphs come from, or undefined for Unicode text (a value with any letter past U+00FF is). */
export function legacyFontOf(value: string): LegacyFont | undefined {
  const font = glyphsOf(value);
  return font && readsAsVietnamese(value, font) ? font : undefined;
}

function glyphsOf(value: string): LegacyFont | undefined {
  if (!isLatin1Glyphs(value)) return undefined;
  if (TCVN3_SIGN.test(value)) return 'tcvn3';
  if (VNI_PAIR.test(value) || VNI_RIME.test(value) || VNI_MARK.test(value)) return 'vni';
  if (TCVN3_CAPITAL.test(value)) return 'tcvn3';
  if (!NOT_VIETNAMESE.test(value)) return undefined;
  return VNI_LETTER.test(value) ? 'vni' : 'tcvn3';
}

// A Vietnamese syllable with its tone mark dropped: any initial, one of the language's vowel groups, a final.
const SYLLABLE =
  /^[^aăâeêioôơuưy]{0,4}(?:[aăâeêioôơuưy]|a[iouy]|â[uy]|eo|êu|i[aêu]|o[aăeiơ]|ôi|ơi|u[aâêiôơy]|ư[aiuơ]|yê|iêu|yêu|oa[ioy]|oeo|uây|uôi|uy[aêu]|ươ[iu])(?:ch|ng|nh|[cmnpt])?$/;
// white space, digits and ASCII punctuation but the apostrophe: no font's glyph is one, so both texts split alike
const BETWEEN_WORDS = /[\s!-&(-@[-`{-~]+/;

/**
 * Whether the words the font's glyphs change read, once converted, as Vietnamese syllables more often than not:
 * a foreign name in Latin-1 letters (Müller, Peña, François, Noël) has glyphs of both fonts too, but converts to
 * no Vietnamese (Mỹller, Peủa), so it is left as the Unicode it is.
 */
function readsAsVietnamese(value: string, font: LegacyFont): boolean {
  const words = value.split(BETWEEN_WORDS);
  const read = readAs(value, font).split(BETWEEN_WORDS);
  let votes = 0;
  words.forEach((word, i) => {
    const converted = read[i] ?? '';
    if (converted !== word) votes += SYLLABLE.test(foldTone(converted)[0]) ? 1 : -1;
  });
  return votes > 0;
}

// VNI: mark glyphs (after a vowel) as combining marks, lower and upper case alike: sắc huyền hỏi ngã nặng, then
// circumflex and breve alone and with each tone.
const VNI_MARKS = 'ùøûõïâáàåãäêéèúüë';
const TONES = [...'\u0301\u0300\u0309\u0303\u0323'];
const COMBINING = [
  ...TONES,
  ...['\u0302', '\u0306'].flatMap((quality) => [quality, ...TONES.map((tone) => quality + tone)]),
];
// VNI glyphs that are letters of their own: ơ ư đ ị ĩ ỉ ỵ
const VNI_LETTERS: Record<string, string> = { ô: 'ơ', ö: 'ư', ñ: 'đ', ò: 'ị', ó: 'ĩ', æ: 'ỉ', î: 'ỵ' };
const VOWEL = /[aeiouyơư]/i;

function fromVni(value: string): string {
  let out = '';
  let last = '';
  for (const glyph of value) {
    const lower = glyph.toLowerCase();
    const mark = VNI_MARKS.indexOf(lower);
    if (mark >= 0 && VOWEL.test(last)) {
      out += COMBINING[mark];
      last = '';
      continue;
    }
    const letter = VNI_LETTERS[lower];
    last = letter === undefined ? glyph : glyph === lower ? letter : letter.toUpperCase();
    out += last;
  }
  return out;
}

// TCVN3 (TCVN 5712 VN1) from 0xA1 to 0xFF, one character each (0xB0-0xB4 are combining tone marks).
const TCVN3 =
  'ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ';

function fromTcvn3(value: string): string {
  let out = '';
  for (const glyph of value) {
    const code = glyph.charCodeAt(0);
    out += code >= 0xa1 && code <= 0xff ? TCVN3[code - 0xa1] : glyph;
  }
  return out;
}

/** What a value typed in a legacy font reads as: its glyphs as Unicode letters, NFC. */
export function readAs(value: string, font: LegacyFont): string {
  return (font === 'vni' ? fromVni(value) : fromTcvn3(value)).normalize('NFC');
}

/** A legacy 8-bit encoding: VNI or TCVN3 font bytes, or the Windows-1258 code page (tone marks as combining bytes). */
export type LegacyEncoding = LegacyFont | 'cp1258';

export const LEGACY_ENCODING_NAMES: Record<LegacyEncoding, string> = {
  vni: 'VNI (VNI-Times)',
  tcvn3: 'TCVN3 (ABC, .VnTime)',
  cp1258: 'Windows-1258',
};

/** Legacy bytes as Unicode text (NFC): the font's glyphs read as letters, or Windows-1258 decoded and composed. */
export function decodeLegacy(bytes: Uint8Array, encoding: LegacyEncoding): string {
  if (encoding === 'cp1258') return new TextDecoder('windows-1258').decode(bytes).normalize('NFC');
  return readAs(new TextDecoder('latin1').decode(bytes), encoding);
}

// what a wrong reading leaves: glyphs no Vietnamese word holds, C1 controls, marks that composed with nothing
const LEFTOVER = new RegExp(`${NOT_VIETNAMESE.source.slice(0, -1)}\\x80-\\x9f\\u0300-\\u036f\\ufffd]`, 'g');

// a syllable with two tone marks: what reading one font's letters as another's gives
const TWO_TONES = /[\u0300\u0301\u0303\u0309\u0323][^\s,;"]*?[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * The legacy encoding whose reading of the bytes leaves the fewest stray glyphs and two-toned syllables; between VNI
 * and TCVN3 readings as clean as each other, the font legacyFontOf names for more lines. Undefined when it cannot tell.
 */
export function legacyEncodingOf(bytes: Uint8Array): LegacyEncoding | undefined {
  const strays = (['vni', 'tcvn3', 'cp1258'] as const).map((encoding) => {
    const text = decodeLegacy(bytes, encoding);
    return (text.match(LEFTOVER)?.length ?? 0) + (text.normalize('NFD').match(TWO_TONES)?.length ?? 0);
  });
  const fewest = Math.min(...strays);
  const clean = (['vni', 'tcvn3', 'cp1258'] as const).filter((_, i) => strays[i] === fewest);
  if (clean.length === 1) return clean[0];
  if (!clean.includes('vni') || !clean.includes('tcvn3')) return undefined;
  let votes = 0;
  for (const line of new TextDecoder('latin1').decode(bytes).split('\n')) {
    const font = legacyFontOf(line);
    votes += font === 'vni' ? 1 : font === 'tcvn3' ? -1 : 0;
  }
  return votes > 0 ? 'vni' : votes < 0 ? 'tcvn3' : undefined;
}
