// Read + validate + dedupe within one file, with no register: the pre-upload check, and the first half of
// what the split function does with every batch.
import { outcomeNote, type RowIssue } from '#domain/errors.ts';
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

/** An earlier form of a person with two or more in the file. */
interface EarlierForm {
  who: number;
  what: number;
  row: number;
  conflict: boolean;
}

/** A row's outcome against the earlier rows of the file, and why (shared/ingest/register-row.ts's codes). */
interface InFileDecision {
  outcome: Outcome;
  identity: string;
  note?: RowIssue;
}

/**
 * Dedupe within one file by the register's rule (docs/ingestion.md): a form equal to any form already seen for the
 * person is a duplicate of it (SAME_FORM, or SAME_CONFLICT when that form was a conflict), whatever came between;
 * another identity under the same ID is a conflict (IDENTITY_CONFLICT, against the row that created the person);
 * any other difference an update (FIELDS_UPDATED, against the form that last changed the person), which becomes
 * the latest. A form is its fingerprints: of the name key, date of birth and sex (`who`), and of the other fields
 * (`what`). Per person, 20 bytes in a typed-array table (a 64-bit fingerprint of the identity, who, what, and the
 * person's first row); only a person with two or more different forms gets a list of them in a side Map, keyed by
 * that first row. Unlike the register: a later form that leaves a field empty counts as an update, and an update
 * or a conflict does not name its fields (a fingerprint cannot tell which fields differ).
 */
class InFileDedupe {
  private readonly seen = new FingerprintTable();
  private readonly print = new Fingerprinter();
  /** by the person's first row: every different form seen for the person, and the form that last changed it */
  private readonly forms = new Map<number, { earlier: EarlierForm[]; latest: number }>();

  decide(record: PopulationRecord, row: number): InFileDecision {
    const identity = personIdentity(record);
    const [high, low] = fingerprint64(identity);
    const print = this.print;
    const who = print.reset().add(nameKey(record.fullName)).add(record.dateOfBirth).add(record.sex).value;
    const values = Object.values(record) as (string | undefined)[];
    print.reset();
    for (const index of DETAIL_INDEXES) print.add(values[index]);
    const what = print.value;

    const slot = this.seen.find(high, low);
    if (slot < 0) {
      this.seen.insert(slot, high, low, who, what, row);
      return { outcome: 'new', identity };
    }
    const first = this.seen.third(slot);
    const person = this.forms.get(first);
    const same = person
      ? person.earlier.find((form) => form.who === who && form.what === what)
      : this.seen.first(slot) === who && this.seen.second(slot) === what
        ? { row: first, conflict: false }
        : undefined;
    if (same) {
      const code = same.conflict ? 'SAME_CONFLICT' : 'SAME_FORM';
      return { outcome: 'duplicate', identity, note: outcomeNote(code, { against: { row: same.row } }) };
    }
    const held =
      person ??
      this.forms
        .set(first, {
          earlier: [
            { who: this.seen.first(slot), what: this.seen.second(slot), row: first, conflict: false },
          ],
          latest: first,
        })
        .get(first);
    if (!held) throw new Error('unreachable: the forms were just set');
    const conflict = this.seen.first(slot) !== who;
    held.earlier.push({ who, what, row, conflict });
    if (conflict)
      return {
        outcome: 'conflict',
        identity,
        note: outcomeNote('IDENTITY_CONFLICT', { against: { row: first } }),
      };
    const against = held.latest;
    held.latest = row;
    this.seen.setSecond(slot, what); // the newer form is what the register would hold
    return {
      outcome: 'updated',
      identity,
      note: outcomeNote('FIELDS_UPDATED', { against: { row: against } }),
    };
  }
}

/** Every row's outcome against the earlier rows of the same file, page by page, keys sealed by `keyer`. */
export async function* checkPages(
  pages: AsyncIterable<BatchRow[]>,
  context: ValidationContext,
  keyer: PersonKeyer,
): AsyncGenerator<RowOutcome[]> {
  const dedupe = new InFileDedupe();
  for await (const page of validatePages(pages, context)) {
    yield page.map(({ row, line, formId, record, issues }) => {
      let outcome: RowOutcome;
      if (record) {
        const decided = dedupe.decide(record, row);
        const personKey = keyer.seal(decided.identity);
        outcome = {
          row,
          line,
          outcome: decided.outcome,
          personKey,
          issues: decided.note ? [decided.note] : [],
        };
      } else outcome = { row, line, outcome: 'rejected', issues };
      if (formId !== undefined) outcome.formId = formId;
      return outcome;
    });
  }
}
