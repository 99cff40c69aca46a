// Read + validate + dedupe within one file, with no register: the pre-upload check, and the first half of
// what the split function does with every batch.
import { createHash } from 'node:crypto';
import type { RowIssue } from '#domain/errors.ts';
import { personKey } from '#domain/identity.ts';
import { nameKey, normalizeText } from '#domain/normalize.ts';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { type ValidationContext, validateCells } from '#domain/validate.ts';
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

const digest = (text: string) => createHash('md5').update(text).digest('base64url').slice(0, 12);
const identityDigest = (r: PopulationRecord) => digest(`${nameKey(r.fullName)}|${r.dateOfBirth}|${r.sex}`);
function detailsDigest(record: PopulationRecord): string {
  const { formId: _f, fullName: _n, dateOfBirth: _d, sex: _s, ...details } = record;
  return digest(JSON.stringify(details, Object.keys(details).sort()));
}

/**
 * Dedupe within one file, as the register would decide it: each row is compared with the person's latest
 * accepted form. A different identity under the same ID is a conflict; the same form again a duplicate; any
 * other difference an update, which becomes the latest. Holds two short digests per person, not the records,
 * so a province-sized file fits in memory. (Unlike the register, a later form that leaves a field empty
 * counts as an update here: a digest cannot tell which fields were left out.)
 */
class InFileDedupe {
  private readonly seen = new Map<string, string>();

  constructor(private readonly keyer: PersonKeyer) {}

  decide(record: PopulationRecord): { outcome: Outcome; personKey: string } {
    const key = personKey(record, this.keyer);
    const identity = identityDigest(record);
    const details = detailsDigest(record);
    const held = this.seen.get(key);
    if (held === undefined) {
      this.seen.set(key, identity + details);
      return { outcome: 'new', personKey: key };
    }
    if (!held.startsWith(identity)) return { outcome: 'conflict', personKey: key };
    if (held.endsWith(details)) return { outcome: 'duplicate', personKey: key };
    this.seen.set(key, identity + details); // the newer form is what the register would hold
    return { outcome: 'updated', personKey: key };
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
      const outcome: RowOutcome = checked.record
        ? { row: checked.row, line: checked.line, ...dedupe.decide(checked.record), issues: [] }
        : { row: checked.row, line: checked.line, outcome: 'rejected', issues: checked.issues };
      if (checked.formId !== undefined) outcome.formId = checked.formId;
      return outcome;
    });
  }
}
