// Turns a raw batch row into a normalised PopulationRecord, or reports every problem it has.
// Hand-written rules rather than zod refinements: each failure needs its own stable code, and this is the
// hot path (a whole province per file), so every field is looked at once, with no exceptions thrown.
import { parseCalendarDate, todayInVietnam } from './dates.ts';
import { type RowIssue, rowIssue } from './errors.ts';
import { FIELD_NAMES, FIELDS, type FieldSpec, type RawRow } from './fields.ts';
import { compactDigits, isNormalText, looseKey, memoize, normalizeText } from './normalize.ts';
import { checkPersonalId, isWellFormedRelatedId } from './personal-id.ts';
import type { PopulationRecord, Sex } from './record.ts';
import { findCommune, findEthnicGroup, findNationality, findReligion } from './reference.ts';

export interface ValidationContext {
  /** YYYY-MM-DD; dates after it are in the future */
  today: string;
}

export type ValidationResult =
  | { ok: true; record: PopulationRecord; issues: [] }
  | { ok: false; record?: undefined; issues: RowIssue[] };

// C0/C1 controls other than tab, LF and CR (those are white space and get collapsed), and bidi overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const NAME = /^[\p{L}\p{M} '’.-]+$/u;
// The same test for Latin script (every Vietnamese name), without the cost of Unicode property classes.
const LATIN_NAME = /^[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff '’.-]+$/;
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
const PLAN = FIELD_NAMES.map((name) => ({
  name,
  key: name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
  ...(FIELDS[name] as FieldSpec),
}));
export function defaultValidationContext(): ValidationContext {
  return { today: todayInVietnam() };
}

/** Normalises a phone number to the national 10-digit form, or undefined when it is not one. */
function normalizePhone(value: string): string | undefined {
  let digits = value.replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('84') && digits.length === 11) digits = `0${digits.slice(2)}`;
  return PHONE.test(digits) ? digits : undefined;
}

export function validateRow(raw: RawRow, context: ValidationContext): ValidationResult {
  const issues: RowIssue[] = [];
  const out: Record<string, string | undefined> = {};

  // Pass 1: presence, encoding, control characters and length, then the per-field rules.
  for (const spec of PLAN) {
    const { name, key } = spec;
    const rawValue = raw[name];
    if (rawValue === undefined || rawValue === '') {
      if (spec.required) issues.push(rowIssue('REQUIRED_FIELD_MISSING', name));
      continue;
    }
    let value = rawValue;
    if (!isNormalText(rawValue)) {
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
      if (spec.required) issues.push(rowIssue('REQUIRED_FIELD_MISSING', name));
      continue;
    }
    if (value.length > spec.maxLength) {
      issues.push(rowIssue('FIELD_TOO_LONG', name, `max ${spec.maxLength}`));
      continue;
    }
    switch (spec.kind) {
      case 'name':
        if (LATIN_NAME.test(value) || NAME.test(value)) out[key] = value;
        else issues.push(rowIssue('NAME_INVALID_CHARACTERS', name));
        break;
      case 'date': {
        const date = parseCalendarDate(value);
        if (!date) issues.push(rowIssue('DATE_INVALID', name));
        else if (date.iso > context.today) issues.push(rowIssue('DATE_IN_FUTURE', name));
        else if (date.year < 1900) issues.push(rowIssue('DATE_OF_BIRTH_TOO_EARLY', name));
        else out[key] = date.iso;
        break;
      }
      case 'sex': {
        const sex = sexOf(value);
        if (sex) out[key] = sex;
        else issues.push(rowIssue('SEX_INVALID', name));
        break;
      }
      case 'personalId':
        // checked against sex and date of birth once every field is read
        out[key] = compactDigits(value);
        break;
      case 'oldId': {
        const digits = compactDigits(value);
        if (/^\d{9}$/.test(digits)) out[key] = digits;
        else issues.push(rowIssue('OLD_ID_FORMAT', name));
        break;
      }
      case 'relatedId': {
        const digits = compactDigits(value);
        if (isWellFormedRelatedId(digits)) out[key] = digits;
        else issues.push(rowIssue('RELATED_PERSON_ID_INVALID', name));
        break;
      }
      case 'ethnicity': {
        const group = findEthnicGroup(value);
        if (group) out.ethnicityCode = group.code;
        else issues.push(rowIssue('ETHNICITY_UNKNOWN', name));
        break;
      }
      case 'religion': {
        const religion = findReligion(value);
        if (religion) out[key] = religion;
        else issues.push(rowIssue('RELIGION_UNKNOWN', name));
        break;
      }
      case 'nationality': {
        const iso = findNationality(value);
        if (iso) out[key] = iso;
        else issues.push(rowIssue('NATIONALITY_UNKNOWN', name));
        break;
      }
      case 'bloodGroup': {
        const group = value
          .toUpperCase()
          .replace(/^NHÓM\s*/u, '')
          .replace(/\s|RH/g, '');
        if (/^(O|A|B|AB)[+-]?$/.test(group)) out[key] = group;
        else issues.push(rowIssue('BLOOD_GROUP_INVALID', name));
        break;
      }
      case 'maritalStatus': {
        const status = maritalStatusOf(value);
        if (status) out[key] = status;
        else issues.push(rowIssue('MARITAL_STATUS_INVALID', name));
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
        out[key] = commune.code;
        if (commune.code2025) out[`${key}2025`] = commune.code2025;
        break;
      }
      case 'phone': {
        const phone = normalizePhone(value);
        if (phone) out[key] = phone;
        else issues.push(rowIssue('PHONE_INVALID', name));
        break;
      }
      case 'email':
        if (EMAIL.test(value)) out[key] = value.toLowerCase();
        else issues.push(rowIssue('EMAIL_INVALID', name));
        break;
      default:
        out[key] = value;
    }
  }

  // Pass 2: the person's own ID against what the same form says of sex and birth year.
  if (out.personalId !== undefined) {
    const birthYear = out.dateOfBirth ? Number(out.dateOfBirth.slice(0, 4)) : undefined;
    const idIssues = checkPersonalId(out.personalId, 'personal_id', {
      sex: out.sex as Sex | undefined,
      birthYear,
    });
    issues.push(...idIssues);
  }

  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, record: out as unknown as PopulationRecord, issues: [] };
}
