// A correction form (DC02, issue 19): one row asks that one field of one person change from the value the register
// holds to another, for a reason, on the strength of a document. This module is the domain alone (no AWS): how a
// correction file is told from a DC01 file, what a row must hold, and what a row does to a held record. The value
// rules are DC01's own: the held record with the one field replaced is validated as a whole row (shared/domain/
// validate.ts), so a new value is normalised exactly as a form's would be and meets the same cross-field checks (a
// sex or a birth year the personal ID contradicts). docs/corrections.md.

import { messageTable } from '../domain/errors.ts';
import { FIELDS, type FieldName, fieldForHeader, type RawRow, recordKeyOf } from '../domain/fields.ts';
import { looseKey } from '../domain/normalize.ts';
import type { PopulationRecord } from '../domain/record.ts';
import { type ValidationContext, validateRow } from '../domain/validate.ts';

export const CORRECTION_REASONS = [
  'collection_error',
  'civil_registration',
  'court_decision',
  'other',
] as const;
export type CorrectionReason = (typeof CORRECTION_REASONS)[number];

/** The columns of a correction file (its header names them in English, in any order and case). */
export const CORRECTION_COLUMNS = [
  'personal_id',
  'person_key',
  'field',
  'old_value',
  'new_value',
  'reason',
  'evidence_ref',
  'form_id',
] as const;
export type CorrectionColumn = (typeof CORRECTION_COLUMNS)[number];

/** Fields that say who a person is: a change waits for a second officer (`pending_approval`). */
export const IDENTITY_CORRECTIONS: ReadonlySet<FieldName> = new Set([
  'full_name',
  'date_of_birth',
  'sex',
  'personal_id',
  'ethnicity',
]);
/** The form's own number names a form, not a fact about the person: no correction changes it. */
const NOT_CORRECTABLE: ReadonlySet<FieldName> = new Set(['form_id']);

/** The longest document reference kept (a number, or a scan's object key). */
const EVIDENCE_MAX = 200;
const PERSONAL_ID = /^\d{12}$/;
// a sealed person key as reports show it (shared/keys.ts personKeys.sealed): the secret's version, kind, the MAC
const PERSON_KEY = /^p\d+:(id|nk):[A-Za-z0-9_-]{22}$/;

export const CORRECTION_CODES = messageTable({
  CORRECTION_PERSON_MISSING: {
    vi: 'Thiếu số định danh cá nhân hoặc mã người (person_key) của người cần sửa',
    en: 'Neither the personal ID nor the person key of the person to correct is given',
  },
  CORRECTION_PERSON_INVALID: {
    vi: 'Số định danh cá nhân hoặc mã người không đúng định dạng',
    en: 'The personal ID or the person key is malformed',
  },
  CORRECTION_PERSON_UNKNOWN: {
    vi: 'Không tìm thấy người cần sửa trong cơ sở dữ liệu',
    en: 'The person to correct is not in the register',
  },
  CORRECTION_FIELD_UNKNOWN: {
    vi: 'Trường cần sửa không phải là trường của phiếu DC01',
    en: 'The field to correct is not a DC01 field',
  },
  CORRECTION_FIELD_NOT_CORRECTABLE: {
    vi: 'Trường này không sửa được bằng phiếu cập nhật',
    en: 'This field cannot be corrected by an update form',
  },
  CORRECTION_REASON_INVALID: {
    vi: 'Lý do sửa phải là collection_error, civil_registration, court_decision hoặc other',
    en: 'The reason must be collection_error, civil_registration, court_decision or other',
  },
  CORRECTION_EVIDENCE_MISSING: {
    vi: 'Thiếu số hoặc mã tài liệu làm căn cứ sửa',
    en: 'The reference of the supporting document is missing',
  },
  CORRECTION_OLD_VALUE_MISMATCH: {
    vi: 'Giá trị cũ không khớp với giá trị đang lưu',
    en: 'The old value does not match the value held',
  },
  CORRECTION_NEW_VALUE_INVALID: {
    vi: 'Giá trị mới không hợp lệ theo quy tắc của trường',
    en: "The new value breaks the field's rules",
  },
  CORRECTION_NO_CHANGE: {
    vi: 'Giá trị mới trùng với giá trị đang lưu',
    en: 'The new value is the value held',
  },
});
export type CorrectionCode = keyof typeof CORRECTION_CODES;

export interface CorrectionIssue {
  code: CorrectionCode;
  /** the column at fault */
  field?: string;
  /** what a DC01 rule said of the new value (its row code), never the value */
  detail?: string;
}

/** A correction row as read: whom, which field, from what to what, why, on what evidence. */
export interface CorrectionRequest {
  person: { personalId: string } | { personKey: string };
  field: FieldName;
  oldValue: string;
  newValue: string;
  reason: CorrectionReason;
  evidenceRef: string;
  formId?: string;
}

/** Whether a file's header makes it a correction file: it names `field`, `old_value` and `new_value`. */
export function isCorrectionHeader(headerCells: readonly string[]): boolean {
  const named = new Set(headerCells.map((cell) => looseKey(cell)));
  return ['field', 'old_value', 'new_value'].every((column) => named.has(looseKey(column)));
}

const text = (value: string | undefined) => value?.trim() ?? '';

/** A correction row's cells, checked on their own (the held record is the register's to compare with). */
export function readCorrectionRow(
  cells: Partial<Record<CorrectionColumn, string>>,
): { ok: true; request: CorrectionRequest } | { ok: false; issues: CorrectionIssue[] } {
  const issues: CorrectionIssue[] = [];
  const personalId = text(cells.personal_id);
  const personKey = text(cells.person_key);
  let person: CorrectionRequest['person'] | undefined;
  if (personalId) {
    if (PERSONAL_ID.test(personalId)) person = { personalId };
    else issues.push({ code: 'CORRECTION_PERSON_INVALID', field: 'personal_id' });
  } else if (personKey) {
    if (PERSON_KEY.test(personKey)) person = { personKey };
    else issues.push({ code: 'CORRECTION_PERSON_INVALID', field: 'person_key' });
  } else issues.push({ code: 'CORRECTION_PERSON_MISSING', field: 'personal_id' });

  // the field by its English name as the contract has it, or by a Vietnamese label the form prints
  const field = fieldForHeader(text(cells.field));
  if (!field) issues.push({ code: 'CORRECTION_FIELD_UNKNOWN', field: 'field' });
  else if (NOT_CORRECTABLE.has(field))
    issues.push({ code: 'CORRECTION_FIELD_NOT_CORRECTABLE', field: 'field' });

  const reason = text(cells.reason).toLowerCase();
  if (!(CORRECTION_REASONS as readonly string[]).includes(reason))
    issues.push({ code: 'CORRECTION_REASON_INVALID', field: 'reason' });
  const evidenceRef = text(cells.evidence_ref);
  if (!evidenceRef || evidenceRef.length > EVIDENCE_MAX)
    issues.push({ code: 'CORRECTION_EVIDENCE_MISSING', field: 'evidence_ref' });

  if (issues.length > 0 || !person || !field) return { ok: false, issues };
  const formId = text(cells.form_id);
  return {
    ok: true,
    request: {
      person,
      field,
      oldValue: text(cells.old_value),
      newValue: text(cells.new_value),
      reason: reason as CorrectionReason,
      evidenceRef,
      ...(formId ? { formId } : {}),
    },
  };
}

/** What a correction does to a held record. */
export type CorrectionDecision =
  | { outcome: 'rejected'; issue: CorrectionIssue }
  | {
      /** `pending_approval` for an identity field: a second officer applies it */
      outcome: 'applied' | 'pending_approval';
      field: FieldName;
      /** the record's key of the field, and its value before and after (undefined: empty) */
      key: keyof PopulationRecord;
      from: string | undefined;
      to: string | undefined;
      /** the held record with the correction made */
      record: PopulationRecord;
    };

/** The held record as a form's row would write it: each field's value in the record, as text. */
function rawRowOfRecord(record: PopulationRecord): RawRow {
  const raw: RawRow = {};
  for (const name of Object.keys(FIELDS) as FieldName[]) {
    const value = record[recordKeyOf(name)];
    if (value !== undefined) raw[name] = String(value);
  }
  return raw;
}

/** The field's value once a form's rules have normalised it, or why they refuse it. */
function normalised(
  held: PopulationRecord,
  field: FieldName,
  value: string,
  context: ValidationContext,
): { value: string | undefined; record: PopulationRecord } | { refused: string } {
  const raw = rawRowOfRecord(held);
  if (value === '') delete raw[field];
  else raw[field] = value;
  const result = validateRow(raw, context);
  if (!result.ok) return { refused: result.issues[0]?.code ?? 'CORRECTION_NEW_VALUE_INVALID' };
  const normalValue = result.record[recordKeyOf(field)];
  return { value: normalValue === undefined ? undefined : String(normalValue), record: result.record };
}

/**
 * What a correction does to `held`: rejected when the old value is not what the register holds, the new value breaks
 * the field's rules (or another field's, with it), or changes nothing; otherwise the record with the new value,
 * applied at once or, for an identity field, waiting for a second officer.
 */
export function decideCorrection(
  held: PopulationRecord,
  request: CorrectionRequest,
  context: ValidationContext,
): CorrectionDecision {
  const { field } = request;
  const key = recordKeyOf(field);
  const from = held[key] === undefined ? undefined : String(held[key]);
  // the old value as a form would have written it: normalised the same way, or failing that, the same text loosely
  const old = normalised(held, field, request.oldValue, context);
  const oldMatches =
    'value' in old ? old.value === from : looseKey(request.oldValue) === looseKey(from ?? '');
  if (!oldMatches)
    return { outcome: 'rejected', issue: { code: 'CORRECTION_OLD_VALUE_MISMATCH', field: 'old_value' } };
  const next = normalised(held, field, request.newValue, context);
  if ('refused' in next)
    return {
      outcome: 'rejected',
      issue: { code: 'CORRECTION_NEW_VALUE_INVALID', field: 'new_value', detail: next.refused },
    };
  if (next.value === from)
    return { outcome: 'rejected', issue: { code: 'CORRECTION_NO_CHANGE', field: 'new_value' } };
  // the held record with this one field changed (validation may normalise the others' text, which stays as held)
  const record = { ...held } as Record<string, unknown>;
  // a commune code's 2025 successor goes with it (the validator finds it)
  const keys = FIELDS[field].kind === 'commune' ? [key, `${key}2025`] : [key];
  for (const changed of keys) {
    const value = (next.record as Record<string, unknown>)[changed];
    if (value === undefined) delete record[changed];
    else record[changed] = value;
  }
  return {
    outcome: IDENTITY_CORRECTIONS.has(field) ? 'pending_approval' : 'applied',
    field,
    key,
    from,
    to: next.value,
    record: record as PopulationRecord,
  };
}
