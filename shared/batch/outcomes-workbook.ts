// outcomes.xlsx: what a clerk opens in Excel. A summary sheet, then the rows to act on (rejected, conflict, probable
// duplicate, accepted with a warning) with their cells under the file's own header labels, the outcome, the codes and
// the Vietnamese message; a new sheet before Excel's row limit. Every row, acted on or not, stays in outcomes.csv.
import {
  type BatchSummary,
  type FieldLabels,
  needsAction,
  outcomeCodes,
  outcomeMessage,
  type RowOutcome,
} from './ledger.ts';
import { endWithSummary, ROWS_SHEET } from './summary-sheet.ts';
import { EXCEL_MAX_ROWS, type XlsxCell, type XlsxWriter } from './xlsx.ts';

export interface OutcomesWorkbookLayout {
  /** the file's own column names: a CSV's header cells, an NDJSON file's field names; none for a failed batch */
  columns: readonly string[];
  /** how messages name fields (fields.ts fieldLabels) */
  labels: FieldLabels;
  /** rows per sheet, the header included: Excel's limit unless a test asks for less */
  maxRows?: number;
  /** a code's Vietnamese message for the summary sheet (a parameter: the split, which writes a failed batch's
   * workbook with no codes, then bundles no message table) */
  describeCode?: (code: string) => string | undefined;
}

export class OutcomesWorkbook {
  private sheets = 0;
  private listed = 0;
  private readonly header: string[];
  private readonly maxRows: number;

  constructor(
    private readonly xlsx: XlsxWriter,
    private readonly layout: OutcomesWorkbookLayout,
  ) {
    this.maxRows = Math.min(layout.maxRows ?? EXCEL_MAX_ROWS, EXCEL_MAX_ROWS);
    this.header = [
      'Dòng / Row',
      'Dòng trong tệp / Line',
      ...layout.columns,
      'Kết quả / Outcome',
      'Mã / Codes',
      'Thông báo / Message',
    ];
  }

  /** Rows listed so far (those to act on). */
  get rows(): number {
    return this.listed;
  }

  /** A row of the ledger, in row order: listed when a clerk has something to do about it. */
  add(outcome: RowOutcome): void {
    if (!needsAction(outcome)) return;
    if (this.sheets === 0 || this.xlsx.rows >= this.maxRows) {
      this.sheets += 1;
      const name = this.sheets === 1 ? ROWS_SHEET : `${ROWS_SHEET} (${this.sheets})`;
      this.xlsx.startSheet(name, this.header, { table: true });
    }
    const width = this.layout.columns.length;
    const cells: XlsxCell[] = new Array(width);
    const given = outcome.cells ?? [];
    // cells past the header's width (a row with too many columns) are kept after it: nothing is hidden
    for (let i = 0; i < Math.max(width, given.length); i++) cells[i] = given[i];
    const line = outcome.line === undefined || Number.isNaN(outcome.line) ? undefined : outcome.line;
    this.xlsx.addRow([
      outcome.row,
      line,
      ...cells.slice(0, width),
      outcome.outcome,
      outcomeCodes(outcome),
      outcomeMessage(outcome, this.layout.labels, 'vi'),
      ...cells.slice(width),
    ]);
    this.listed += 1;
  }

  /** The summary sheet (written last, shown first) and the workbook's end. */
  end(summary: BatchSummary, writtenAt: string): void {
    endWithSummary(this.xlsx, summary, writtenAt, {
      sheets: this.sheets,
      listed: this.listed,
      describeCode: this.layout.describeCode,
    });
  }
}
