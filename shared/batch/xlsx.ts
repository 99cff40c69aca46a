// A streaming .xlsx (SpreadsheetML) writer: sheets of inline-string and number cells, a frozen header row and an
// autofilter, written row by row into a zip, never whole in memory. No styles part (optional in SpreadsheetML): every
// bundle that writes a workbook would carry it, for a bold header alone. The few XML parts are written here; the zip
// is the caller's (XlsxZip). ExcelJS's streaming writer was tried first: it alone bundled to 1,074 KB (archiver,
// jszip, saxes, dayjs…), twice the 500 KB a function may weigh (docs/benchmarks.md); finalize zips with fflate
// (shared/ingest/report.ts), a failed batch's one-sheet workbook is stored uncompressed (stored-zip.ts), so that the
// split and the register bundle no zip library.

/** Excel's limit: rows per sheet, the header row included. */
export const EXCEL_MAX_ROWS = 1_048_576;
/** Excel's limit: characters in a cell. */
const MAX_CELL_CHARS = 32_767;
/** Bytes of sheet XML gathered before they go into the zip: one push per few hundred rows, not one per row. */
const FLUSH_BYTES = 1 << 16;

export type XlsxCell = string | number | null | undefined;

/** A zip being written: files added one after another, each pushed in pieces until its last. */
export interface XlsxZip {
  add(name: string): { push(chunk: Uint8Array, final: boolean): void };
  end(): void;
}

// Characters XML 1.0 cannot hold (C0 controls but tab, LF and CR; U+FFFE/FFFF; lone surrogates): shown as U+FFFD.
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const XML_SPECIAL = /[&<>"]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
// Excel reads `_xHHHH_` in a string as an escaped character: a literal one has its underscore escaped
const OOXML_ESCAPE = /_(x[0-9A-Fa-f]{4}_)/g;

// any character that one of the replacements below looks at: most cells have none, and are returned as they are
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NEEDS_WORK = /[\u0000-\u001f&<>"_\ud800-\udfff\ufffe\uffff]/;

export function xmlText(value: string): string {
  const text = value.length > MAX_CELL_CHARS ? value.slice(0, MAX_CELL_CHARS) : value;
  if (!NEEDS_WORK.test(text)) return text;
  return text
    .replace(NOT_XML, '\ufffd')
    .replace(OOXML_ESCAPE, '_x005F_$1')
    .replace(XML_SPECIAL, (c) => ESCAPES[c] as string);
}

/** A, B, … Z, AA, … : the letters of a 0-based column. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** A sheet's name as Excel allows it: 31 characters at most, none of []:*?/\ . */
function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
}

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

interface SheetState {
  name: string;
  file: string;
  entry: ReturnType<XlsxZip['add']>;
  rows: number;
  columns: number;
  /** a filter on the header row, and the header frozen */
  table: boolean;
  xml: string;
}

export class XlsxWriter {
  private readonly sheets: { name: string; file: string; table?: { columns: number; rows: number } }[] = [];
  private current: SheetState | undefined;

  constructor(private readonly out: XlsxZip) {}

  /**
   * Starts a sheet (the one before is finished). `header` is its first row; a table sheet has that row frozen and a
   * filter on it.
   */
  startSheet(
    name: string,
    header: readonly XlsxCell[],
    options: { table?: boolean; widths?: number[] } = {},
  ): void {
    this.endSheet();
    const file = `xl/worksheets/sheet${this.sheets.length + 1}.xml`;
    const entry = this.out.add(file);
    const table = options.table ?? false;
    const view = table
      ? '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
      : '<sheetViews><sheetView workbookViewId="0"/></sheetViews>';
    const cols = options.widths?.length
      ? `<cols>${options.widths.map((width, i) => `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`).join('')}</cols>`
      : '';
    this.current = {
      name: sheetName(name),
      file,
      entry,
      rows: 0,
      columns: header.length,
      table,
      xml: `${XML_HEAD}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">${view}${cols}<sheetData>`,
    };
    this.addRow(header);
  }

  /** Rows written to the current sheet, its header included. */
  get rows(): number {
    return this.current?.rows ?? 0;
  }

  /** One row of the current sheet. */
  addRow(cells: readonly XlsxCell[]): void {
    const sheet = this.current;
    if (!sheet) throw new Error('no sheet started');
    if (sheet.rows >= EXCEL_MAX_ROWS) throw new Error(`sheet ${sheet.name} is full`);
    const r = sheet.rows + 1;
    let xml = `<row r="${r}">`;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      if (cell === undefined || cell === null || cell === '') continue;
      const ref = `${columnName(i)}${r}`;
      xml +=
        typeof cell === 'number'
          ? `<c r="${ref}"><v>${cell}</v></c>`
          : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(cell)}</t></is></c>`;
    }
    sheet.xml += `${xml}</row>`;
    sheet.rows = r;
    if (cells.length > sheet.columns) sheet.columns = cells.length;
    if (sheet.xml.length >= FLUSH_BYTES) this.flush(sheet);
  }

  private flush(sheet: SheetState, final = false): void {
    sheet.entry.push(Buffer.from(sheet.xml), final);
    sheet.xml = '';
  }

  private endSheet(): void {
    const sheet = this.current;
    if (!sheet) return;
    const ref = `A1:${columnName(Math.max(sheet.columns, 1) - 1)}${sheet.rows}`;
    sheet.xml += `</sheetData>${sheet.table ? `<autoFilter ref="${ref}"/>` : ''}</worksheet>`;
    this.flush(sheet, true);
    this.sheets.push({
      name: sheet.name,
      file: sheet.file,
      ...(sheet.table ? { table: { columns: sheet.columns, rows: sheet.rows } } : {}),
    });
    this.current = undefined;
  }

  /**
   * Ends the workbook: the parts that list the sheets, in `order` (indexes in the order the sheets were started;
   * default as started), and the zip's directory.
   */
  end(order?: number[]): void {
    this.endSheet();
    const shown = (order ?? this.sheets.map((_, i) => i)).map((i) => ({ ...this.sheets[i], index: i }));
    const sheets = shown
      .map(
        ({ name, index }) =>
          `<sheet name="${xmlText(name ?? '')}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`,
      )
      .join('');
    // Excel keeps a filter's range in a hidden defined name as well; without it some versions drop the filter
    const filters = shown
      .flatMap(({ name, table }, position) =>
        table
          ? [
              `<definedName name="_xlnm._FilterDatabase" localSheetId="${position}" hidden="1">'${xmlText((name ?? '').replaceAll("'", "''"))}'!$A$1:$${columnName(table.columns - 1)}$${table.rows}</definedName>`,
            ]
          : [],
      )
      .join('');
    this.part(
      'xl/workbook.xml',
      `${XML_HEAD}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><bookViews><workbookView/></bookViews><sheets>${sheets}</sheets>${filters ? `<definedNames>${filters}</definedNames>` : ''}</workbook>`,
    );
    const rels = this.sheets
      .map(
        ({ file }, i) =>
          `<Relationship Id="rId${i + 1}" Type="${NS_REL}/worksheet" Target="${file.replace('xl/', '')}"/>`,
      )
      .join('');
    this.part(
      'xl/_rels/workbook.xml.rels',
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`,
    );
    this.part(
      '_rels/.rels',
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    );
    const overrides = this.sheets
      .map(
        ({ file }) =>
          `<Override PartName="/${file}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
      )
      .join('');
    this.part(
      '[Content_Types].xml',
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides}</Types>`,
    );
    this.out.end();
  }

  private part(name: string, xml: string): void {
    this.out.add(name).push(Buffer.from(xml), true);
  }
}
