// Fast fingerprints of a row's texts, for the pre-upload check's in-file dedupe (check-batch.ts).
// Hand-written (MurmurHash3's x86 32-bit body and finaliser over pairs of UTF-16 code units, fed field by
// field) rather than node:crypto: a digest object costs 1-2 µs a call before it hashes anything, and the check
// takes several per row of a province-sized file (docs/benchmarks.md, "The pre-upload check"). Not a MAC and
// not for secrets: person keys are sealed by person-keyer.ts.

import { type FoldedChar, foldNameChar, isNormalText, nameKey } from '#domain/normalize.ts';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mix(h: number, word: number): number {
  let k = Math.imul(word, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  const x = h ^ k;
  return (Math.imul((x << 13) | (x >>> 19), 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  let x = h ^ length;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * foldNameChar as one number a character, so that addNameKey reads no object and no string for the usual
 * letter: 0 not yet looked at; NOT_FOLDED outside the folded ranges; MANY_LETTERS when it folds to more than one
 * letter (foldNameChar's own answer is then used); else ONE_LETTER when it has a letter (the low 16 bits), and
 * its tone digit's code in bits 16-23.
 */
const folds = /* @__PURE__ */ new Int32Array(0x10000);
const NOT_FOLDED = -1;
const MANY_LETTERS = -2;
const ONE_LETTER = 1 << 24;
/** set in every looked-at code that is not NOT_FOLDED or MANY_LETTERS, so that none is 0 */
const LOOKED_AT = 1 << 30;

function foldedCode(code: number): number {
  const known = folds[code] as number;
  if (known !== 0) return known;
  const fold = foldNameChar(code);
  const packed = !fold
    ? NOT_FOLDED
    : fold.letters.length > 1 || fold.tone > 0xff
      ? MANY_LETTERS
      : (fold.letters.length === 1 ? ONE_LETTER | fold.letters.charCodeAt(0) : 0) |
        (fold.tone << 16) |
        LOOKED_AT;
  folds[code] = packed;
  return packed;
}

/** a name key's units before they are mixed: a character's letters (a few at most), a tone digit, a space */
const MAX_NAME = 1000;
const nameUnits = /* @__PURE__ */ new Uint16Array(MAX_NAME * 8);

/** where `copy` and fingerprint64 copy texts to, as UTF-16LE (fingerprint64 takes a longer one through `add`) */
const scratch = /* @__PURE__ */ Buffer.allocUnsafeSlow(1 << 16);
const scratchWords = /* @__PURE__ */ new Int32Array(scratch.buffer, scratch.byteOffset, scratch.length >> 2);
const MAX_COPIED = (1 << 15) - 2;

/** The word that closes a field: its length, or a mark no length can take when the field is absent. */
const fieldEnd = (text: string | undefined) => (text === undefined ? 0xffffffff : text.length);

/**
 * A 32-bit fingerprint of a sequence of texts, accumulated without allocating: reset, add the texts in a fixed
 * order, read `value`. Equal sequences give equal fingerprints; ("ab", "c") and ("a", "bc") differ, and an
 * absent text differs from an empty one.
 */
export class Fingerprinter {
  private h = 0;
  private words = 0;
  /** UTF-16LE bytes copied to the scratch buffer since `startCopies` */
  private copied = 0;

  reset(seed = 0): this {
    this.h = seed;
    this.words = 0;
    return this;
  }

  add(text: string | undefined): this {
    let h = this.h;
    if (text !== undefined) {
      const pairs = text.length & ~1;
      for (let i = 0; i < pairs; i += 2) h = mix(h, text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
      if (pairs < text.length) h = mix(h, text.charCodeAt(pairs) | 0xffff0000);
      this.words += (text.length + 1) >> 1;
    }
    this.h = mix(h, fieldEnd(text));
    this.words += 1;
    return this;
  }

  /**
   * Starts a text to be added exactly as `add` would add it, copied out of its pieces' strings (`copy`) into a
   * buffer as UTF-16LE, then read as 32-bit words (`addCopies`). Reading a value of a decoded line a character at
   * a time (charCodeAt on a slice of the line, a two-byte string) cost about 5 ns a character; and concatenating
   * the pieces first took a dozen intermediate strings and a flat copy, about 1.5 KB of garbage a row of details.
   * The words are read in the machine's byte order: on a little-endian one (x86, Arm as Node runs them) they are
   * `add`'s words, and a test holds the two equal.
   */
  startCopies(): this {
    this.copied = 0;
    return this;
  }

  copy(text: string | undefined): this {
    if (text === undefined || text.length === 0) return this;
    if (this.copied + 2 * text.length + 2 > scratch.length)
      throw new Error('texts of more than 32,000 characters, not a validated record');
    this.copied += scratch.write(text, this.copied, 'utf16le');
    return this;
  }

  /** Adds the text copied since `startCopies`, as `add` adds a text. */
  addCopies(): this {
    const bytes = this.copied;
    // an odd last unit is mixed as `add` mixes it, with 0xffff above it
    scratch[bytes] = 0xff;
    scratch[bytes + 1] = 0xff;
    const words = scratchWords;
    const units = bytes >> 1;
    const count = (units + 1) >> 1;
    let h = this.h;
    for (let i = 0; i < count; i++) h = mix(h, words[i] as number);
    this.h = mix(h, units);
    this.words += count + 1;
    return this;
  }

  /** Adds only where a text ends (its length, or that it is absent), as `add` does after the text's own units. */
  addEnd(text: string | undefined): this {
    this.h = mix(this.h, fieldEnd(text));
    this.words += 1;
    return this;
  }

  /**
   * Adds nameKey(name) exactly as `add(nameKey(name))` would, without building the key: a character at a time
   * through foldNameChar, so that the two are interchangeable (a test holds them equal).
   */
  addNameKey(name: string): this {
    if (name.length > MAX_NAME || !isNormalText(name)) return this.add(nameKey(name));
    // the key's units first, into a scratch array, then mixed in pairs as `add` mixes a text's
    const units = nameUnits;
    let length = 0;
    let tone = 0;
    for (let i = 0; i <= name.length; i++) {
      const code = i < name.length ? name.charCodeAt(i) : 32;
      if (code === 32) {
        // the syllable ends: its tone digit, then the space between syllables (none after the last)
        if (tone !== 0) units[length++] = tone;
        if (i < name.length) units[length++] = 32;
        tone = 0;
        continue;
      }
      const fold = foldedCode(code);
      if (fold === NOT_FOLDED) return this.add(nameKey(name));
      if (fold === MANY_LETTERS) {
        const { letters, tone: charTone } = foldNameChar(code) as FoldedChar;
        for (let j = 0; j < letters.length; j++) units[length++] = letters.charCodeAt(j);
        if (charTone !== 0) tone = charTone;
        continue;
      }
      if (fold & ONE_LETTER) units[length++] = fold & 0xffff;
      const charTone = (fold >>> 16) & 0xff;
      if (charTone !== 0) tone = charTone;
    }
    let h = this.h;
    const pairs = length & ~1;
    for (let i = 0; i < pairs; i += 2) h = mix(h, (units[i] as number) | ((units[i + 1] as number) << 16));
    if (pairs < length) h = mix(h, (units[pairs] as number) | 0xffff0000);
    this.words += (length + 1) >> 1;
    this.h = mix(h, length);
    this.words += 1;
    return this;
  }

  get value(): number {
    return finish(this.h, this.words);
  }
}

const SEED_HIGH = 0x9e3779b9;
const SEED_LOW = 0x7f4a7c15;

/**
 * A 64-bit fingerprint of one text, as two unsigned 32-bit halves (two seeds): a hash table's key. The same as
 * `new Fingerprinter().reset(seed).add(text).value` for each seed, with the text copied out once and both
 * halves mixed in one pass over its words.
 */
export function fingerprint64(text: string): [high: number, low: number] {
  const into = new Uint32Array(2);
  fingerprint64Into(text, into, 0);
  return [into[0] as number, into[1] as number];
}

/** fingerprint64 written at `at` (high) and `at + 1` (low) of `into`: no pair made a row (the check's hot loop). */
export function fingerprint64Into(text: string, into: Uint32Array, at: number): void {
  if (text.length > MAX_COPIED) {
    const print = new Fingerprinter();
    into[at] = print.reset(SEED_HIGH).add(text).value;
    into[at + 1] = print.reset(SEED_LOW).add(text).value;
    return;
  }
  const bytes = scratch.write(text, 0, 'utf16le');
  scratch[bytes] = 0xff;
  scratch[bytes + 1] = 0xff;
  const words = scratchWords;
  const count = (text.length + 1) >> 1;
  let high = SEED_HIGH;
  let low = SEED_LOW;
  for (let i = 0; i < count; i++) {
    const word = words[i] as number;
    high = mix(high, word);
    low = mix(low, word);
  }
  into[at] = finish(mix(high, text.length), count + 1);
  into[at + 1] = finish(mix(low, text.length), count + 1);
}
