// A correction's values read by DC01's own rules (issue 19), where the validator and its reference lists are bundled
// (the split): the new value normalised exactly as a form's would be (`+84 912 345 678` is `0912345678`, `Gia Rai` is
// ethnic group 10), or refused with the rule's code; the old value too, to compare with the value held. What they do
// to the held record is decideOnRecord's (correction.ts), in the register.
import { FIELDS, recordKeyOf } from '../domain/fields.ts';
import type { PopulationRecord } from '../domain/record.ts';
import { type ValidationContext, validateField } from '../domain/validate.ts';
import {
  type CorrectionDecision,
  type CorrectionIssue,
  type CorrectionRequest,
  type CorrectionValues,
  decideOnRecord,
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
  let old: CorrectionValues['old'] = { value: undefined };
  if (oldValue !== '') {
    const read = validateField(field, oldValue, context);
    // a held value the rules no longer read (an older form's) is compared as written, loosely
    old = read.ok ? { value: read.values[key] } : { loose: oldValue };
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
