// Read + validate + dedupe within one file, with no register: the pre-upload check, and the first half of
// what the split function does with every batch.
import { outcomeNote, type RowIssue } from '#domain/errors.ts';
import { personIdentity } from '#domain/identity.ts';
import { normalizeText } from '#domain/normalize.ts';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import type { IDENTITY_FIELDS, PopulationRecord } from '#domain/record.ts';
import { type ValidationContext, validateCells } from '#domain/validate.ts';
import { Fingerprinter, fingerprint64Into } from './fingerprint.ts';
import { FingerprintTable } from './fingerprint-table.ts';
import type { Outcome, RowOutcome } from './ledger.ts';
import type { BatchRow } from './read-batch.ts';

export interface CheckedRow {
  row: number;
  formId?: string;
  /** present when the row is valid */
  record?: PopulationRecord;
  issues: RowIssue[];
  /** a valid row's warnings (accepted, worth a look), when it has any */
  warnings?: readonly RowIssue[];
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
  if (!result.ok) return { row, formId, issues: result.issues, endOffset, line, endLine, cells };
  const checked: CheckedRow = { row, formId, record: result.record, issues: [], endOffset, line, endLine };
  if (result.warnings.length > 0) checked.warnings = result.warnings;
  return checked;
}

/** The issues of a row that has none: one list for them all, never changed (a list a row would cost the collector). */
const NO_ISSUES = Object.freeze([]) as unknown as RowIssue[];

/** Every row validated, page by page. */
export async function* validatePages(
  pages: AsyncIterable<BatchRow[]>,
  context: ValidationContext,
): AsyncGenerator<CheckedRow[]> {
  for await (const page of pages) yield page.map((row) => checkRow(row, context));
}

/** The fields compared for an update: all but the form's serial and the identity (name, date of birth, sex). */
type DetailField = Exclude<keyof PopulationRecord, 'formId' | (typeof IDENTITY_FIELDS)[number]>;

/**
 * The fingerprint of a record's details: the values one after another, hashed as one text (their concatenation,
 * copied out by one Fingerprinter.copy: a copy a value cost 1.0 µs a row on Node 24, one of the joined rope
 * 0.4-0.7, its flat copy short-lived garbage), then where each ends. The ends make it exact: ("ab", "c") and
 * ("a", "bc"), or an absent value and an empty one, give different sequences. Written out field by field, since a
 * property load by a variable key (or Object.values' array), per field and row, cost more than hashing the values
 * (docs/benchmarks.md). `detailCount` makes the compiler hold the list whole; a test changes each field in turn.
 */
export function detailPrint(print: Fingerprinter, r: PopulationRecord): number {
  return print
    .reset()
    .startCopies()
    .copy(
      (r.otherName ?? '') +
        (r.personalId ?? '') +
        (r.oldIdNumber ?? '') +
        (r.birthRegistrationPlace ?? '') +
        (r.hometown ?? '') +
        (r.ethnicityCode ?? '') +
        (r.religion ?? '') +
        (r.nationality ?? '') +
        (r.bloodGroup ?? '') +
        (r.maritalStatus ?? '') +
        (r.permanentAddress ?? '') +
        (r.permanentCommuneCode ?? '') +
        (r.permanentCommuneCode2025 ?? '') +
        (r.currentAddress ?? '') +
        (r.currentCommuneCode ?? '') +
        (r.currentCommuneCode2025 ?? '') +
        (r.householdHeadName ?? '') +
        (r.householdHeadId ?? '') +
        (r.relationshipToHead ?? '') +
        (r.fatherName ?? '') +
        (r.fatherId ?? '') +
        (r.motherName ?? '') +
        (r.motherId ?? '') +
        (r.spouseName ?? '') +
        (r.spouseId ?? '') +
        (r.phone ?? '') +
        (r.email ?? ''),
    )
    .addCopies()
    .addEnd(r.otherName)
    .addEnd(r.personalId)
    .addEnd(r.oldIdNumber)
    .addEnd(r.birthRegistrationPlace)
    .addEnd(r.hometown)
    .addEnd(r.ethnicityCode)
    .addEnd(r.religion)
    .addEnd(r.nationality)
    .addEnd(r.bloodGroup)
    .addEnd(r.maritalStatus)
    .addEnd(r.permanentAddress)
    .addEnd(r.permanentCommuneCode)
    .addEnd(r.permanentCommuneCode2025)
    .addEnd(r.currentAddress)
    .addEnd(r.currentCommuneCode)
    .addEnd(r.currentCommuneCode2025)
    .addEnd(r.householdHeadName)
    .addEnd(r.householdHeadId)
    .addEnd(r.relationshipToHead)
    .addEnd(r.fatherName)
    .addEnd(r.fatherId)
    .addEnd(r.motherName)
    .addEnd(r.motherId)
    .addEnd(r.spouseName)
    .addEnd(r.spouseId)
    .addEnd(r.phone)
    .addEnd(r.email).value;
}
/** every detail field once: a field added to the record and not to detailPrint fails to compile here */
const detailCount = {
  otherName: 1,
  personalId: 1,
  oldIdNumber: 1,
  birthRegistrationPlace: 1,
  hometown: 1,
  ethnicityCode: 1,
  religion: 1,
  nationality: 1,
  bloodGroup: 1,
  maritalStatus: 1,
  permanentAddress: 1,
  permanentCommuneCode: 1,
  permanentCommuneCode2025: 1,
  currentAddress: 1,
  currentCommuneCode: 1,
  currentCommuneCode2025: 1,
  householdHeadName: 1,
  householdHeadId: 1,
  relationshipToHead: 1,
  fatherName: 1,
  fatherId: 1,
  motherName: 1,
  motherId: 1,
  spouseName: 1,
  spouseId: 1,
  phone: 1,
  email: 1,
} satisfies Record<DetailField, 1>;
// pure: the split, which bundles this module for validatePages, drops it
export const DETAIL_FIELDS = /* @__PURE__ */ Object.keys(detailCount) as DetailField[];

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
  note?: RowIssue;
}
/** most rows': one object for all of them, not one a row */
const NEW: InFileDecision = /* @__PURE__ */ Object.freeze({ outcome: 'new' });

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
 *
 * Fingerprints, not the rows, are compared: holding a million rows' values is what made the check slow and large.
 * A false match needs two different identities to share 64 bits (about 1 in 30 million for a file of a million
 * persons, and then a new person is reported `updated` or `conflict` against the other), or, for a false
 * `duplicate`, two different forms of one person to share both 32-bit `who` and `what` (about 1 in 2^64 a pair).
 * The check only advises: the upload's own ingestion decides every row again, against the register.
 */
class InFileDedupe {
  private readonly seen: FingerprintTable;
  private readonly print = new Fingerprinter();
  /** by the person's first row: every different form seen for the person, and the form that last changed it */
  private readonly forms = new Map<number, { earlier: EarlierForm[]; latest: number }>();

  /** `expectedRows`: room for that many persons from the start, so that a large file's table never doubles */
  constructor(expectedRows = 0) {
    this.seen = new FingerprintTable(Math.max(1 << 16, Math.ceil(expectedRows / FingerprintTable.MAX_LOAD)));
  }

  /** The fingerprints of a page's identities, by the row's place in the page (`prepare`). */
  private keys = new Uint32Array(2 * 1024);
  /** what `prepare` read from the table, kept so that the reads are not optimised away */
  touched = 0;

  /**
   * Fingerprints the identities of a page's rows ('' for a rejected row) before any of them is decided, and reads
   * the table where each would sit. The table is far larger than the CPU's caches: read one row at a time, among
   * each row's other work, every read waited for memory on its own (about 1 µs a row); read here one after
   * another, the CPU fetches many at once, and `decide` finds them in its cache.
   */
  prepare(identities: readonly string[]): void {
    if (this.keys.length < identities.length * 2) this.keys = new Uint32Array(identities.length * 2);
    const keys = this.keys;
    for (let i = 0; i < identities.length; i++) {
      const identity = identities[i] as string;
      if (identity !== '') fingerprint64Into(identity, keys, 2 * i);
    }
    // a loop of reads alone: with the fingerprinting between them, the CPU could not run far enough ahead
    let touched = 0;
    for (let i = 0; i < identities.length; i++)
      if (identities[i] !== '') touched ^= this.seen.peek(keys[2 * i] as number, keys[2 * i + 1] as number);
    this.touched = touched;
  }

  /** The outcome of the row at `index` of the page last prepared. */
  decide(record: PopulationRecord, row: number, index: number): InFileDecision {
    const high = this.keys[2 * index] as number;
    const low = this.keys[2 * index + 1] as number;
    const print = this.print;
    const who = print.reset().addNameKey(record.fullName).add(record.dateOfBirth).add(record.sex).value;
    const what = detailPrint(print, record);

    const slot = this.seen.find(high, low);
    if (slot < 0) {
      this.seen.insert(slot, high, low, who, what, row);
      return NEW;
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
      return { outcome: 'duplicate', note: outcomeNote(code, { against: { row: same.row } }) };
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
        note: outcomeNote('IDENTITY_CONFLICT', { against: { row: first } }),
      };
    const against = held.latest;
    held.latest = row;
    this.seen.setSecond(slot, what); // the newer form is what the register would hold
    return {
      outcome: 'updated',
      note: outcomeNote('FIELDS_UPDATED', { against: { row: against } }),
    };
  }
}

/** A row decided against the earlier rows of its file, before its person key is sealed: the identity to seal. */
export type DecidedRow = Omit<RowOutcome, 'personKey' | 'link' | 'cells'> & { identity?: string };

/**
 * Every row's outcome against the earlier rows of the same file, page by page, with the identity its key is
 * sealed from (an accepted row's): the pre-upload check seals and writes on a thread of its own (local/check-file.ts).
 */
export async function* decidePages(
  pages: AsyncIterable<BatchRow[]>,
  context: ValidationContext,
  /** about how many rows the file holds (its size ÷ 256 bytes a row, say), to size the dedupe's table once */
  expectedRows = 0,
): AsyncGenerator<DecidedRow[]> {
  const dedupe = new InFileDedupe(expectedRows);
  for await (const page of validatePages(pages, context)) {
    const identities = page.map(({ record }) => (record ? personIdentity(record) : ''));
    dedupe.prepare(identities);
    yield page.map(({ row, line, formId, record, issues, warnings }, index) => {
      let outcome: DecidedRow;
      if (record) {
        const { outcome: decided, note } = dedupe.decide(record, row, index);
        outcome = {
          row,
          line,
          outcome: decided,
          identity: identities[index] as string,
          // why it is not new, then what is worth a look; most rows have neither, and share one empty list
          issues: note ? (warnings ? [note, ...warnings] : [note]) : warnings ? [...warnings] : NO_ISSUES,
        };
      } else outcome = { row, line, outcome: 'rejected', issues };
      if (formId !== undefined) outcome.formId = formId;
      return outcome;
    });
  }
}

/** Every row's outcome against the earlier rows of the same file, page by page, keys sealed by `keyer`. */
export async function* checkPages(
  pages: AsyncIterable<BatchRow[]>,
  context: ValidationContext,
  keyer: PersonKeyer,
  /** about how many rows the file holds (its size ÷ 256 bytes a row, say), to size the dedupe's table once */
  expectedRows = 0,
): AsyncGenerator<RowOutcome[]> {
  for await (const page of decidePages(pages, context, expectedRows))
    yield page.map(({ identity, ...decided }) => {
      const outcome: RowOutcome = {
        row: decided.row,
        line: decided.line,
        outcome: decided.outcome,
        issues: decided.issues,
      };
      if (decided.formId !== undefined) outcome.formId = decided.formId;
      if (identity !== undefined) outcome.personKey = keyer.seal(identity);
      return outcome;
    });
}
