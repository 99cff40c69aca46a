// Read + validate + dedupe within one file, with no register: the pre-upload check, and the first half of
// what the split function does with every batch.
import type { RowIssue } from '#domain/errors.ts';
import { personIdentity } from '#domain/identity.ts';
import { nameKey, normalizeText } from '#domain/normalize.ts';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { IDENTITY_FIELDS, type PopulationRecord, RECORD_KEYS } from '#domain/record.ts';
import { type ValidationContext, validateCells } from '#domain/validate.ts';
import { Fingerprinter, fingerprint64 } from './fingerprint.ts';
import { FingerprintTable } from './fingerprint-table.ts';
import type { Outcome, RowOutcome } from './ledger.ts';
import type { BatchRow } from './read-batch.ts';

export interface CheckedRow {
  row: number;
  formId?: string;
  /** present when the row is valid */
  record?: PopulationRecord;
  issues: RowIssue[];
  endOffset: number;
  /** the file's line number of the row's first line, and the line number at endOffset */
  line: number;
  endLine: number;
  /** the cells as read (BatchRow.cells) */
  cells?: readonly (string | undefined)[];
}

/** The form id as the uploader wrote it (trimmed, cut to a sane length), echoed in reports even when invalid. */
function echoFormId(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const value = normalizeText(raw).slice(0, 40);
  return value === '' ? undefined : value;
}

function checkRow(
  { row, values, issues, endOffset, line, endLine, cells, clean }: BatchRow,
  context: ValidationContext,
): CheckedRow {
  const formId = echoFormId(values?.form_id);
  if (!values || issues.length > 0) return { row, formId, issues, endOffset, line, endLine, cells };
  // rows from the readers are made by rawRowOf: their values come back in FIELD_NAMES order
  const result = validateCells(Object.values(values), context, clean);
  return result.ok
    ? { row, formId, record: result.record, issues: [], endOffset, line, endLine }
    : { row, formId, issues: result.issues, endOffset, line, endLine, cells };
}

/** Every row validated, page by page. */
export async function* validatePages(
  pages: AsyncIterable<BatchRow[]>,
  context: ValidationContext,
): AsyncGenerator<CheckedRow[]> {
  for await (const page of pages) yield page.map((row) => checkRow(row, context));
}

// The fields compared for an update, by index in RECORD_KEYS order (the order recordOf gives a record's values
// in): all but the form's serial and the identity (name, date of birth, sex). Read with Object.values: a
// property load by a variable key, per field and row, cost more than the rest of the dedupe.
const DETAIL_INDEXES = RECORD_KEYS.flatMap((key, index) =>
  key === 'formId' || (IDENTITY_FIELDS as readonly string[]).includes(key) ? [] : [index],
);

/**
 * Dedupe within one file, as the register would decide it: each row is compared with the person's latest
 * accepted form. A different identity under the same ID is a conflict; the same form again a duplicate; any
 * other difference an update, which becomes the latest. Holds 16 bytes per person (a 64-bit fingerprint of
 * the identity the key is sealed from, and 32-bit fingerprints of the name, date of birth and sex and of the
 * other fields), not the records or their keys, so a province-sized file fits in memory; the sealed key is
 * only written out. (Unlike the register, a later form that leaves a field empty counts as an update here: a
 * fingerprint cannot tell which fields were left out.)
 */
class InFileDedupe {
  private readonly seen = new FingerprintTable();
  private readonly print = new Fingerprinter();

  constructor(private readonly keyer: PersonKeyer) {}

  decide(record: PopulationRecord): { outcome: Outcome; personKey: string } {
    const identity = personIdentity(record);
    const personKey = this.keyer.seal(identity);
    const [high, low] = fingerprint64(identity);
    const print = this.print;
    const who = print.reset().add(nameKey(record.fullName)).add(record.dateOfBirth).add(record.sex).value;
    const values = Object.values(record) as (string | undefined)[];
    print.reset();
    for (const index of DETAIL_INDEXES) print.add(values[index]);
    const what = print.value;

    const slot = this.seen.find(high, low);
    if (slot < 0) {
      this.seen.insert(slot, high, low, who, what);
      return { outcome: 'new', personKey };
    }
    if (this.seen.first(slot) !== who) return { outcome: 'conflict', personKey };
    if (this.seen.second(slot) === what) return { outcome: 'duplicate', personKey };
    this.seen.setSecond(slot, what); // the newer form is what the register would hold
    return { outcome: 'updated', personKey };
  }
}

/** Every row's outcome against the earlier rows of the same file, page by page. */
export async function* checkPages(
  pages: AsyncIterable<BatchRow[]>,
  context: ValidationContext,
  keyer: PersonKeyer,
): AsyncGenerator<RowOutcome[]> {
  const dedupe = new InFileDedupe(keyer);
  for await (const page of validatePages(pages, context)) {
    yield page.map((checked) => {
      let outcome: RowOutcome;
      if (checked.record) {
        const decided = dedupe.decide(checked.record);
        outcome = {
          row: checked.row,
          line: checked.line,
          outcome: decided.outcome,
          personKey: decided.personKey,
          issues: [],
        };
      } else outcome = { row: checked.row, line: checked.line, outcome: 'rejected', issues: checked.issues };
      if (checked.formId !== undefined) outcome.formId = checked.formId;
      return outcome;
    });
  }
}
