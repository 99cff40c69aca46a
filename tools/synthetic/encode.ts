// Writes synthetic rows as batch-file text: CSV (RFC 4180 quoting, `,` `;` or tab, English or Vietnamese
// header) or NDJSON, as UTF-8 bytes, and the ground truth as CSV. Streaming is write.ts's job.
import type { BatchFormat } from '#batch/read-batch.ts';
import { FIELD_NAMES, FIELDS, type FieldName, type RawRow } from '#domain/fields.ts';
import type { RowTruth } from './generator.ts';
import { Rng } from './rng.ts';

export type Delimiter = ',' | ';' | '\t';

export interface EncodeOptions {
  /** default csv */
  format?: BatchFormat;
  /** CSV only; default ',' */
  delimiter?: Delimiter;
  /** CSV header: English field names (default) or the form's Vietnamese labels */
  header?: 'en' | 'vi';
  /** default '\n' */
  lineEnding?: '\n' | '\r\n';
  /** start with a UTF-8 byte-order mark, as Excel writes */
  bom?: boolean;
  /** CSV columns in a seeded random order instead of `columns` (by default FIELD_NAMES, docs/validation.md) */
  shuffleColumns?: boolean;
  /** share of rows followed by a blank line (not a row: the reader skips it); default 0 */
  blankLineRate?: number;
  /**
   * CSV: only these columns, in this order (default: every field). For benchmarks: the ground truth still
   * describes the whole form, so it does not hold for a file that leaves columns out.
   */
  columns?: readonly FieldName[];
}

const QUOTE = 34;

const QUOTE_NEEDED: Record<Delimiter, RegExp> = {
  ',': /[",\r\n]/,
  ';': /[";\r\n]/,
  '\t': /["\t\r\n]/,
};

/**
 * A growing byte buffer that rows are encoded into as UTF-8, cell by cell: no line or chunk strings are built
 * (flattening such strings, then encoding them, took most of the time on Node 20).
 */
export class ByteBuffer {
  /** the bytes; valid up to `length` */
  buf: Buffer;
  /** bytes written */
  length = 0;

  constructor(private readonly capacity = 1 << 21) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Makes room for `more` bytes after `length`. */
  reserve(more: number): void {
    if (this.length + more <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + more));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  /** Appends `text` as UTF-8. */
  write(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.buf.write(text, this.length);
  }

  /** The bytes written so far, handed over (the buffer starts afresh, so the caller may keep them). */
  take(): Buffer {
    const bytes = this.buf.subarray(0, this.length);
    this.buf = Buffer.allocUnsafe(this.capacity);
    this.length = 0;
    return bytes;
  }
}

/**
 * A row's cells in FIELD_NAMES order, read by name: monomorphic loads, several times faster than `values[name]`
 * over 29 names on the hot path. (test/synthetic checks it against FIELD_NAMES.)
 */
export function cellsInFieldOrder(v: RawRow): (string | undefined)[] {
  return [
    v.form_id,
    v.full_name,
    v.other_name,
    v.date_of_birth,
    v.sex,
    v.personal_id,
    v.old_id_number,
    v.birth_registration_place,
    v.hometown,
    v.ethnicity,
    v.religion,
    v.nationality,
    v.blood_group,
    v.marital_status,
    v.permanent_address,
    v.permanent_commune_code,
    v.current_address,
    v.current_commune_code,
    v.household_head_name,
    v.household_head_id,
    v.relationship_to_head,
    v.father_name,
    v.father_id,
    v.mother_name,
    v.mother_id,
    v.spouse_name,
    v.spouse_id,
    v.phone,
    v.email,
  ];
}

const LF = 10;
const CR = 13;

/**
 * Writes a CSV cell as UTF-8 at `start` (room for 6 bytes per UTF-16 unit assumed), quoted (RFC 4180: in double
 * quotes, quotes doubled) when it holds the delimiter, a quote, CR or LF: written plain, then again quoted if
 * one of those turns up in the bytes (UTF-8 multi-byte sequences never hold ASCII bytes). Gives the end.
 */
function csvCellInto(text: string, delimiter: number, buf: Buffer, start: number): number {
  const plain = start + buf.write(text, start);
  let special = false;
  for (let i = start; i < plain; i++) {
    const b = buf[i] as number;
    if (b === QUOTE || b === delimiter || b === LF || b === CR) {
      special = true;
      break;
    }
  }
  if (!special) return plain;
  buf[start] = QUOTE;
  const quoted = text.replaceAll('"', '""');
  const end = start + 1 + buf.write(quoted, start + 1);
  buf[end] = QUOTE;
  return end + 1;
}

/** Turns rows into lines of one batch file; deterministic for a seed. */
export class BatchEncoder {
  readonly format: BatchFormat;
  private readonly delimiter: Delimiter;
  private readonly delimiterCode: number;
  private readonly eol: string;
  private readonly columns: FieldName[];
  /** for each column, its field's index in FIELD_NAMES */
  private readonly order: number[];
  private readonly quoteNeeded: RegExp;
  private readonly blankLineRate: number;
  private readonly rng: Rng;
  private readonly blankLine: string;

  constructor(
    private readonly options: EncodeOptions,
    seed: number | string = 1,
  ) {
    this.format = options.format ?? 'csv';
    this.delimiter = options.delimiter ?? ',';
    this.delimiterCode = this.delimiter.charCodeAt(0);
    this.eol = options.lineEnding ?? '\n';
    this.quoteNeeded = QUOTE_NEEDED[this.delimiter];
    this.blankLineRate = options.blankLineRate ?? 0;
    this.rng = new Rng(seed, 'encode');
    this.columns = [...(options.columns ?? FIELD_NAMES)];
    if (options.shuffleColumns) {
      for (let i = this.columns.length - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        [this.columns[i], this.columns[j]] = [this.columns[j] as FieldName, this.columns[i] as FieldName];
      }
    }
    this.order = this.columns.map((name) => FIELD_NAMES.indexOf(name));
    // spreadsheets save an empty row as delimiters only; the reader skips both kinds
    this.blankLine = this.format === 'csv' ? this.delimiter.repeat(this.columns.length - 1) : '';
  }

  private cell(value: string): string {
    return this.quoteNeeded.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  }

  /** The text before the first row: the byte-order mark and, for CSV, the header line. */
  start(): string {
    const bom = this.options.bom ? '\ufeff' : '';
    if (this.format === 'ndjson') return bom;
    const labels = this.columns.map((name) =>
      this.cell(this.options.header === 'vi' ? (FIELDS[name].labelsVi[0] as string) : name),
    );
    return `${bom}${labels.join(this.delimiter)}${this.eol}`;
  }

  /** Appends one row's line, with its line ending (and now and then a blank line after it), as UTF-8. */
  encodeInto(values: RawRow, out: ByteBuffer): void {
    if (this.format === 'ndjson') {
      out.write(this.ndjson(values));
      out.write(this.eol);
    } else {
      const cells = cellsInFieldOrder(values);
      const order = this.order;
      let chars = 0;
      for (let i = 0; i < cells.length; i++) chars += cells[i]?.length ?? 0;
      // 3 bytes per UTF-16 unit, twice over when every character is a quote; delimiters; line end
      out.reserve(chars * 6 + 2 * order.length + 4);
      const buf = out.buf;
      const delimiter = this.delimiterCode;
      let pos = out.length;
      for (let i = 0; i < order.length; i++) {
        if (i > 0) buf[pos++] = delimiter;
        const value = cells[order[i] as number];
        if (value) pos = csvCellInto(value, delimiter, buf, pos);
      }
      if (this.eol === '\r\n') buf[pos++] = CR;
      buf[pos++] = LF;
      out.length = pos;
    }
    if (this.blankLineRate > 0 && this.rng.chance(this.blankLineRate)) {
      out.write((this.rng.chance(0.5) ? this.blankLine : '') + this.eol);
    }
  }

  private ndjson(values: RawRow): string {
    const object: Record<string, string> = {};
    for (const name of FIELD_NAMES) {
      const value = values[name];
      if (value !== undefined) object[name] = value;
    }
    return JSON.stringify(object);
  }

  /** One row's line as text, with its line ending (and now and then a blank line after it). */
  line(values: RawRow): string {
    const out = new ByteBuffer(1 << 12);
    this.encodeInto(values, out);
    return out.take().toString('utf8');
  }
}

export const TRUTH_CSV_HEADER = 'row,outcome,codes,identity';

/** A ground-truth line: row, expected outcome, expected codes (`;`-joined), the identity its person key seals. */
export function truthCsvLine(truth: RowTruth): string {
  return `${truth.row},${truth.outcome},${truth.codes.join(';')},${truth.identity ?? ''}`;
}
