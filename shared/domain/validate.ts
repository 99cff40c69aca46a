// Turns a raw batch row into a normalised PopulationRecord, or reports every problem it has.
// Hand-written rules rather than zod refinements: each failure needs its own stable code, and this is the
// hot path (a whole province per file), so every field is looked at once, with no exceptions thrown.
import { parseCalendarDate, todayInVietnam } from './dates.ts';
import { type RowCode, type RowIssue, rowIssue } from './errors.ts';
import { FIELD_NAMES, FIELDS, type FieldName, type FieldSpec, type RawRow, recordKeyOf } from './fields.ts';
import { type LegacyFont, legacyFontOf, readAs } from './legacy-fonts.ts';
import {
  compactDigits,
  isNormalText,
  LOOKALIKE_APOSTROPHE,
  looseKey,
  memoize,
  normalizeText,
} from './normalize.ts';
import { checkPersonalId, checkPersonalIdPlace, isWellFormedRelatedId } from './personal-id.ts';
import { type PopulationRecord, RECORD_KEYS, recordOf, type Sex } from './record.ts';
import { findCommune, findEthnicGroup, findNationality, findReligion } from './reference.ts';

export interface ValidationContext {
  /** YYYY-MM-DD; dates after it are in the future */
  today: string;
}

/**
 * A valid row's record with its warnings (WARNING_CODE_IDS: accepted, but worth a look), or every problem of an
 * invalid one (its warnings are left out: the row is rejected anyway).
 */
export type ValidationResult =
  | { ok: true; record: PopulationRecord; issues: []; warnings: readonly RowIssue[] }
  | { ok: false; record?: undefined; issues: RowIssue[]; warnings?: undefined };

const NO_WARNINGS: readonly RowIssue[] = Object.freeze([]);

// C0/C1 controls other than tab, LF and CR (those are white space and get collapsed), and bidi overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const NAME = /^[\p{L}\p{M} '.-]+$/u;
// The same test for Latin script (every Vietnamese name), without the cost of Unicode property classes.
const LATIN_NAME = /^[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff '.-]+$/;
// "Hà Ngọc Thi (Thy)": the alias belongs in other_name
const ALIAS = /^[^()]+\([^()]+\)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^0[235789]\d{8}$/;

const SEX_BY_KEY: Record<string, Sex> = { nam: 'male', male: 'male', nu: 'female', female: 'female' };
const MARITAL_BY_KEY: Record<string, NonNullable<PopulationRecord['maritalStatus']>> = {
  chuakethon: 'single',
  docthan: 'single',
  single: 'single',
  dakethon: 'married',
  cogiadinh: 'married',
  married: 'married',
  lyhon: 'divorced',
  dalyhon: 'divorced',
  divorced: 'divorced',
  goa: 'widowed',
  goavo: 'widowed',
  goachong: 'widowed',
  widowed: 'widowed',
};

const sexOf = memoize((value: string): Sex | undefined => SEX_BY_KEY[looseKey(value)]);
const maritalStatusOf = memoize((value: string) => MARITAL_BY_KEY[looseKey(value)]);

// The fields as an array walked once per row (keyed lookups into FIELDS by name are slow on the hot path).
const PLAN = FIELD_NAMES.map((name) => {
  const key = recordKeyOf(name);
  const slot = RECORD_KEYS.indexOf(key);
  if (slot < 0) throw new Error(`field ${name} has no place in the record`);
  const spec = FIELDS[name] as FieldSpec;
  // a commune code's 2025 successor goes in the slot after it (the schema's order)
  if (spec.kind === 'commune' && RECORD_KEYS[slot + 1] !== `${key}2025`)
    throw new Error(`no 2025 slot after ${key}`);
  // free text a legacy font could have typed, looked at up front; a list's value only when it matches nothing
  const words = /^(name|place|text)$/.test(spec.kind);
  return { name, slot, words, ...spec };
});
const SLOT = {
  personalId: RECORD_KEYS.indexOf('personalId'),
  dateOfBirth: RECORD_KEYS.indexOf('dateOfBirth'),
  sex: RECORD_KEYS.indexOf('sex'),
  birthRegistrationPlace: RECORD_KEYS.indexOf('birthRegistrationPlace'),
};

const isName = (value: string) => LATIN_NAME.test(value) || NAME.test(value);

/** The row's warnings with one more: the list is made on the first, as most rows have none. */
function warned(warnings: RowIssue[] | undefined, issue: RowIssue): RowIssue[] {
  if (!warnings) return [issue];
  warnings.push(issue);
  return warnings;
}

export function defaultValidationContext(): ValidationContext {
  return { today: todayInVietnam() };
}

/** A value typed in a legacy font, with what it reads as (for the agency's report, never a log). */
function legacyFontIssue(name: string, value: string, font: LegacyFont): RowIssue {
  const fontCode = font === 'vni' ? 'TEXT_LEGACY_FONT_VNI' : 'TEXT_LEGACY_FONT_TCVN3';
  return rowIssue(fontCode, name, `đọc là / reads as “${readAs(value, font)}”`);
}

/** Why a value matched nothing: typed in a legacy font, or `code`. */
function textIssue(code: RowCode, name: string, value: string): RowIssue {
  const font = legacyFontOf(value);
  return font ? legacyFontIssue(name, value, font) : rowIssue(code, name);
}

/** Normalises a phone number to the national 10-digit form, or undefined when it is not one. */
function normalizePhone(value: string): string | undefined {
  let digits = value.replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('84') && digits.length === 11) digits = `0${digits.slice(2)}`;
  return PHONE.test(digits) ? digits : undefined;
}

/** `normal`: the reader has seen that every value is already normal text (isNormalText), a shortcut. */
export function validateRow(raw: RawRow, context: ValidationContext, normal = false): ValidationResult {
  return validateCells(
    FIELD_NAMES.map((name) => raw[name]),
    context,
    normal,
  );
}

/**
 * One field's value as a form's rules read it, on its own (a correction's new or old value, shared/corrections): the
 * record's values it makes (a commune code with its 2025 successor), or why the rules refuse it. Checks between
 * fields (the ID against sex and birth year) are the caller's, on the record it changes.
 */
export function validateField(
  name: FieldName,
  value: string,
  context: ValidationContext,
): { ok: true; values: Partial<Record<keyof PopulationRecord, string>> } | { ok: false; issues: RowIssue[] } {
  const cells: (string | undefined)[] = new Array(FIELD_NAMES.length);
  cells[FIELD_NAMES.indexOf(name)] = value;
  const result = validateCells(cells, context, false, true);
  if (!result.ok) return { ok: false, issues: result.issues };
  const values: Partial<Record<keyof PopulationRecord, string>> = {};
  for (const [key, held] of Object.entries(result.record))
    if (held !== undefined) values[key as keyof PopulationRecord] = String(held);
  return { ok: true, values };
}

/**
 * validateRow for a row's values in FIELD_NAMES order (Object.values of a row made by rawRowOf): the readers'
 * fast path, with no lookup by field name.
 */
export function validateCells(
  cells: readonly (string | undefined)[],
  context: ValidationContext,
  normal = false,
  /** the cells given are all there is to read (validateField): a field not given is not missing */
  alone = false,
): ValidationResult {
  const issues: RowIssue[] = [];
  let warnings: RowIssue[] | undefined;
  const out: (string | undefined)[] = new Array(RECORD_KEYS.length);

  // Pass 1: presence, encoding, control characters and length, then the per-field rules.
  for (let i = 0; i < PLAN.length; i++) {
    const spec = PLAN[i] as (typeof PLAN)[number];
    const { name, slot } = spec;
    const rawValue = cells[i];
    if (rawValue === undefined || rawValue === '') {
      if (spec.required && !alone) issues.push(rowIssue('REQUIRED_FIELD_MISSING', name));
      continue;
    }
    let value = rawValue;
    if (!normal && !isNormalText(rawValue)) {
      if (rawValue.includes('\ufffd')) {
        issues.push(rowIssue('INVALID_ENCODING', name));
        continue;
      }
      if (CONTROL.test(rawValue)) {
        issues.push(rowIssue('CONTROL_CHARACTER', name));
        continue;
      }
      value = normalizeText(rawValue);
    }
    if (value === '') {
      if (spec.required && !alone) issues.push(rowIssue('REQUIRED_FIELD_MISSING', name));
      continue;
    }
    if (value.length > spec.maxLength) {
      issues.push(rowIssue('FIELD_TOO_LONG', name, `max ${spec.maxLength}`));
      continue;
    }
    const font = spec.words ? legacyFontOf(value) : undefined;
    if (font) {
      issues.push(legacyFontIssue(name, value, font));
      continue;
    }
    switch (spec.kind) {
      case 'name': {
        // LATIN_NAME first: the hot path; a look-alike apostrophe is in neither pattern (ʼ is a letter to NAME)
        if (LATIN_NAME.test(value)) {
          out[slot] = value;
          break;
        }
        const plain = value.replace(LOOKALIKE_APOSTROPHE, "'");
        if (isName(plain)) {
          out[slot] = plain;
          if (plain !== value) warnings = warned(warnings, rowIssue('NAME_APOSTROPHE_NORMALISED', name));
        } else if (name === 'full_name' && ALIAS.test(plain)) issues.push(rowIssue('NAME_HAS_ALIAS', name));
        else issues.push(rowIssue('NAME_INVALID_CHARACTERS', name));
        break;
      }
      case 'date': {
        const date = parseCalendarDate(value);
        if (!date) issues.push(rowIssue('DATE_INVALID', name));
        else if (date.iso > context.today) issues.push(rowIssue('DATE_IN_FUTURE', name));
        else if (date.year < 1900) issues.push(rowIssue('DATE_OF_BIRTH_TOO_EARLY', name));
        else out[slot] = date.iso;
        break;
      }
      case 'sex': {
        const sex = sexOf(value);
        if (sex) out[slot] = sex;
        else issues.push(textIssue('SEX_INVALID', name, value));
        break;
      }
      case 'personalId':
        // checked against sex and date of birth once every field is read
        out[slot] = compactDigits(value);
        break;
      case 'oldId': {
        const digits = compactDigits(value);
        if (/^\d{9}$/.test(digits)) out[slot] = digits;
        else issues.push(rowIssue('OLD_ID_FORMAT', name));
        break;
      }
      case 'relatedId': {
        const digits = compactDigits(value);
        if (isWellFormedRelatedId(digits)) out[slot] = digits;
        else issues.push(rowIssue('RELATED_PERSON_ID_INVALID', name));
        break;
      }
      case 'ethnicity': {
        const group = findEthnicGroup(value);
        if (group) out[slot] = group.code;
        else issues.push(textIssue('ETHNICITY_UNKNOWN', name, value));
        break;
      }
      case 'religion': {
        const religion = findReligion(value);
        if (religion) out[slot] = religion;
        else issues.push(textIssue('RELIGION_UNKNOWN', name, value));
        break;
      }
      case 'nationality': {
        const iso = findNationality(value);
        if (iso) out[slot] = iso;
        else issues.push(textIssue('NATIONALITY_UNKNOWN', name, value));
        break;
      }
      case 'bloodGroup': {
        const group = value
          .toUpperCase()
          .replace(/^NHÓM\s*/u, '')
          .replace(/\s|RH/g, '');
        if (/^(O|A|B|AB)[+-]?$/.test(group)) out[slot] = group;
        else issues.push(rowIssue('BLOOD_GROUP_INVALID', name));
        break;
      }
      case 'maritalStatus': {
        const status = maritalStatusOf(value);
        if (status) out[slot] = status;
        else issues.push(textIssue('MARITAL_STATUS_INVALID', name, value));
        break;
      }
      case 'commune': {
        // spreadsheets drop leading zeros: 4 is commune 00004
        const digits = value.replace(/\s/g, '');
        const commune = /^\d{1,5}$/.test(digits) ? findCommune(digits.padStart(5, '0')) : undefined;
        if (!commune) {
          issues.push(rowIssue('COMMUNE_CODE_UNKNOWN', name));
          break;
        }
        out[slot] = commune.code;
        if (commune.code2025) out[slot + 1] = commune.code2025;
        break;
      }
      case 'phone': {
        const phone = normalizePhone(value);
        if (phone) out[slot] = phone;
        else issues.push(rowIssue('PHONE_INVALID', name));
        break;
      }
      case 'email':
        if (EMAIL.test(value)) out[slot] = value.toLowerCase();
        else issues.push(rowIssue('EMAIL_INVALID', name));
        break;
      default:
        out[slot] = value;
    }
  }

  // Pass 2: the person's own ID against what the same form says of sex and birth year.
  const personalId = out[SLOT.personalId];
  if (personalId !== undefined) {
    const dateOfBirth = out[SLOT.dateOfBirth];
    const birthYear = dateOfBirth ? Number(dateOfBirth.slice(0, 4)) : undefined;
    const idIssues = checkPersonalId(personalId, 'personal_id', {
      sex: out[SLOT.sex] as Sex | undefined,
      birthYear,
    });
    issues.push(...idIssues);
    const place = out[SLOT.birthRegistrationPlace];
    if (idIssues.length === 0 && place !== undefined) {
      const mismatch = checkPersonalIdPlace(personalId, 'personal_id', place);
      if (mismatch) warnings = warned(warnings, mismatch);
    }
  }

  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, record: recordOf(out), issues: [], warnings: warnings ?? NO_WARNINGS };
}
