// A correction form (DC02, issue 19): one row asks that one field of one person change from the value the register
// holds to another, for a reason, on the strength of a document. This module is the domain alone (no AWS): how a
// correction file is told from a DC01 file, what a row must hold, and what a row does to a held record. The value
// rules are DC01's own, in two steps: the split reads the old and new values by the field's rules
// (correction-values.ts, which bundles the reference lists), and the register decides them against the record it
// holds (decideOnRecord, here: no reference lists, so the register and the approving API stay small), with the
// checks between fields the personal ID's digits make (a sex or a birth year it contradicts). docs/corrections.md.

import type { RowCode } from '../domain/errors.ts';
import { FIELDS, type FieldName, fieldForHeader, recordKeyOf } from '../domain/fields.ts';
import { looseKey } from '../domain/normalize.ts';
import { decodePersonalId, idDisagreements } from '../domain/personal-id-digits.ts';
import type { PopulationRecord, Sex } from '../domain/record.ts';

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
/** A correction row's cells by column, as read. */
export type CorrectionCells = Partial<Record<CorrectionColumn, string>>;

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

/** A correction row's codes: row codes (shared/domain/errors.ts ROW_CODES), as every report renders them. */
export const CORRECTION_CODE_IDS = [
  'CORRECTION_PERSON_MISSING',
  'CORRECTION_PERSON_INVALID',
  'CORRECTION_PERSON_UNKNOWN',
  'CORRECTION_FIELD_UNKNOWN',
  'CORRECTION_FIELD_NOT_CORRECTABLE',
  'CORRECTION_REASON_INVALID',
  'CORRECTION_EVIDENCE_MISSING',
  'CORRECTION_OLD_VALUE_MISMATCH',
  'CORRECTION_NEW_VALUE_INVALID',
  'CORRECTION_NO_CHANGE',
  'CORRECTION_ID_HELD',
] as const satisfies readonly RowCode[];
export type CorrectionCode = (typeof CORRECTION_CODE_IDS)[number];

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
  cells: CorrectionCells,
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

/**
 * A correction's values as DC01's rules read them (shared/corrections/correction-values.ts, in the split, which holds
 * the validator): the old value as a form would hold it, or as written when no rule reads it (compared loosely with
 * the value held); the record's values the new one makes (a commune code with its 2025 successor; none: emptied).
 */
export interface CorrectionValues {
  /** `value` absent: the field held empty (a chunk line's JSON drops an undefined value) */
  old: { value?: string } | { loose: string };
  next: Partial<Record<keyof PopulationRecord, string>>;
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

/** Fields whose value the personal ID's digits speak of (its sex, century and year): checked with it. */
const ID_SPEAKS_OF: ReadonlySet<FieldName> = new Set(['personal_id', 'sex', 'date_of_birth']);

const held = (value: unknown) => (value === undefined ? undefined : String(value));

/**
 * What a correction does to `record` (the register's step, and again an approval's): rejected when the old value is
 * not what the register holds, the new value changes nothing, or the record with it breaks the checks between
 * fields (the personal ID against sex and birth year); otherwise the record with the new value, applied at once or,
 * for an identity field, waiting for a second officer. The values' own rules were met when the row was read.
 */
export function decideOnRecord(
  record: PopulationRecord,
  field: FieldName,
  values: CorrectionValues,
): CorrectionDecision {
  const key = recordKeyOf(field);
  const from = held(record[key]);
  const { old } = values;
  const oldMatches = 'loose' in old ? looseKey(old.loose) === looseKey(from ?? '') : old.value === from;
  if (!oldMatches)
    return { outcome: 'rejected', issue: { code: 'CORRECTION_OLD_VALUE_MISMATCH', field: 'old_value' } };
  const to = values.next[key];
  if (to === from)
    return { outcome: 'rejected', issue: { code: 'CORRECTION_NO_CHANGE', field: 'new_value' } };
  // the record with this one field changed (a commune code's 2025 successor goes with it)
  const changed = { ...record } as Record<string, unknown>;
  const keys = FIELDS[field].kind === 'commune' ? [key, `${key}2025`] : [key];
  for (const name of keys) {
    const value = (values.next as Record<string, string | undefined>)[name];
    if (value === undefined) delete changed[name];
    else changed[name] = value;
  }
  const corrected = changed as PopulationRecord;
  if (ID_SPEAKS_OF.has(field) && corrected.personalId) {
    const decoded = decodePersonalId(corrected.personalId);
    const birthYear = corrected.dateOfBirth ? Number(corrected.dateOfBirth.slice(0, 4)) : undefined;
    const refused =
      decoded &&
      idDisagreements(decoded, 'personal_id', { sex: corrected.sex as Sex | undefined, birthYear })[0];
    if (refused)
      return {
        outcome: 'rejected',
        issue: { code: 'CORRECTION_NEW_VALUE_INVALID', field: 'new_value', detail: refused.code },
      };
  }
  return {
    outcome: IDENTITY_CORRECTIONS.has(field) ? 'pending_approval' : 'applied',
    field,
    key,
    from,
    to,
    record: corrected,
  };
}

/**
 * A correction row as the split writes it to a chunk file and the register reads it: whom (the ID's identity, which
 * only the register seals into a key, or a key from an earlier report), which field, the values as the field's rules
 * read them, why and on what evidence. A JSON object: correction files are small (140,790 rows for Gia Lai).
 */
export interface CorrectionLine {
  row: number;
  /** the file's line number of the row's first line */
  line?: number;
  formId?: string;
  identity?: string;
  personKey?: string;
  field: FieldName;
  values: CorrectionValues;
  reason: CorrectionReason;
  evidenceRef: string;
}
