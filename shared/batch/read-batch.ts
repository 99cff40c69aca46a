// Opens a batch file as a stream of rows, each with its 1-based data row number. CSV (header in English
// or the form's Vietnamese labels, any order, delimiter detected) or NDJSON/JSONL, gzip of either.
// A file that cannot be read at all throws BatchFailedError; a row that cannot be read is a row with issues.
import { BatchFailedError, type RowIssue, rowIssue } from '#domain/errors.ts';
import { FIELDS, type FieldName, fieldForHeader, type RawRow, REQUIRED_FIELDS } from '#domain/fields.ts';
import { decodeBatch, type TextEncoding } from './decode.ts';
import { parseQuotedRecord, type SplitRecord, splitRecords } from './records.ts';

export type BatchFormat = 'csv' | 'ndjson';

export interface BatchRow {
  /** 1-based data row number: blank lines and the header are not rows */
  row: number;
  /** the row's values by field; absent when the row could not be read at all */
  values?: RawRow;
  /** problems found while reading; a row with any is rejected */
  issues: RowIssue[];
  /** byte offset in the UTF-8 text just past this row */
  endOffset: number;
}

export interface BatchLayout {
  format: BatchFormat;
  encoding: TextEncoding;
  compressed: boolean;
  bomBytes: number;
  delimiter?: string;
  /** the fields the file's columns hold, in column order (CSV) */
  columns: (FieldName | undefined)[];
  /** column names (CSV header cells or NDJSON keys) that are not fields, each once; grows while NDJSON is read */
  unknownColumns: string[];
}

export interface OpenBatch {
  layout: BatchLayout;
  rows: AsyncIterable<BatchRow>;
}

export interface ReadOptions {
  /** the longest record kept, in bytes; a longer one is a rejected row (default 1 MiB) */
  maxRecordBytes?: number;
}

const MAX_RECORD_BYTES = 1 << 20;
const DELIMITERS = [',', ';', '\t'] as const;

/** The format a key's name says: .csv, .ndjson or .jsonl, optionally .gz; undefined for anything else. */
export function formatOfName(name: string): BatchFormat | undefined {
  const match = /\.(csv|ndjson|jsonl)(\.gz)?$/i.exec(name);
  if (!match) return undefined;
  return match[1]?.toLowerCase() === 'csv' ? 'csv' : 'ndjson';
}

/** The delimiter a header line uses: the most frequent of , ; and tab outside quotes. */
export function detectDelimiter(headerLine: string): string {
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

function mapHeader(cells: string[]): { columns: (FieldName | undefined)[]; unknownColumns: string[] } {
  const columns: (FieldName | undefined)[] = [];
  const unknownColumns: string[] = [];
  const seen = new Set<FieldName>();
  for (const cell of cells) {
    const label = cell.trim();
    const field = fieldForHeader(label);
    if (field && seen.has(field)) throw new BatchFailedError('BATCH_DUPLICATE_COLUMN', field);
    if (field) seen.add(field);
    else if (label) unknownColumns.push(label);
    columns.push(field);
  }
  if (seen.size === 0) throw new BatchFailedError('BATCH_NO_HEADER');
  const missing = REQUIRED_FIELDS.filter((name) => !seen.has(name));
  if (missing.length > 0) throw new BatchFailedError('BATCH_MISSING_COLUMNS', missing.join(', '));
  return { columns, unknownColumns };
}

function csvRows(
  records: AsyncIterator<SplitRecord>,
  layout: BatchLayout,
  headerCells: string[],
  split: { expectedColumns?: number },
): AsyncGenerator<BatchRow> {
  const { columns, unknownColumns } = mapHeader(headerCells);
  layout.columns = columns;
  layout.unknownColumns = unknownColumns;
  split.expectedColumns = columns.length;

  async function* rows(): AsyncGenerator<BatchRow> {
    let row = 0;
    for (let next = await records.next(); !next.done; next = await records.next()) {
      const { fields, issue, endOffset } = next.value;
      row += 1;
      if (!fields) {
        yield { row, issues: [rowIssue(issue ?? 'ROW_MALFORMED_QUOTES')], endOffset };
        continue;
      }
      const surplus =
        fields.length > columns.length && fields.slice(columns.length).some((f) => f.trim() !== '');
      if (fields.length < columns.length || surplus) {
        const detail = `${fields.length}/${columns.length}`;
        yield { row, issues: [rowIssue('ROW_COLUMN_COUNT', undefined, detail)], endOffset };
        continue;
      }
      const values: RawRow = {};
      for (let i = 0; i < columns.length; i++) {
        const field = columns[i];
        if (field) values[field] = fields[i];
      }
      yield { row, values, issues: [], endOffset };
    }
  }
  return rows();
}

function ndjsonRows(records: AsyncIterator<SplitRecord>, layout: BatchLayout): AsyncGenerator<BatchRow> {
  const unknown = new Set<string>();
  return (async function* rows() {
    let row = 0;
    for (let next = await records.next(); !next.done; next = await records.next()) {
      const { fields, issue, endOffset } = next.value;
      row += 1;
      const line = fields?.[0];
      if (line === undefined) {
        yield { row, issues: [rowIssue(issue ?? 'ROW_TOO_LARGE')], endOffset };
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        yield { row, issues: [rowIssue('ROW_INVALID_JSON')], endOffset };
        continue;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        yield { row, issues: [rowIssue('ROW_NOT_OBJECT')], endOffset };
        continue;
      }
      const values: RawRow = {};
      const issues: RowIssue[] = [];
      for (const [key, value] of Object.entries(parsed)) {
        if (!Object.hasOwn(FIELDS, key)) {
          if (!unknown.has(key)) {
            unknown.add(key);
            layout.unknownColumns.push(key);
          }
          continue;
        }
        if (value === null) continue;
        if (typeof value === 'string') values[key as FieldName] = value;
        else if (typeof value === 'number' || typeof value === 'boolean')
          values[key as FieldName] = String(value);
        else issues.push(rowIssue('FIELD_TYPE_INVALID', key));
      }
      yield issues.length > 0 ? { row, issues, endOffset } : { row, values, issues, endOffset };
    }
  })();
}

/** Opens a batch: reads as far as the header (CSV) and gives back the layout and the rows to come. */
export async function openBatch(
  source: AsyncIterable<Uint8Array>,
  format: BatchFormat,
  options: ReadOptions = {},
): Promise<OpenBatch> {
  const decoded = await decodeBatch(source);
  const layout: BatchLayout = {
    format,
    encoding: decoded.encoding,
    compressed: decoded.compressed,
    bomBytes: decoded.bomBytes,
    columns: [],
    unknownColumns: [],
  };
  const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  if (format === 'ndjson') {
    const records = splitRecords(decoded.utf8, { maxRecordBytes })[Symbol.asyncIterator]();
    return { layout, rows: ndjsonRows(records, layout) };
  }
  // the delimiter comes from the header line, which the splitter needs before it can split fields
  const split: { delimiter?: string; expectedColumns?: number; maxRecordBytes: number } = { maxRecordBytes };
  const lines = splitRecords(decoded.utf8, split)[Symbol.asyncIterator]();
  let first: SplitRecord | undefined;
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    if (next.value.fields) {
      first = next.value;
      break;
    }
  }
  const headerLine = first?.fields?.[0];
  if (headerLine === undefined) throw new BatchFailedError('BATCH_NO_HEADER');
  const delimiter = detectDelimiter(headerLine);
  split.delimiter = delimiter;
  layout.delimiter = delimiter;
  const headerCells = headerLine.includes('"')
    ? (parseQuotedRecord(headerLine, delimiter) ?? [])
    : headerLine.split(delimiter);
  return { layout, rows: csvRows(lines, layout, headerCells, split) };
}
