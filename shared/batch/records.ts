// Splits a UTF-8 byte stream into records (lines, or RFC 4180 CSV records whose quoted fields may span
// lines), with the byte offset where each ends so that a reader can resume mid-file with a ranged read.
// Hand-written rather than papaparse/csv-parse: those report char cursors, not byte offsets, swallow the
// rest of a file after one stray quote, and are slower than this on bench/validate (docs/benchmarks.md).
import { type BatchCode, BatchFailedError, type RowCode } from '#domain/errors.ts';

export interface SplitRecord {
  /** the fields (CSV) or the whole line (NDJSON); undefined when the record is malformed */
  fields?: string[];
  issue?: RowCode;
  /** byte offset, in the UTF-8 stream, just past this record's line end */
  endOffset: number;
  /** the file's line number (1-based) of the record's first physical line: a quoted field may span lines */
  line: number;
  /** the line number at endOffset, where the next record may start (a resumed read starts counting there) */
  nextLine: number;
}

export interface SplitOptions {
  /** csv: split fields and honour quotes; lines: each line is one record (NDJSON) */
  mode: 'csv' | 'lines';
  /** CSV: detected from the first non-blank line (the header) when not given */
  delimiter?: string;
  /** CSV: the header's cell count; a multi-line quoted record with another count is re-read as a stray quote */
  expectedColumns?: number;
  maxRecordBytes: number;
  /** the text's bytes (the stream's offset included), its lines, where a CSV header must end: past one, the batch fails */
  maxTextBytes?: number;
  maxLines?: number;
  maxHeaderBytes?: number;
  /** offset of the stream's first byte in the whole text, when reading resumes mid-file */
  startOffset?: number;
  /** the line number of the stream's first byte (1 unless reading resumes mid-file) */
  startLine?: number;
}

const DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter a header line uses: the most frequent of , ; and tab outside quotes. */
function detectDelimiter(headerLine: string): string {
  const unquoted = headerLine.replace(/"[^"]*"/g, '');
  let best: string = ',';
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = unquoted.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Parses one CSV record that contains quotes; undefined when a closing quote is followed by junk. */
function parseQuotedRecord(text: string, delimiter: string): string[] | undefined {
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      i += 1;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close === -1) return undefined;
        value += text.slice(i, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      fields.push(value);
      if (i >= n) return fields;
      if (!text.startsWith(delimiter, i)) return undefined;
      i += delimiter.length;
    } else {
      const next = text.indexOf(delimiter, i);
      if (next === -1) {
        fields.push(text.slice(i));
        return fields;
      }
      fields.push(text.slice(i, next));
      i = next + delimiter.length;
    }
  }
}

/** Pure white space, or nothing but empty fields (spreadsheets export empty rows as ",,,,"): not a row. */
function isBlank(fields: string[]): boolean {
  for (const field of fields) if (field.trim() !== '') return false;
  return true;
}

/** Yields the records a stream holds, a page (array) per chunk read: one await per chunk, not per row. */
export async function* splitRecords(
  utf8: AsyncIterable<Buffer>,
  options: SplitOptions,
): AsyncGenerator<SplitRecord[]> {
  let buf: Buffer = Buffer.alloc(0);
  let base = options.startOffset ?? 0; // text offset of buf[0]
  let pos = 0;
  let nextQuote = -1; // cached position of the next quote at or after pos, or buf.length when none
  let discarding = false; // inside a line too large to keep, until its end
  let lineAt = options.startLine ?? 1; // the line number of buf[pos]
  let discardedLine = 0; // the first line of the row being discarded
  /** Line feeds in buf[from, to): a byte loop, only for the rare records that are not one line. */
  const lineFeeds = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i++) if (buf[i] === LF) n += 1;
    return n;
  };
  // no limit (undefined) is never passed: a comparison with undefined is false
  const over = (code: BatchCode, limit: number | undefined, at: number) => {
    if (at > (limit as number)) throw new BatchFailedError(code, `> ${limit}`);
  };
  /** A CSV header (and the blank lines before it) that goes on past `maxHeaderBytes`. */
  const headerPast = (end: number) =>
    options.delimiter === undefined && options.mode === 'csv'
      ? over('BATCH_HEADER_TOO_LARGE', options.maxHeaderBytes, base + end)
      : undefined;
  const tooLarge = (endOffset: number): SplitRecord => ({
    issue: 'ROW_TOO_LARGE',
    endOffset,
    line: discardedLine,
    nextLine: lineAt,
  });

  function* drain(final: boolean): Generator<SplitRecord> {
    if (final && discarding && pos >= buf.length) {
      discarding = false; // the stream ended inside a row too large to keep
      yield tooLarge(base + buf.length);
    }
    while (pos < buf.length) {
      const csv = options.delimiter !== undefined; // until the header is read, CSV lines are whole lines
      if (discarding) {
        // the row too large to keep is reported where it ends, so that its offset is a real row boundary
        const nl = buf.indexOf(LF, pos);
        if (nl === -1) {
          pos = buf.length;
          if (final) {
            discarding = false;
            yield tooLarge(base + buf.length);
          }
          return;
        }
        pos = nl + 1;
        lineAt += 1;
        discarding = false;
        yield tooLarge(base + pos);
        continue;
      }
      const start = pos;
      let scan = pos;
      let odd = false;
      let quoted = false;
      let firstLineEnd = -1;
      let end = 0;
      let next = 0;
      for (;;) {
        const nl = buf.indexOf(LF, scan);
        const lineEnd = nl === -1 ? buf.length : nl;
        if (csv) {
          if (nextQuote < scan) {
            nextQuote = buf.indexOf(QUOTE, scan);
            if (nextQuote === -1) nextQuote = buf.length;
          }
          while (nextQuote < lineEnd) {
            quoted = true;
            odd = !odd;
            nextQuote = buf.indexOf(QUOTE, nextQuote + 1);
            if (nextQuote === -1) nextQuote = buf.length;
          }
        }
        if (firstLineEnd === -1) firstLineEnd = nl;
        if (!odd && nl !== -1) {
          end = nl;
          next = nl + 1;
          break;
        }
        if (nl === -1 && !final) {
          headerPast(buf.length);
          if (buf.length - start > options.maxRecordBytes) {
            if (firstLineEnd !== -1 && odd) {
              yield* malformedFirstLine(firstLineEnd);
              break;
            }
            discarding = true;
            discardedLine = lineAt;
            lineAt += lineFeeds(start, buf.length);
            pos = buf.length;
          }
          nextQuote = -1; // the record is scanned again from its start when more bytes come
          return;
        }
        if (nl === -1) {
          // end of the stream
          if (odd) {
            yield* malformedFirstLine(firstLineEnd === -1 ? buf.length : firstLineEnd);
            break;
          }
          end = buf.length;
          next = buf.length;
          break;
        }
        scan = nl + 1; // an open quote: the record goes on past this line end
      }
      if (pos !== start) continue; // a malformed first line was reported; resume after it
      headerPast(end);
      const line = lineAt;
      over('BATCH_TOO_MANY_ROWS', options.maxLines, line);
      // one line feed ends a one-line record (none at the end of the stream); a multi-line one holds more
      lineAt +=
        (next > end ? 1 : 0) + (firstLineEnd !== -1 && firstLineEnd < end ? lineFeeds(start, end) : 0);
      if (end - start > options.maxRecordBytes) {
        pos = next;
        yield { issue: 'ROW_TOO_LARGE', endOffset: base + next, line, nextLine: lineAt };
        continue;
      }
      const textEnd = end > start && buf[end - 1] === CR ? end - 1 : end;
      const text = buf.toString('utf8', start, textEnd);
      pos = next;
      const endOffset = base + next;
      const nextLine = lineAt;
      if (!csv) {
        if (text.trim() === '') continue;
        if (options.mode === 'lines') {
          yield { fields: [text], endOffset, line, nextLine };
          continue;
        }
        // the CSV header: it tells the delimiter and how many cells a record has
        const delimiter = detectDelimiter(text);
        const cells = text.includes('"')
          ? (parseQuotedRecord(text, delimiter) ?? [text])
          : text.split(delimiter);
        options.delimiter = delimiter;
        options.expectedColumns = cells.length;
        yield { fields: cells, endOffset, line, nextLine };
        continue;
      }
      const delimiter = options.delimiter as string;
      const fields = quoted ? parseQuotedRecord(text, delimiter) : text.split(delimiter);
      const multiLine = firstLineEnd !== -1 && firstLineEnd < end;
      if (multiLine && (!fields || (options.expectedColumns && fields.length !== options.expectedColumns))) {
        pos = start;
        lineAt = line;
        yield* malformedFirstLine(firstLineEnd);
        continue;
      }
      if (!fields) yield { issue: 'ROW_MALFORMED_QUOTES', endOffset, line, nextLine };
      else if (!isBlank(fields)) yield { fields, endOffset, line, nextLine };
    }
  }

  /** A quote that never closes: the line it opened on is one malformed row, and reading resumes after it. */
  function* malformedFirstLine(lineEnd: number): Generator<SplitRecord> {
    const resume = Math.min(lineEnd + 1, buf.length);
    const line = lineAt;
    if (lineEnd < buf.length) lineAt += 1;
    pos = resume;
    nextQuote = -1;
    yield { issue: 'ROW_MALFORMED_QUOTES', endOffset: base + resume, line, nextLine: lineAt };
  }

  for await (const chunk of utf8) {
    if (pos >= buf.length) {
      base += buf.length;
      buf = chunk;
    } else {
      base += pos;
      buf = Buffer.concat([buf.subarray(pos), chunk]);
    }
    nextQuote = -1;
    pos = 0;
    over('BATCH_TOO_LARGE', options.maxTextBytes, base + buf.length);
    const page = [...drain(false)];
    if (page.length > 0) yield page;
  }
  const last = [...drain(true)];
  if (last.length > 0) yield last;
}
