// Re-keying a report from before issue 16: outcomes.csv and review.csv show person keys, and a legacy key is the
// person's ID itself (an agency could read another agency's ID in its own report). Seals the key columns
// (`person_key`, `candidate_person_key`) and the person a linked row's message names, and changes no other byte: the
// records are re-read as cells, and only those cells are written again, the way the ledger writes them.
import { csvCell } from '#batch/ledger.ts';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { personKeys } from '../keys.ts';
import { legacyKeysBetween } from './rekey-item.ts';

/** Columns that hold a person key and nothing else. */
const KEY_COLUMNS = new Set(['person_key', 'candidate_person_key']);
const MESSAGE_COLUMN = 'message';
/** The person a linked row's message names, in both languages (`describeLink` in shared/batch/ledger.ts). */
const MESSAGE_KEY = legacyKeysBetween('(?:người|person) ', '$|[^A-Za-z0-9_-]');

/** Where each cell of a CSV record begins and ends (quotes included): commas inside quotes do not part cells. */
function cellSpans(record: string): [number, number][] {
  const spans: [number, number][] = [];
  let start = 0;
  for (;;) {
    let end = start;
    if (record[start] === '"') {
      end = start + 1;
      for (;;) {
        const quote = record.indexOf('"', end);
        if (quote === -1) {
          end = record.length;
          break;
        }
        end = quote + 1;
        if (record[end] !== '"') break;
        end += 1;
      }
    }
    const comma = record.indexOf(',', end);
    spans.push([start, comma === -1 ? record.length : comma]);
    if (comma === -1) return spans;
    start = comma + 1;
  }
}

const unquote = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell);

/** Seals the legacy keys of one report, record by record; counts the keys it sealed. */
export class ReportSealer {
  sealed = 0;
  private columns: Map<number, 'key' | 'message'> | undefined;

  constructor(private readonly keyer: PersonKeyer) {}

  /** One record, without its line end; the first is the header. */
  record(record: string): string {
    if (!this.columns) {
      this.columns = new Map();
      cellSpans(record).forEach(([start, end], i) => {
        const name = unquote(record.slice(start, end)).replace(/^\uFEFF/, '');
        if (KEY_COLUMNS.has(name)) this.columns?.set(i, 'key');
        else if (name === MESSAGE_COLUMN) this.columns?.set(i, 'message');
      });
      return record;
    }
    if (this.columns.size === 0) return record;
    let out = '';
    let from = 0;
    cellSpans(record).forEach(([start, end], i) => {
      const column = this.columns?.get(i);
      if (!column) return;
      const cell = record.slice(start, end);
      const sealed = column === 'key' ? this.sealKey(cell) : this.sealMessage(cell);
      if (sealed === cell) return;
      out += record.slice(from, start) + sealed;
      from = end;
    });
    return from === 0 ? record : out + record.slice(from);
  }

  private sealKey(cell: string): string {
    const key = unquote(cell);
    if (!personKeys.isLegacy(key)) return cell;
    this.sealed += 1;
    return csvCell(this.keyer.seal(key));
  }

  /** A sealed key holds no quote, comma or line end: it replaces the legacy one inside the cell as written. */
  private sealMessage(cell: string): string {
    return cell.replace(MESSAGE_KEY, (key) => {
      this.sealed += 1;
      return this.keyer.seal(key);
    });
  }
}

/**
 * A report's text with its legacy keys sealed, as it streams: lines are gathered into records (a quoted cell may hold
 * a line end) and every line end is kept as it was.
 */
export async function* sealReport(
  chunks: AsyncIterable<Uint8Array | string>,
  sealer: ReportSealer,
): AsyncGenerator<string> {
  // a BOM, if a report had one, is a byte to keep: the decoder would drop it
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let text = ''; // read, and not yet a whole line
  let record = ''; // the lines of the record being gathered
  let quotes = 0;
  const sealed = (whole: string) => {
    const ending = /\r?\n$/.exec(whole)?.[0] ?? '';
    return sealer.record(whole.slice(0, whole.length - ending.length)) + ending;
  };
  for await (const chunk of chunks) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const line = text.slice(start, end + 1);
      start = end + 1;
      record += line;
      quotes += line.split('"').length - 1;
      // an odd number of quotes so far: a quoted cell goes on on the next line
      if (quotes % 2 === 1) continue;
      yield sealed(record);
      record = '';
      quotes = 0;
    }
    text = text.slice(start);
  }
  record += text + decoder.decode();
  if (record) yield sealed(record);
}
