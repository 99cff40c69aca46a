// Converts a whole file typed in a legacy Vietnamese font or code page to UTF-8 Unicode (NFC): the clerk's explicit
// step before the pre-upload check. Glyphs inside UTF-8 text (VNI, TCVN3) and raw 8-bit bytes (VNI, TCVN3,
// Windows-1258) alike; validation only names these, this converts them.
import { isUtf8 } from 'node:buffer';
import {
  decodeLegacy,
  type LegacyEncoding,
  type LegacyFont,
  legacyEncodingOf,
  legacyFontOf,
  readAs,
} from '#domain/legacy-fonts.ts';

export type ConvertFrom = LegacyEncoding | 'auto';

export interface Converted {
  text: string;
  /** what the input was read as; undefined when auto found nothing legacy in it */
  from?: LegacyEncoding;
  /** UTF-8 text with glyphs in it, or raw 8-bit bytes */
  input: 'glyphs' | 'bytes';
}

export class ConvertError extends Error {
  override readonly name = 'ConvertError';
}

// a word as a CSV or JSON line holds it: a legacy value never has a letter past U+00FF, so a word that has one is
// Unicode already and stays as it is
const WORD = /[^\s,;\t"{}:[\]]+/g;
const UNICODE_WORD = /[^\0-\xff]/;

/** UTF-8 text whose values carry VNI or TCVN3 glyphs, each word of the font's converted (Unicode words untouched). */
function convertGlyphs(text: string, font: LegacyFont): string {
  return text.replace(WORD, (word) => (UNICODE_WORD.test(word) ? word : readAs(word, font))).normalize('NFC');
}

/** The font most of the text's flagged words are in. */
function glyphFontOf(text: string): LegacyFont | undefined {
  let votes = 0;
  for (const [word] of text.matchAll(WORD)) {
    const font = legacyFontOf(word);
    votes += font === 'vni' ? 1 : font === 'tcvn3' ? -1 : 0;
  }
  return votes > 0 ? 'vni' : votes < 0 ? 'tcvn3' : undefined;
}

export function convertLegacy(bytes: Uint8Array, from: ConvertFrom = 'auto'): Converted {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(bom);
  if (isUtf8(body)) {
    const text = new TextDecoder().decode(body);
    if (from === 'cp1258')
      throw new ConvertError('the file is UTF-8 already: Windows-1258 is a byte encoding');
    const font = from === 'auto' ? glyphFontOf(text) : from;
    return font
      ? { text: convertGlyphs(text, font), from: font, input: 'glyphs' }
      : { text, input: 'glyphs' };
  }
  const encoding = from === 'auto' ? legacyEncodingOf(body) : from;
  if (!encoding)
    throw new ConvertError('cannot tell VNI, TCVN3 and Windows-1258 apart: name one with --from');
  return { text: decodeLegacy(body, encoding), from: encoding, input: 'bytes' };
}
