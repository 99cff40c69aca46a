import { describe, expect, it } from 'vitest';
import { ROW_CODES } from '#domain/errors.ts';
import type { RawRow } from '#domain/fields.ts';
import { PopulationRecord } from '#domain/record.ts';
import { validateRow } from '#domain/validate.ts';

const context = { today: '2026-11-27' };

const valid: RawRow = {
  form_id: 'DC01-64-000001',
  full_name: 'Nguyễn Thị Thuý',
  date_of_birth: '5/3/1990',
  sex: 'Nữ',
  personal_id: '064 190 123456',
  birth_registration_place: 'Xã Ia Kring, Thành phố Pleiku, Tỉnh Gia Lai',
  hometown: 'Tỉnh Bình Định',
  ethnicity: 'Kinh',
  nationality: 'Việt Nam',
  current_address: '12 Trần Phú, Phường Diên Hồng, Pleiku',
  current_commune_code: '23560',
};

function codesOf(row: RawRow): string[] {
  return validateRow(row, context).issues.map((issue) => issue.code);
}
function recordOf(row: RawRow) {
  const result = validateRow(row, context);
  if (!result.ok) throw new Error(`expected a valid row, got ${JSON.stringify(result.issues)}`);
  return result.record;
}

describe('validateRow: a valid form', () => {
  it('yields a normalised record that satisfies the zod schema', () => {
    const record = recordOf(valid);
    expect(PopulationRecord.parse(record)).toEqual(record);
    expect(record).toMatchObject({
      fullName: 'Nguyễn Thị Thuý',
      dateOfBirth: '1990-03-05',
      sex: 'female',
      personalId: '064190123456',
      ethnicityCode: '01',
      nationality: 'VN',
      currentCommuneCode: '23560',
    });
  });

  it('keeps the name as written but in NFC with single spaces', () => {
    const record = recordOf({ ...valid, full_name: '  nguyễn   thị  thuý '.normalize('NFD') });
    expect(record.fullName).toBe('nguyễn thị thuý'.normalize('NFC'));
  });

  it('accepts sex without regard to case or diacritics', () => {
    for (const [written, sex] of [
      ['NỮ', 'female'],
      ['nu', 'female'],
      ['Female', 'female'],
      ['NAM', 'male'],
      ['male', 'male'],
    ] as const) {
      const id = sex === 'male' ? '064090123456' : '064190123456';
      expect(recordOf({ ...valid, sex: written, personal_id: id }).sex).toBe(sex);
    }
  });

  it('accepts both date formats with one or two digits', () => {
    expect(recordOf({ ...valid, date_of_birth: '1990-03-05' }).dateOfBirth).toBe('1990-03-05');
    expect(recordOf({ ...valid, date_of_birth: '05/03/1990' }).dateOfBirth).toBe('1990-03-05');
    expect(recordOf({ ...valid, date_of_birth: '29/2/1992', personal_id: '064192123456' }).dateOfBirth).toBe(
      '1992-02-29',
    );
  });

  it('matches ethnic groups by code or by the names people write', () => {
    for (const [written, code] of [
      ['10', '10'],
      ['1', '01'],
      ['Gia Rai', '10'],
      ['gia-rai', '10'],
      ['Jrai', '10'],
      ['Khmer', '05'],
      ['Khơ-me', '05'],
      ['Mông', '08'],
      ["H'Mông", '08'],
      ['HMÔNG', '08'],
      ['Ba Na', '13'],
      ['Ê Đê', '12'],
    ]) {
      expect(recordOf({ ...valid, ethnicity: written }).ethnicityCode, written).toBe(code);
    }
  });

  it('takes religion "Không" as none, and official names loosely', () => {
    expect(recordOf({ ...valid, religion: 'không' }).religion).toBe('Không');
    expect(recordOf({ ...valid, religion: 'Cong giao' }).religion).toBe('Công giáo');
    expect(recordOf({ ...valid, religion: 'Thiên Chúa giáo' }).religion).toBe('Công giáo');
  });

  it('maps nationality names and codes to ISO', () => {
    expect(recordOf({ ...valid, nationality: 'VN' }).nationality).toBe('VN');
    expect(recordOf({ ...valid, nationality: 'Lào' }).nationality).toBe('LA');
  });

  it('maps a 2020 commune code to its 2025 successor, and restores leading zeros', () => {
    // 23557 Phường Yên Đỗ (Pleiku, 2020) became part of a 2025 ward
    const record = recordOf({ ...valid, current_commune_code: '23557' });
    expect(record.currentCommuneCode).toBe('23557');
    expect(record.currentCommuneCode2025).toMatch(/^\d{5}$/);
    expect(recordOf({ ...valid, current_commune_code: '4' }).currentCommuneCode).toBe('00004');
  });

  it('normalises phones and IDs written with separators', () => {
    const record = recordOf({ ...valid, phone: '+84 905.123.456', old_id_number: '230-123-456' });
    expect(record.phone).toBe('0905123456');
    expect(record.oldIdNumber).toBe('230123456');
  });

  it('accepts a person with no personal ID yet', () => {
    expect(recordOf({ ...valid, personal_id: '' }).personalId).toBeUndefined();
  });
});

describe('validateRow: each rule has its code', () => {
  const cases: [string, RawRow, string[]][] = [
    ['missing required field', { ...valid, full_name: '' }, ['REQUIRED_FIELD_MISSING']],
    ['white space only is missing', { ...valid, hometown: ' \t ' }, ['REQUIRED_FIELD_MISSING']],
    ['field too long', { ...valid, current_address: 'x'.repeat(301) }, ['FIELD_TOO_LONG']],
    ['control character', { ...valid, hometown: 'Gia\u0007Lai' }, ['CONTROL_CHARACTER']],
    ['bidi override', { ...valid, full_name: 'Nguyễn \u202eAn' }, ['CONTROL_CHARACTER']],
    ['undecodable bytes', { ...valid, hometown: 'Gia L\ufffdi' }, ['INVALID_ENCODING']],
    ['digits in a name', { ...valid, full_name: 'Nguyễn Văn 2' }, ['NAME_INVALID_CHARACTERS']],
    ['impossible date', { ...valid, date_of_birth: '31/02/1990' }, ['DATE_INVALID']],
    ['unparseable date', { ...valid, date_of_birth: '1990' }, ['DATE_INVALID']],
    ['future date', { ...valid, date_of_birth: '2027-01-01', personal_id: '' }, ['DATE_IN_FUTURE']],
    ['before 1900', { ...valid, date_of_birth: '1899-12-31', personal_id: '' }, ['DATE_OF_BIRTH_TOO_EARLY']],
    ['sex', { ...valid, sex: 'X' }, ['SEX_INVALID']],
    ['ID length', { ...valid, personal_id: '06419012345' }, ['PERSONAL_ID_FORMAT']],
    ['ID prefix', { ...valid, personal_id: '003190123456' }, ['PERSONAL_ID_PREFIX_UNKNOWN']],
    ['ID sex digit', { ...valid, personal_id: '064090123456' }, ['PERSONAL_ID_SEX_MISMATCH']],
    ['ID century', { ...valid, personal_id: '064390123456' }, ['PERSONAL_ID_CENTURY_MISMATCH']],
    ['ID year', { ...valid, personal_id: '064191123456' }, ['PERSONAL_ID_YEAR_MISMATCH']],
    ['old ID', { ...valid, old_id_number: '12345678' }, ['OLD_ID_FORMAT']],
    ['father ID', { ...valid, father_id: '12345' }, ['RELATED_PERSON_ID_INVALID']],
    ['household head ID', { ...valid, household_head_id: '003190123456' }, ['RELATED_PERSON_ID_INVALID']],
    ['ethnicity', { ...valid, ethnicity: 'Kinhh' }, ['ETHNICITY_UNKNOWN']],
    ['ethnicity code', { ...valid, ethnicity: '55' }, ['ETHNICITY_UNKNOWN']],
    ['religion', { ...valid, religion: 'Pastafarian' }, ['RELIGION_UNKNOWN']],
    ['nationality', { ...valid, nationality: 'Atlantis' }, ['NATIONALITY_UNKNOWN']],
    ['commune', { ...valid, current_commune_code: '99999' }, ['COMMUNE_CODE_UNKNOWN']],
    ['commune text', { ...valid, permanent_commune_code: 'Pleiku' }, ['COMMUNE_CODE_UNKNOWN']],
    ['blood group', { ...valid, blood_group: 'C' }, ['BLOOD_GROUP_INVALID']],
    ['marital status', { ...valid, marital_status: 'maybe' }, ['MARITAL_STATUS_INVALID']],
    ['phone', { ...valid, phone: '12345' }, ['PHONE_INVALID']],
    ['email', { ...valid, email: 'not-an-email' }, ['EMAIL_INVALID']],
  ];
  it.each(cases)('%s', (_, row, expected) => {
    expect(codesOf(row)).toEqual(expected);
  });

  it('reports every problem of a row, not just the first', () => {
    const codes = codesOf({ ...valid, full_name: '', sex: '?', ethnicity: 'x', phone: '1' });
    expect(codes).toEqual(['REQUIRED_FIELD_MISSING', 'SEX_INVALID', 'ETHNICITY_UNKNOWN', 'PHONE_INVALID']);
  });

  it('names the field in each issue', () => {
    expect(validateRow({ ...valid, father_id: '1' }, context).issues).toEqual([
      { code: 'RELATED_PERSON_ID_INVALID', field: 'father_id' },
    ]);
  });

  it('has a Vietnamese and an English message for every code', () => {
    for (const [code, message] of Object.entries(ROW_CODES)) {
      expect(message.vi.length, code).toBeGreaterThan(5);
      expect(message.en.length, code).toBeGreaterThan(5);
      expect(message.vi, code).not.toBe(message.en);
    }
  });
});
