// Turns an uploaded object's bytes into a UTF-8 byte stream: gunzips (by magic number), strips a UTF-8 BOM,
// transcodes UTF-16 LE/BE with a BOM, and refuses binary. Nothing else is guessed at: bytes that are not
// UTF-8 stay as they are and surface as U+FFFD in the rows that hold them (rejected for bad encoding).
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BatchFailedError } from '#domain/errors.ts';

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
  if (head.includes(0)) {
    throw new BatchFailedError(
      'BATCH_NOT_TEXT',
      'NUL bytes: a binary file, or UTF-16 without a byte-order mark',
    );
  }
  return { encoding: 'utf-8', compressed, bomBytes, utf8: bomBytes ? skip(bytes, bomBytes) : bytes };
}
