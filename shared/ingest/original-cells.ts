// The cells of accepted rows that outcomes.xlsx lists (conflicts, probable duplicates), read again from the upload
// itself: chunk files hold a row's normalised values, not what the agency wrote, and carrying the written cells in
// every chunk line would cost the split for the few rows that need them. The upload is read (in row order, as
// finalize merges) only when such a row comes, and never past the last one.
import { type BatchRow, formatOfName, openBatch } from '#batch/read-batch.ts';
import { objectKeys } from '../keys.ts';
import type { Batch } from '../model/batch.ts';
import type { Files } from '../model/ports.ts';

export class OriginalCells {
  private pages: AsyncIterator<BatchRow[]> | undefined;
  private page: BatchRow[] = [];
  private at = 0;
  /** the upload could not be read (gone, or unreadable now): rows are listed without their cells */
  private lost = false;

  constructor(
    private readonly files: Pick<Files, 'open'>,
    private readonly batch: Pick<Batch, 'objectKey' | 'versionId'>,
  ) {}

  /** The cells of data row `row`; rows are asked for in increasing order. */
  async of(row: number): Promise<(string | undefined)[] | undefined> {
    if (this.lost) return undefined;
    try {
      if (!this.pages) this.pages = await this.open();
      for (;;) {
        for (; this.at < this.page.length; this.at++) {
          const read = this.page[this.at] as BatchRow;
          if (read.row === row) return read.cells ? [...read.cells] : undefined;
          if (read.row > row) return undefined;
        }
        const next = await this.pages.next();
        if (next.done) {
          this.lost = true;
          return undefined;
        }
        this.page = next.value;
        this.at = 0;
      }
    } catch {
      // the report goes on without the cells: the row, its outcome and message are what a clerk acts on
      this.lost = true;
      await this.close();
      return undefined;
    }
  }

  private async open(): Promise<AsyncIterator<BatchRow[]>> {
    const name = objectKeys.parseUpload(this.batch.objectKey)?.name;
    const format = name ? formatOfName(name) : undefined;
    if (!format) throw new Error('no readable name');
    const source = await this.files.open(this.batch.objectKey, this.batch.versionId);
    // the split held the file to its stage's bounds, which may be above the reader's defaults
    const unbounded = Number.POSITIVE_INFINITY;
    const limits = { maxTextBytes: unbounded, maxLines: unbounded, maxHeaderCells: unbounded };
    return (await openBatch(source, format, limits)).pages[Symbol.asyncIterator]();
  }

  /** Stops reading the upload (its connection let go). */
  async close(): Promise<void> {
    await this.pages?.return?.().catch(() => undefined);
    this.pages = undefined;
  }
}
