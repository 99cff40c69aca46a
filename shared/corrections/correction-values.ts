// A correction's values read by DC01's own rules (issue 19), where the validator and its reference lists are bundled
// (the split): the new value normalised exactly as a form's would be (`+84 912 345 678` is `0912345678`, `Gia Rai` is
// ethnic group 10), or refused with the rule's code; the old value too, to compare with the value held. What they do
// to the held record is decideOnRecord's (correction.ts), in the register.
import type { CheckedRow } from '#batch/check-batch.ts';
import type { RowOutcome } from '#batch/ledger.ts';
import type { BatchRow } from '#batch/read-batch.ts';
import { outcomeNote, type RowCode, type RowIssue, rowIssue } from '../domain/errors.ts';
import { FIELDS, recordKeyOf } from '../domain/fields.ts';
import type { PopulationRecord } from '../domain/record.ts';
import { type ValidationContext, validateField } from '../domain/validate.ts';
import { personKeys } from '../keys.ts';
import {
  type CorrectionCells,
  type CorrectionColumn,
  type CorrectionDecision,
  type CorrectionIssue,
  type CorrectionLine,
  type CorrectionRequest,
  type CorrectionValues,
  decideOnRecord,
  IDENTITY_CORRECTIONS,
  readCorrectionRow,
} from './correction.ts';

/** The request's old and new values by the field's rules; refused when the new value breaks them. */
export function readCorrectionValues(
  request: Pick<CorrectionRequest, 'field' | 'oldValue' | 'newValue'>,
  context: ValidationContext,
): { ok: true; values: CorrectionValues } | { ok: false; issue: CorrectionIssue } {
  const { field, oldValue, newValue } = request;
  const refuse = (detail: string) =>
    ({ ok: false, issue: { code: 'CORRECTION_NEW_VALUE_INVALID', field: 'new_value', detail } }) as const;
  // a field the form must give cannot be emptied
  if (newValue === '' && FIELDS[field].required) return refuse('REQUIRED_FIELD_MISSING');
  const next = newValue === '' ? { ok: true as const, values: {} } : validateField(field, newValue, context);
  if (!next.ok) return refuse(next.issues[0]?.code ?? 'CORRECTION_NEW_VALUE_INVALID');
  const key = recordKeyOf(field);
  let old: CorrectionValues['old'] = {};
  if (oldValue !== '') {
    const read = validateField(field, oldValue, context);
    const value = read.ok ? read.values[key] : undefined;
    // a held value the rules no longer read (an older form's) is compared as written, loosely
    old = value === undefined ? { loose: oldValue } : { value };
  }
  return { ok: true, values: { old, next: next.values } };
}

/** A correction decided against `held` in one step (the two steps the pipeline takes apart, for tests and tools). */
export function decideCorrection(
  held: PopulationRecord,
  request: CorrectionRequest,
  context: ValidationContext,
): CorrectionDecision {
  const read = readCorrectionValues(request, context);
  if (!read.ok) return { outcome: 'rejected', issue: read.issue };
  return decideOnRecord(held, request.field, read.values);
}

/** A correction issue as a report line carries it: the DC01 rule's code, when one refused the value, as its detail. */
export const correctionIssue = ({ code, field, detail }: CorrectionIssue): RowIssue =>
  rowIssue(code as RowCode, field, detail);

/** A correction file's row as the split takes it: its chunk line, or why it is refused. */
export interface CheckedCorrection extends CheckedRow {
  correction?: CorrectionLine;
}

function checkCorrection(
  row: BatchRow,
  columns: readonly (CorrectionColumn | undefined)[],
  context: ValidationContext,
): CheckedCorrection {
  const { endOffset, line, endLine, cells } = row;
  const named: CorrectionCells = {};
  columns.forEach((column, i) => {
    if (column && cells?.[i] !== undefined) named[column] = cells[i];
  });
  const formId = named.form_id?.trim().slice(0, 40) || undefined;
  const at = { row: row.row, formId, endOffset, line, endLine, cells };
  if (!cells || row.issues.length > 0) return { ...at, issues: row.issues };
  const read = readCorrectionRow(named);
  if (!read.ok) return { ...at, issues: read.issues.map(correctionIssue) };
  const { request } = read;
  const values = readCorrectionValues(request, context);
  if (!values.ok) return { ...at, issues: [correctionIssue(values.issue)] };
  const correction: CorrectionLine = {
    row: row.row,
    field: request.field,
    values: values.values,
    reason: request.reason,
    evidenceRef: request.evidenceRef,
    ...('personalId' in request.person
      ? { identity: personKeys.identityById(request.person.personalId) }
      : { personKey: request.person.personKey }),
  };
  if (!Number.isNaN(line)) correction.line = line;
  if (request.formId) correction.formId = request.formId;
  return { ...at, issues: [], correction };
}

/** Every row of a correction file checked on its own, page by page (validatePages' counterpart). */
export async function* checkCorrectionPages(
  pages: AsyncIterable<BatchRow[]>,
  /** which column each of a row's cells is (the layout's `correctionColumns`) */
  columns: readonly (CorrectionColumn | undefined)[],
  context: ValidationContext,
): AsyncGenerator<CheckedCorrection[]> {
  for await (const page of pages) yield page.map((row) => checkCorrection(row, columns, context));
}

/**
 * The pre-upload check of a correction file (`npm run check`): each row rejected with its codes, or the outcome it gets
 * if the register holds its old value (`applied`, or `pending_approval` for an identity field). Only the register can
 * say whether it does.
 */
export async function* checkCorrectionOutcomes(
  pages: AsyncIterable<BatchRow[]>,
  columns: readonly (CorrectionColumn | undefined)[],
  context: ValidationContext,
): AsyncGenerator<RowOutcome[]> {
  for await (const page of checkCorrectionPages(pages, columns, context))
    yield page.map(({ row, line, formId, issues, correction }) => {
      const outcome: RowOutcome = correction
        ? IDENTITY_CORRECTIONS.has(correction.field)
          ? {
              row,
              line,
              outcome: 'pending_approval',
              issues: [outcomeNote('CORRECTION_PENDING', { fields: [correction.field] })],
            }
          : {
              row,
              line,
              outcome: 'applied',
              issues: [outcomeNote('CORRECTION_APPLIED', { fields: [correction.field] })],
            }
        : { row, line, outcome: 'rejected', issues };
      if (formId !== undefined) outcome.formId = formId;
      return outcome;
    });
}
