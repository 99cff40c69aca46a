// Opens a batch file as a stream of rows, each with its 1-based data row number. CSV (header in English
// or the form's Vietnamese labels, any order, delimiter detected) or NDJSON/JSONL, gzip of either.
// A file that cannot be read at all throws BatchFailedError; a row that cannot be read is a row with issues.
import { BatchFailedError, type RowIssue, rowIssue } from '#domain/errors.ts';
import {
  FIELD_INDEX,
  FIELD_NAMES,
  type FieldName,
  fieldForHeader,
  type RawRow,
  REQUIRED_FIELDS,
  rawRowOf,
} from '#domain/fields.ts';
import { LEGACY_ENCODING_NAMES, legacyFontOf } from '#domain/legacy-fonts.ts';
import { looseKey } from '#domain/normalize.ts';
import { CORRECTION_COLUMNS, type CorrectionColumn, isCorrectionHeader } from '../corrections/correction.ts';
import { decodeBatch, type TextEncoding } from './decode.ts';
import { type SplitOptions, type SplitRecord, splitRecords } from './records.ts';

export type BatchFormat = 'csv' | 'ndjson';
/** What a file holds: population forms (DC01), or correction forms (DC02, issue 19), told apart by their columns. */
export type BatchKind = 'records' | 'corrections';

export interface BatchRow {
  /** 1-based data row number: blank lines and the header are not rows */
  row: number;
  /** the row's values by field; absent when the row could not be read at all */
  values?: RawRow;
  /** problems found while reading; a row with any is rejected */
  issues: RowIssue[];
  /** byte offset in the UTF-8 text just past this row */
  endOffset: number;
  /** the file's line number of the row's first physical line (header = line 1; a quoted field may span lines) */
  line: number;
  /** the line number at endOffset: where a resumed read starts counting */
  endLine: number;
  /** the cells as the file holds them: a CSV record's fields in column order, an NDJSON object's in FIELD_NAMES order */
  cells?: readonly (string | undefined)[];
  /** every value is already normal text: validation skips looking at each */
  clean?: boolean;
}

interface BatchLayout {
  format: BatchFormat;
  kind: BatchKind;
  encoding: TextEncoding;
  compressed: boolean;
  bomBytes: number;
  delimiter?: string;
  /** the fields the file's columns hold, in column order (CSV) */
  columns: (FieldName | undefined)[];
  /** column names (CSV header cells or NDJSON keys) that are not fields, each once; grows while NDJSON is read */
  unknownColumns: string[];
  /** CSV: the header as read, to resume a read mid-file */
  headerCells?: string[];
  /** a correction file's: the column each of a row's cells is (CORRECTION_COLUMNS' order for NDJSON) */
  correctionColumns?: readonly (CorrectionColumn | undefined)[];
}

export interface OpenBatch {
  layout: BatchLayout;
  /** the rows in order, a page (array) at a time: the file is read a chunk at a time, never whole */
  pages: AsyncIterable<BatchRow[]>;
}

/**
 * The bounds of what a file may hold (issue 24; reasoning and the stage settings in docs/operations.md): past any,
 * the batch fails with a code, early, rather than after minutes of reading. A nested NDJSON value rejects its row.
 */
export interface ReadLimits {
  /** bytes of text after gunzip and transcoding: BATCH_TOO_LARGE */
  maxTextBytes: number;
  /** lines, blank ones included, so a flood of empty lines fails as fast as one of rows: BATCH_TOO_MANY_ROWS */
  maxLines: number;
  /** a CSV header's cells: BATCH_HEADER_TOO_LARGE */
  maxHeaderCells: number;
  /** where a CSV header must end, blank lines before it included: BATCH_HEADER_TOO_LARGE */
  maxHeaderBytes: number;
  /** brackets an NDJSON line may nest: ROW_NESTING_TOO_DEEP */
  maxNestingDepth: number;
}

// a 3 M-row province file is ~1.2 GB at ~400 B a row; its header ~30 cells of ~40 B
export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxTextBytes: 4 * 2 ** 30,
  maxLines: 5_000_000,
  maxHeaderCells: 1_000,
  maxHeaderBytes: 1 << 16,
  maxNestingDepth: 32,
};

/** The split's variable of a bound a stage sets: `maxLines` → `SPLIT_MAX_LINES`. */
export const readLimitVariable = (name: keyof ReadLimits) =>
  `SPLIT_${name.replace(/[A-Z]/g, '_$&').toUpperCase()}`;

export interface ReadOptions extends Partial<ReadLimits> {
  /** the longest record kept, in bytes; a longer one is a rejected row (default 1 MiB) */
  maxRecordBytes?: number;
  /**
   * Go on mid-file: the source is plain UTF-8 starting just past data row `row`, at `offset` in the text
   * (a ranged read); a CSV's header cells and delimiter come from the first read.
   */
  resumeAt?: ResumePoint;
}

interface ResumePoint {
  /** a correction file's (an NDJSON file's kind is told by its first row, which a resumed read does not see) */
  kind?: BatchKind;
  row: number;
  offset: number;
  /** the line number at offset (absent in a checkpoint written before lines were counted) */
  line?: number;
  headerCells?: string[];
  delimiter?: string;
}

const MAX_RECORD_BYTES = 1 << 20;

// Anything that makes a value not normal text (isNormalText): a character outside the ranges that are NFC
// whatever follows them, a run of spaces, or a space at an edge. A native test per value is cheaper than
// the scan in JavaScript it spares validation, and most values pass.
const NOT_NORMAL = /[^\x20-\x7e\u00a1-\u02ff\u1e00-\u1eff]| {2}|^ | $/;
const allNormal = (values: readonly string[]) => values.every((value) => !NOT_NORMAL.test(value));
/** The format a key's name says: .csv, .ndjson or .jsonl, optionally .gz; undefined for anything else. */
export function formatOfName(name: string): BatchFormat | undefined {
  const match = /\.(csv|ndjson|jsonl)(\.gz)?$/i.exec(name);
  if (!match) return undefined;
  return match[1]?.toLowerCase() === 'csv' ? 'csv' : 'ndjson';
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
  const missing = REQUIRED_FIELDS.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    // a header typed in a legacy font ("Hoï vaø teân") says so rather than that it names no known column
    const font = unknownColumns.map(legacyFontOf).find(Boolean);
    if (font)
      throw new BatchFailedError(
        'BATCH_LEGACY_ENCODING',
        `${LEGACY_ENCODING_NAMES[font]}, font glyphs in UTF-8`,
      );
    if (seen.size === 0) throw new BatchFailedError('BATCH_NO_HEADER');
    throw new BatchFailedError('BATCH_MISSING_COLUMNS', missing.join(', '));
  }
  return { columns, unknownColumns };
}

/** Data rows of a CSV file whose header has been read. */
async function* csvPages(
  records: AsyncIterator<SplitRecord[]>,
  first: SplitRecord[],
  columns: (FieldName | undefined)[],
  firstRow = 0,
): AsyncGenerator<BatchRow[]> {
  let row = firstRow;
  const width = columns.length;
  const slots = columns.map((field) => (field ? (FIELD_INDEX.get(field) ?? -1) : -1));
  const toRow = ({ fields, issue, endOffset, line, nextLine: endLine }: SplitRecord): BatchRow => {
    row += 1;
    if (!fields)
      return { row, issues: [rowIssue(issue ?? 'ROW_MALFORMED_QUOTES')], endOffset, line, endLine };
    if (
      fields.length < width ||
      (fields.length > width && fields.slice(width).some((f) => f.trim() !== ''))
    ) {
      return {
        row,
        issues: [rowIssue('ROW_COLUMN_COUNT', undefined, `${fields.length}/${width}`)],
        endOffset,
        line,
        endLine,
        cells: fields,
      };
    }
    const cells: (string | undefined)[] = new Array(FIELD_NAMES.length);
    for (let i = 0; i < width; i++) {
      const slot = slots[i] as number;
      if (slot >= 0) cells[slot] = fields[i];
    }
    const values = rawRowOf(cells);
    return { row, values, issues: [], endOffset, line, endLine, cells: fields, clean: allNormal(fields) };
  };
  if (first.length > 0) yield first.map(toRow);
  for (let next = await records.next(); !next.done; next = await records.next()) yield next.value.map(toRow);
}

/** A correction column's index in CORRECTION_COLUMNS, by its name as a header or a key may write it. */
const CORRECTION_INDEX = new Map(CORRECTION_COLUMNS.map((column, i) => [looseKey(column), i]));
/** The columns a correction file must have, beside one naming the person (`personal_id` or `person_key`). */
const CORRECTION_REQUIRED: readonly CorrectionColumn[] = [
  'field',
  'old_value',
  'new_value',
  'reason',
  'evidence_ref',
];

/**
 * A correction CSV file's rows, its header read: each row's cells as the file holds them, and the layout says which
 * column each is (by its English name, any case).
 */
function correctionCsv(
  records: AsyncIterator<SplitRecord[]>,
  first: SplitRecord[],
  cells: string[],
  delimiter: string | undefined,
  layout: BatchLayout,
  firstRow?: number,
): OpenBatch {
  const columns: (CorrectionColumn | undefined)[] = [];
  const unknownColumns: string[] = [];
  const seen = new Set<CorrectionColumn>();
  for (const cell of cells) {
    const column = CORRECTION_COLUMNS[CORRECTION_INDEX.get(looseKey(cell)) ?? -1];
    if (column && seen.has(column)) throw new BatchFailedError('BATCH_DUPLICATE_COLUMN', column);
    if (column) seen.add(column);
    else if (cell.trim()) unknownColumns.push(cell.trim());
    columns.push(column);
  }
  const missing: string[] = CORRECTION_REQUIRED.filter((column) => !seen.has(column));
  if (!seen.has('personal_id') && !seen.has('person_key')) missing.unshift('personal_id | person_key');
  if (missing.length > 0) throw new BatchFailedError('BATCH_MISSING_COLUMNS', missing.join(', '));
  Object.assign(layout, {
    kind: 'corrections',
    correctionColumns: columns,
    unknownColumns,
    delimiter,
    headerCells: cells,
  });
  // no DC01 field: each row's values are empty, its cells what the check reads
  return {
    layout,
    pages: csvPages(
      records,
      first,
      columns.map(() => undefined),
      firstRow,
    ),
  };
}

/** Whether an NDJSON line is a correction form: an object naming `field`, `old_value` and `new_value`. */
function isCorrectionLine(text: string | undefined): boolean {
  if (text === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      isCorrectionHeader(Object.keys(parsed))
    );
  } catch {
    return false;
  }
}

/** Whether a JSON text nests brackets deeper than `max`: a loop, where JSON.stringify's recursion overflows the stack. */
function nestsDeeper(text: string, max: number): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 92)
        i += 1; // a backslash escapes the next character
      else if (c === 34) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth -= 1;
  }
  return false;
}

/** Rows of an NDJSON file: one JSON object per non-blank line. */
async function* ndjsonPages(
  records: AsyncIterator<SplitRecord[]>,
  layout: BatchLayout,
  firstRow = 0,
  maxNestingDepth = DEFAULT_READ_LIMITS.maxNestingDepth,
): AsyncGenerator<BatchRow[]> {
  const unknown = new Set<string>();
  let row = firstRow;
  const noteUnknown = (key: string) => {
    if (!unknown.has(key) && unknown.size < 50) {
      unknown.add(key);
      // a key may be as long as its line: a checkpoint and a summary keep the start of it
      layout.unknownColumns.push(key.slice(0, 200));
    }
  };
  /** A correction line's cells in CORRECTION_COLUMNS' order: text, a number or true/false as written. */
  const correctionOfObject = (
    parsed: object,
    row: number,
    at: Omit<BatchRow, 'row' | 'issues'>,
  ): BatchRow => {
    const cells: (string | undefined)[] = [];
    for (const [key, value] of Object.entries(parsed)) {
      const column = CORRECTION_INDEX.get(looseKey(key));
      if (column === undefined) noteUnknown(key);
      else if (typeof value === 'string') cells[column] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') cells[column] = String(value);
      else if (value !== null) return { row, issues: [rowIssue('FIELD_TYPE_INVALID', key)], ...at };
    }
    return { row, issues: [], ...at, cells };
  };
  const toRow = ({ fields, issue, endOffset, line, nextLine: endLine }: SplitRecord): BatchRow => {
    row += 1;
    const text = fields?.[0];
    const at = { endOffset, line, endLine };
    if (text === undefined) return { row, issues: [rowIssue(issue ?? 'ROW_TOO_LARGE')], ...at };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { row, issues: [rowIssue('ROW_INVALID_JSON')], ...at };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { row, issues: [rowIssue('ROW_NOT_OBJECT')], ...at };
    }
    if (layout.kind === 'corrections') return correctionOfObject(parsed, row, at);
    const cells: (string | undefined)[] = new Array(FIELD_NAMES.length);
    const issues: RowIssue[] = [];
    for (const [key, value] of Object.entries(parsed)) {
      const slot = FIELD_INDEX.get(key);
      if (slot === undefined) {
        noteUnknown(key);
        continue;
      }
      if (value === null) continue;
      if (typeof value === 'string') cells[slot] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') cells[slot] = String(value);
      else if (nestsDeeper(text, maxNestingDepth))
        return { row, issues: [rowIssue('ROW_NESTING_TOO_DEEP', key, `> ${maxNestingDepth}`)], ...at };
      else {
        cells[slot] = JSON.stringify(value);
        issues.push(rowIssue('FIELD_TYPE_INVALID', key));
      }
    }
    const values = rawRowOf(cells);
    return issues.length > 0 ? { row, issues, ...at, cells } : { row, values, issues, ...at, cells };
  };
  for (let next = await records.next(); !next.done; next = await records.next()) yield next.value.map(toRow);
}

/**
 * An NDJSON file's rows, its kind told by its first line that reads as an object (a resumed read is told it): the
 * first page is read ahead for it.
 */
async function ndjsonBatch(
  records: AsyncIterator<SplitRecord[]>,
  layout: BatchLayout,
  resume: ResumePoint | undefined,
  maxNestingDepth: number,
): Promise<AsyncIterable<BatchRow[]>> {
  if (resume?.kind === 'corrections')
    Object.assign(layout, { kind: 'corrections', correctionColumns: CORRECTION_COLUMNS });
  if (resume) return ndjsonPages(records, layout, resume.row, maxNestingDepth);
  const first = await records.next();
  const page = first.done ? [] : first.value;
  const told = page.find((record) => record.fields?.[0] !== undefined && record.fields[0].trim() !== '');
  if (told && isCorrectionLine(told.fields?.[0]))
    Object.assign(layout, { kind: 'corrections', correctionColumns: CORRECTION_COLUMNS });
  let ahead: SplitRecord[] | undefined = first.done ? undefined : page;
  const withFirst: AsyncIterator<SplitRecord[]> = {
    next: async () => {
      if (!ahead) return records.next();
      const value = ahead;
      ahead = undefined;
      return { done: false, value };
    },
  };
  return ndjsonPages(withFirst, layout, 0, maxNestingDepth);
}

/** Opens a batch: reads as far as the header (CSV) and gives back the layout and the rows to come. */
export async function openBatch(
  source: AsyncIterable<Uint8Array>,
  format: BatchFormat,
  options: ReadOptions = {},
): Promise<OpenBatch> {
  const resume = options.resumeAt;
  const decoded = resume
    ? { encoding: 'utf-8' as const, compressed: false, bomBytes: 0, utf8: source as AsyncIterable<Buffer> }
    : await decodeBatch(source);
  const layout: BatchLayout = {
    format,
    encoding: decoded.encoding,
    compressed: decoded.compressed,
    bomBytes: decoded.bomBytes,
    kind: 'records',
    columns: [],
    unknownColumns: [],
  };
  const limits = { ...DEFAULT_READ_LIMITS, ...options };
  const split: SplitOptions = {
    ...limits,
    mode: format === 'csv' ? 'csv' : 'lines',
    maxRecordBytes: options.maxRecordBytes ?? MAX_RECORD_BYTES,
    startOffset: resume?.offset ?? 0,
    // a checkpoint from before lines were counted has none: NaN stays NaN, and a report shows no line rather than a wrong one
    startLine: resume ? (resume.line ?? Number.NaN) : 1,
  };
  if (resume?.delimiter !== undefined && resume.headerCells) {
    split.delimiter = resume.delimiter;
    split.expectedColumns = resume.headerCells.length;
  }
  const records = splitRecords(decoded.utf8, split)[Symbol.asyncIterator]();
  if (format === 'ndjson')
    return { layout, pages: await ndjsonBatch(records, layout, resume, limits.maxNestingDepth) };
  if (resume?.headerCells && resume.delimiter !== undefined && isCorrectionHeader(resume.headerCells)) {
    return correctionCsv(records, [], resume.headerCells, resume.delimiter, layout, resume.row);
  }
  if (resume?.headerCells && resume.delimiter !== undefined) {
    const { columns, unknownColumns } = mapHeader(resume.headerCells);
    Object.assign(layout, {
      columns,
      unknownColumns,
      delimiter: resume.delimiter,
      headerCells: resume.headerCells,
    });
    return { layout, pages: csvPages(records, [], columns, resume.row) };
  }

  // the header is the first readable record; the splitter has taken the delimiter from it
  for (let next = await records.next(); !next.done; next = await records.next()) {
    const page = next.value;
    const at = page.findIndex((record) => record.fields);
    const header = page[at]?.fields;
    if (!header) continue;
    if (header.length > limits.maxHeaderCells)
      throw new BatchFailedError('BATCH_HEADER_TOO_LARGE', `${header.length} > ${limits.maxHeaderCells}`);
    if (isCorrectionHeader(header))
      return correctionCsv(records, page.slice(at + 1), header, split.delimiter, layout);
    const { columns, unknownColumns } = mapHeader(header);
    Object.assign(layout, { columns, unknownColumns, delimiter: split.delimiter, headerCells: header });
    return { layout, pages: csvPages(records, page.slice(at + 1), columns) };
  }
  throw new BatchFailedError('BATCH_NO_HEADER');
}
