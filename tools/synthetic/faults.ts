// Deliberate faults: each turns a correct rendered row into one that the validator rejects with exactly one
// code (the fault's name) and nothing else. Each is chosen with validate.ts's order of checks in mind: a field
// that fails presence, encoding, control-character or length checks is not looked at further, and the
// personal ID's cross-checks only run on fields that passed (so a bad date or sex hides ID mismatches).
import type { RowCode } from '#domain/errors.ts';
import { type FieldName, type RawRow, REQUIRED_FIELDS } from '#domain/fields.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { findCommune, ID_COUNTRY_CODES, ID_PROVINCE_CODES } from '#domain/reference.ts';
import { centurySexDigit } from './ids.ts';
import { renderDate } from './render.ts';
import type { Rng } from './rng.ts';

/** The faults the brief asks for: every one the generator must be able to produce. */
export const CORE_FAULT_KINDS = [
  'REQUIRED_FIELD_MISSING',
  'PERSONAL_ID_FORMAT',
  'PERSONAL_ID_PREFIX_UNKNOWN',
  'PERSONAL_ID_SEX_MISMATCH',
  'PERSONAL_ID_YEAR_MISMATCH',
  'PERSONAL_ID_CENTURY_MISMATCH',
  'DATE_INVALID',
  'DATE_IN_FUTURE',
  'OLD_ID_FORMAT',
  'ETHNICITY_UNKNOWN',
  'RELIGION_UNKNOWN',
  'NATIONALITY_UNKNOWN',
  'COMMUNE_CODE_UNKNOWN',
  'CONTROL_CHARACTER',
  'FIELD_TOO_LONG',
  'NAME_INVALID_CHARACTERS',
  'RELATED_PERSON_ID_INVALID',
  'PHONE_INVALID',
] as const satisfies readonly RowCode[];

/** Every fault kind; each is named by the one row code it must produce. */
export const FAULT_KINDS = [
  ...CORE_FAULT_KINDS,
  'DATE_OF_BIRTH_TOO_EARLY',
  'SEX_INVALID',
  'BLOOD_GROUP_INVALID',
  'MARITAL_STATUS_INVALID',
  'EMAIL_INVALID',
  'INVALID_ENCODING',
] as const satisfies readonly RowCode[];

export type FaultKind = (typeof FAULT_KINDS)[number];

const nfc = (text: string): string[] => text.normalize('NFC').split('|');

// Values the official lists do not know (test/synthetic runs every fault kind through the checker).
const UNKNOWN_ETHNICITIES = nfc('Jarai|Banar|Kinh Mường|55|00|Không rõ|Thượng|Việt|Dân tộc thiểu số');
const UNKNOWN_RELIGIONS = nfc('Thờ cúng ông bà|Vô thần|Đạo Hà Mòn|Tin lành Đêga|Thờ cúng tổ tiên|Lương');
const UNKNOWN_NATIONALITIES = nfc('Kinh|Không quốc tịch|Việt Nam Cộng hòa|Gia Rai|Việt|Annam');
const INVALID_SEXES = nfc('Khác|X|Không rõ|Trai|Gái|M|F|?');
const INVALID_BLOOD_GROUPS = nfc('C|O/A|Không rõ|AO|Rh+');
const INVALID_MARITAL = nfc('Ly thân|Sống chung|Có vợ|Có chồng|Không');
const NOT_AN_ID = nfc('Không có|Đã mất|Không rõ|Chưa có');
const NICKNAMES = nfc('Tèo|Tí|Bi|Bống|Cu|Út');

/** 3-digit codes that are neither a province (0xx) nor a country (1xx–2xx) code. */
const UNKNOWN_ID_PREFIXES: readonly string[] = Array.from({ length: 1000 }, (_, i) =>
  String(i).padStart(3, '0'),
).filter((code) => !ID_PROVINCE_CODES.has(code) && !ID_COUNTRY_CODES.has(code));
const UNKNOWN_PROVINCE_LIKE = UNKNOWN_ID_PREFIXES.filter((code) => code.startsWith('0'));

// C0/C1 controls (not tab, LF or CR, which are white space; not NUL, which makes a file look binary) and
// the bidi marks and overrides that can make text display differently from what it says.
const CONTROL_CHARACTERS = [
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u001a',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
];

export interface FaultTarget {
  rng: Rng;
  /** the rendered row, changed in place */
  values: RawRow;
  /** the record the row was rendered from */
  record: PopulationRecord;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function birth(record: PopulationRecord): { year: number; month: number; day: number } {
  const [year = 0, month = 0, day = 0] = record.dateOfBirth.split('-').map(Number);
  return { year, month, day };
}

/** The person's ID, or (for someone without one) an ID as it would look, for the ID faults to corrupt. */
function baseId({ rng, record }: FaultTarget): string {
  if (record.personalId) return record.personalId;
  const { year } = birth(record);
  return `064${centurySexDigit(record.sex, year)}${String(year % 100).padStart(2, '0')}${rng.digits(6)}`;
}

function presentFields(values: RawRow, candidates: readonly FieldName[]): FieldName[] {
  return candidates.filter((name) => (values[name] ?? '').trim() !== '');
}

/** Replaces a digit at position i with a different digit. */
function changeDigit(rng: Rng, digits: string, i: number): string {
  const old = digits.charCodeAt(i) - 48;
  const next = (old + rng.between(1, 9)) % 10;
  return `${digits.slice(0, i)}${next}${digits.slice(i + 1)}`;
}

const TEXT_FIELDS: readonly FieldName[] = [
  'full_name',
  'current_address',
  'hometown',
  'birth_registration_place',
  'permanent_address',
  'father_name',
  'mother_name',
];
const NAME_FIELDS: readonly FieldName[] = [
  'full_name',
  'full_name',
  'father_name',
  'mother_name',
  'household_head_name',
  'spouse_name',
  'other_name',
];
const RELATED_ID_FIELDS: readonly FieldName[] = ['household_head_id', 'father_id', 'mother_id', 'spouse_id'];

const FAULTS: Record<FaultKind, (target: FaultTarget) => void> = {
  REQUIRED_FIELD_MISSING({ rng, values }) {
    const field = rng.pick(REQUIRED_FIELDS);
    const r = rng.next();
    values[field] = r < 0.75 ? '' : r < 0.95 ? '   ' : '\u00a0';
  },

  FIELD_TOO_LONG(target) {
    const { rng, values, record } = target;
    const r = rng.next();
    if (r < 0.35) {
      // a note about the person typed into the address cell
      let text = record.currentAddress;
      while (text.length <= 300)
        text += `, gần ${rng.pick(['trường tiểu học', 'chợ', 'nhà văn hóa thôn', 'trạm y tế xã', 'cầu treo'])}`;
      values.current_address = text;
    } else if (r < 0.6) {
      let text = record.fullName;
      const parent = record.fatherName ?? record.motherName ?? 'Nguyễn Văn Bình';
      text += ` con ông bà ${parent}`;
      while (text.length <= 100) text += ` ${record.fullName}`;
      values.full_name = text;
    } else if (r < 0.8) {
      values.form_id = `${values.form_id || 'DC01-64-000001'} bổ sung theo yêu cầu của Công an xã`;
    } else {
      const phone = record.phone ?? '0912345678';
      values.phone = `${phone} - 0${rng.pick(['97', '98', '35', '86'])}${rng.digits(7)} (nhà riêng)`;
    }
  },

  CONTROL_CHARACTER({ rng, values }) {
    const field = rng.pick(presentFields(values, TEXT_FIELDS));
    const text = values[field] ?? '';
    const at = rng.int(text.length + 1);
    values[field] = `${text.slice(0, at)}${rng.pick(CONTROL_CHARACTERS)}${text.slice(at)}`;
  },

  INVALID_ENCODING({ rng, values }) {
    const field = rng.pick(presentFields(values, ['full_name', 'current_address', 'hometown']));
    const text = values[field] ?? '';
    // a byte sequence the decoder could not read becomes U+FFFD, usually where a Vietnamese letter was
    const nonAscii = [...text].findIndex((c) => c.charCodeAt(0) > 127);
    const at = nonAscii >= 0 ? nonAscii : rng.int(text.length);
    values[field] = `${text.slice(0, at)}\ufffd${text.slice(at + 1)}`;
  },

  NAME_INVALID_CHARACTERS({ rng, values }) {
    const field = rng.pick(presentFields(values, NAME_FIELDS));
    const name = (values[field] ?? '').trim();
    const words = name.split(' ');
    const r = rng.next();
    if (r < 0.2 || words.length < 2) values[field] = `${name} ${rng.between(1, 3)}`;
    // a full name's alias in parentheses is NAME_HAS_ALIAS (issue 14): there, one left open
    else if (r < 0.4) values[field] = `${name} (${rng.pick(NICKNAMES)}${field === 'full_name' ? '' : ')'}`;
    else if (r < 0.55) values[field] = words.join('_');
    else if (r < 0.7) values[field] = `${name}/${rng.pick(NICKNAMES)}`;
    else if (r < 0.85) values[field] = `${name} "${rng.pick(NICKNAMES)}"`;
    else values[field] = `${name}?`;
  },

  DATE_INVALID({ rng, values, record }) {
    const { year, month, day } = birth(record);
    const mm = String(month).padStart(2, '0');
    const dd = String(day).padStart(2, '0');
    const r = rng.next();
    if (r < 0.3) {
      const badDay = daysIn(year, 2) === 28 && rng.chance(0.5) ? 29 : rng.pick([30, 31]);
      values.date_of_birth = rng.chance(0.5) ? `${badDay}/02/${year}` : `${year}-02-${badDay}`;
    } else if (r < 0.45) {
      values.date_of_birth = `31/${rng.pick(['04', '06', '09', '11'])}/${year}`;
    } else if (r < 0.55) {
      values.date_of_birth = rng.chance(0.5) ? `${year}-13-${dd}` : `${dd}/${rng.between(13, 19)}/${year}`;
    } else if (r < 0.65) {
      values.date_of_birth = `00/${mm}/${year}`;
    } else if (r < 0.75) {
      values.date_of_birth = `${dd}/${mm}/${String(year % 100).padStart(2, '0')}`;
    } else if (r < 0.85) {
      values.date_of_birth = `${month}/${year}`; // only the month and year known
    } else if (r < 0.95) {
      values.date_of_birth = String(year); // only the year known
    } else {
      values.date_of_birth = `${year}/${mm}/${dd}`;
    }
  },

  DATE_IN_FUTURE({ rng, values, record }) {
    const { month, day } = birth(record);
    // a mistyped year (2052 for 2025): far enough ahead that the fault holds for decades
    const year = rng.between(2050, 2099);
    values.date_of_birth = renderDate(
      rng,
      `${year}-${String(month).padStart(2, '0')}-${String(Math.min(day, 28)).padStart(2, '0')}`,
    );
  },

  DATE_OF_BIRTH_TOO_EARLY({ rng, values, record }) {
    const { year, month, day } = birth(record);
    const early = 1800 + (year % 100); // 1859 for 1959
    values.date_of_birth = renderDate(
      rng,
      `${early}-${String(month).padStart(2, '0')}-${String(Math.min(day, 28)).padStart(2, '0')}`,
    );
  },

  SEX_INVALID({ rng, values }) {
    values.sex = rng.pick(INVALID_SEXES);
  },

  PERSONAL_ID_FORMAT(target) {
    const { rng, values } = target;
    const id = baseId(target);
    const r = rng.next();
    if (r < 0.3) {
      const at = rng.int(12);
      values.personal_id = id.slice(0, at) + id.slice(at + 1); // a digit dropped
    } else if (r < 0.5) {
      const at = rng.int(13);
      values.personal_id = `${id.slice(0, at)}${rng.int(10)}${id.slice(at)}`; // a digit doubled or added
    } else if (r < 0.65) {
      values.personal_id = `O${id.slice(1)}`; // letter O for zero
    } else if (r < 0.85) {
      values.personal_id = target.record.oldIdNumber ?? `23${rng.digits(7)}`; // the old CMND in the ID cell
    } else {
      values.personal_id = rng.pick(NOT_AN_ID);
    }
  },

  PERSONAL_ID_PREFIX_UNKNOWN(target) {
    const prefix = target.rng.chance(0.85)
      ? target.rng.pick(UNKNOWN_PROVINCE_LIKE)
      : target.rng.pick(UNKNOWN_ID_PREFIXES);
    target.values.personal_id = `${prefix}${baseId(target).slice(3)}`;
  },

  PERSONAL_ID_SEX_MISMATCH(target) {
    const id = baseId(target);
    const g = Number(id[3]) ^ 1;
    target.values.personal_id = `${id.slice(0, 3)}${g}${id.slice(4)}`;
  },

  PERSONAL_ID_CENTURY_MISMATCH(target) {
    const id = baseId(target);
    const g = Number(id[3]);
    const other = g >= 2 ? g - 2 : g + 2;
    target.values.personal_id = `${id.slice(0, 3)}${other}${id.slice(4)}`;
  },

  PERSONAL_ID_YEAR_MISMATCH(target) {
    const id = baseId(target);
    const yy = id.slice(4, 6);
    const swapped = `${yy[1]}${yy[0]}`;
    const wrong = swapped !== yy ? swapped : changeDigit(target.rng, yy, 1);
    target.values.personal_id = `${id.slice(0, 4)}${wrong}${id.slice(6)}`;
  },

  OLD_ID_FORMAT(target) {
    const { rng, values, record } = target;
    const old = record.oldIdNumber ?? `23${rng.digits(7)}`;
    const r = rng.next();
    if (r < 0.35) values.old_id_number = old.slice(0, 8);
    else if (r < 0.6) values.old_id_number = `${old}${rng.int(10)}`;
    else if (r < 0.85)
      values.old_id_number = baseId(target); // the new 12-digit ID in the old ID cell
    else values.old_id_number = `${old.slice(0, 2)} ${old.slice(2, 5)} ${old.slice(5, 7)}`;
  },

  RELATED_PERSON_ID_INVALID({ rng, values, record }) {
    const present = presentFields(values, RELATED_ID_FIELDS);
    const field = present.length > 0 ? rng.pick(present) : rng.pick(RELATED_ID_FIELDS);
    const id = values[field] ?? record.personalId ?? `064${rng.digits(9)}`;
    const r = rng.next();
    if (r < 0.3) values[field] = id.slice(0, -1).length === 8 ? `${id}${rng.digits(2)}` : id.slice(0, -1);
    else if (r < 0.5) values[field] = `${id}${rng.int(10)}`.slice(0, 13).padEnd(10, '0');
    else if (r < 0.75) values[field] = `${rng.pick(UNKNOWN_PROVINCE_LIKE)}${rng.digits(9)}`;
    else values[field] = rng.pick(NOT_AN_ID);
  },

  ETHNICITY_UNKNOWN({ rng, values }) {
    values.ethnicity = rng.pick(UNKNOWN_ETHNICITIES);
  },

  RELIGION_UNKNOWN({ rng, values }) {
    values.religion = rng.pick(UNKNOWN_RELIGIONS);
  },

  NATIONALITY_UNKNOWN({ rng, values }) {
    values.nationality = rng.pick(UNKNOWN_NATIONALITIES);
  },

  COMMUNE_CODE_UNKNOWN({ rng, values, record }) {
    const field: FieldName =
      values.permanent_commune_code && rng.chance(0.4) ? 'permanent_commune_code' : 'current_commune_code';
    const code =
      (field === 'permanent_commune_code' ? record.permanentCommuneCode : record.currentCommuneCode) ??
      '23557';
    if (rng.chance(0.15)) {
      values[field] = `0${code}`; // six digits
      return;
    }
    // a mistyped last digit, for one that no commune has in either list
    for (let step = 1; step < 10; step++) {
      const typo = `${code.slice(0, 4)}${(Number(code[4]) + step) % 10}`;
      if (!findCommune(typo)) {
        values[field] = typo;
        return;
      }
    }
    values[field] = `0${code}`;
  },

  PHONE_INVALID({ rng, values, record }) {
    const phone = record.phone ?? `09${rng.digits(8)}`;
    const r = rng.next();
    if (r < 0.25)
      values.phone = `01${rng.pick(['2', '6', '8', '9'])}${phone.slice(2)}`; // an 11-digit number from before 2018
    else if (r < 0.45) values.phone = phone.slice(0, 9);
    else if (r < 0.6)
      values.phone = `0269${rng.digits(7)}`; // a Gia Lai landline, 11 digits
    else if (r < 0.75) values.phone = `${phone}${rng.int(10)}`;
    else if (r < 0.9)
      values.phone = `${phone.slice(0, 3)}O${phone.slice(4)}`; // letter O for zero
    else values.phone = '0123456789';
  },

  BLOOD_GROUP_INVALID({ rng, values }) {
    values.blood_group = rng.pick(INVALID_BLOOD_GROUPS);
  },

  MARITAL_STATUS_INVALID({ rng, values }) {
    values.marital_status = rng.pick(INVALID_MARITAL);
  },

  EMAIL_INVALID({ rng, values, record }) {
    const local = (record.email ?? 'nguyenvanan85@gmail.com').split('@')[0] ?? 'an85';
    values.email = rng.pick([
      `${local}@gmail`,
      `${local}.gmail.com`,
      `${local}@@gmail.com`,
      `${local} @gmail.com`,
    ]);
  },
};

/** Changes a rendered row so that it fails with exactly the code `kind`. */
export function applyFault(kind: FaultKind, target: FaultTarget): void {
  FAULTS[kind](target);
}
