// Turns an uploaded object's bytes into a UTF-8 byte stream: gunzips (by magic number), strips a UTF-8 BOM,
// transcodes UTF-16 LE/BE with a BOM, and refuses binary, BOM-less UTF-16 and a file whose header or most lines
// are in a legacy 8-bit encoding (named, not converted). Nothing else is guessed at: other bytes that are not UTF-8
// stay as they are and surface as U+FFFD in the rows that hold them (rejected for bad
// encoding), and a stray NUL or control byte reaches its row (rejected as a control character).
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BatchFailedError } from '#domain/errors.ts';
import { LEGACY_ENCODING_NAMES, legacyEncodingOf } from '#domain/legacy-fonts.ts';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DecodedBatch {
  encoding: TextEncoding;
  compressed: boolean;
  /** bytes of byte-order mark skipped at the start of the (decompressed) text */
  bomBytes: number;
  utf8: AsyncIterable<Buffer>;
}

const SNIFF_BYTES = 8192;

/** Reads at least `want` bytes from the front of a stream (fewer at its end) and gives back the whole stream. */
async function peek(
  source: AsyncIterable<Uint8Array>,
  want: number,
): Promise<[Buffer, AsyncIterable<Buffer>]> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < want) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    head.push(chunk);
    size += chunk.length;
  }
  const first = Buffer.concat(head);
  async function* whole(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    }
  }
  return [first, whole()];
}

async function* gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const stream = Readable.from(source).pipe(createGunzip());
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw new BatchFailedError('BATCH_GZIP_CORRUPT', (error as Error).message);
  }
}

async function* transcodeUtf16(
  source: AsyncIterable<Buffer>,
  encoding: 'utf-16le' | 'utf-16be',
): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(encoding, { ignoreBOM: false });
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.decode();
  if (rest) yield Buffer.from(rest, 'utf8');
}

async function* skip(source: AsyncIterable<Buffer>, bytes: number): AsyncGenerator<Buffer> {
  let left = bytes;
  for await (const chunk of source) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
}

/** What the bytes of a file's start say it is, when it has no byte-order mark. */
type Sniffed =
  | { kind: 'text' }
  | { kind: 'binary'; detail: string }
  | { kind: 'utf-16'; encoding: 'utf-16le' | 'utf-16be' };

// Formats people save or rename as .csv by mistake, by their first bytes: a workbook is a zip (.xlsx) or an
// OLE file (.xls); scans and photos.
const MAGIC: [bytes: number[], name: string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a zip file or an Excel workbook (.xlsx)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel workbook (.xls) or Word document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
];

/**
 * Tells text from binary and BOM-less UTF-16 by the first 8 KiB alone, by byte patterns, so that one stray
 * NUL in a text row is that row's problem (CONTROL_CHARACTER), not the file's. UTF-16 puts a zero byte in
 * nearly every other position (the high byte of ASCII letters, digits and punctuation), at odd offsets for
 * little-endian and even ones for big-endian; a binary file has NULs and other control bytes scattered
 * through it; a text file has a few at most.
 */
export function sniffText(head: Uint8Array): Sniffed {
  for (const [magic, name] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) {
      return { kind: 'binary', detail: name };
    }
  }
  const bytes = Math.min(head.length, SNIFF_BYTES);
  let evenNuls = 0;
  let oddNuls = 0;
  let controls = 0; // NULs and the other C0 controls text never holds (tab, LF, CR, FF and ESC aside)
  for (let i = 0; i < bytes; i++) {
    const byte = head[i] as number;
    if (byte === 0) {
      if (i % 2 === 0) evenNuls += 1;
      else oddNuls += 1;
    }
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) {
      controls += 1;
    }
  }
  const pairs = bytes / 2;
  // at least a quarter of one parity's bytes zero, and nearly all the zeros there
  if (oddNuls > 0 && oddNuls >= pairs / 4 && evenNuls <= oddNuls / 16)
    return { kind: 'utf-16', encoding: 'utf-16le' };
  if (evenNuls > 0 && evenNuls >= pairs / 4 && oddNuls <= evenNuls / 16)
    return { kind: 'utf-16', encoding: 'utf-16be' };
  // one control byte in a hundred, and more than a stray few: no CSV or JSON text looks like this
  if (controls > 4 && controls * 100 > bytes) {
    return {
      kind: 'binary',
      detail: `${controls} control bytes (${evenNuls + oddNuls} NUL) in the first ${bytes}`,
    };
  }
  return { kind: 'text' };
}

/**
 * The legacy 8-bit encoding (VNI, TCVN3, Windows-1258) of a file whose header line, or most of whose lines, in the
 * first 8 KiB are not UTF-8, named for BATCH_LEGACY_ENCODING; undefined for a UTF-8 file, whose few bad rows are
 * their own problem (INVALID_ENCODING). `whole`: the head is the whole file, its last line complete.
 */
export function sniffLegacyEncoding(head: Uint8Array, whole: boolean): string | undefined {
  let end = whole ? head.length : head.lastIndexOf(0x0a) + 1;
  if (end === 0) end = head.length; // one long line: judge what there is
  const text = head.subarray(0, end);
  let good = 0;
  let bad = 0;
  let header: boolean | undefined;
  for (let start = 0; start < text.length; ) {
    const next = text.indexOf(0x0a, start);
    const stop = next < 0 ? text.length : next;
    const line = text.subarray(start, stop);
    start = stop + 1;
    if (line.every((byte) => byte <= 0x20)) continue;
    // a line cut mid-character at the head's end is not bad
    const ok = isUtf8(line) || (stop === head.length && !whole);
    header ??= ok;
    if (ok) good += 1;
    else bad += 1;
  }
  if (header !== false && bad <= good) return undefined;
  const encoding = legacyEncodingOf(text);
  return encoding ? LEGACY_ENCODING_NAMES[encoding] : 'VNI, TCVN3 or Windows-1258';
}

export async function decodeBatch(source: AsyncIterable<Uint8Array>): Promise<DecodedBatch> {
  let [head, bytes] = await peek(source, SNIFF_BYTES);
  const compressed = head[0] === 0x1f && head[1] === 0x8b;
  if (compressed) [head, bytes] = await peek(gunzip(bytes), SNIFF_BYTES);

  if (head[0] === 0xff && head[1] === 0xfe) {
    // the decoder drops the BOM itself
    return { encoding: 'utf-16le', compressed, bomBytes: 2, utf8: transcodeUtf16(bytes, 'utf-16le') };
  }
  if (head[0] === 0xfe && head[1] === 0xff) {
    return { encoding: 'utf-16be', compressed, bomBytes: 2, utf8: transcodeUtf16(bytes, 'utf-16be') };
  }
  const bomBytes = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const sniffed = sniffText(head);
  if (sniffed.kind === 'binary') throw new BatchFailedError('BATCH_NOT_TEXT', sniffed.detail);
  if (sniffed.kind === 'utf-16') {
    throw new BatchFailedError(
      'BATCH_UTF16_WITHOUT_BOM',
      sniffed.encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE',
    );
  }
  const legacy = sniffLegacyEncoding(head.subarray(bomBytes, SNIFF_BYTES), head.length < SNIFF_BYTES);
  if (legacy) throw new BatchFailedError('BATCH_LEGACY_ENCODING', legacy);
  return { encoding: 'utf-8', compressed, bomBytes, utf8: bomBytes ? skip(bytes, bomBytes) : bytes };
}
