// Issue 14 part 2: warnings on accepted rows (the ID's place code; look-alike apostrophes), and the alias rejection.
import { describe, expect, it } from 'vitest';
import { findBirthProvince } from '#domain/birth-province.ts';
import type { RawRow } from '#domain/fields.ts';
import { personIdentity } from '#domain/identity.ts';
import { validateRow } from '#domain/validate.ts';

const context = { today: '2026-11-27' };
const valid: RawRow = {
  full_name: 'Nguyễn Thị Thuý',
  date_of_birth: '5/3/1990',
  sex: 'Nữ',
  personal_id: '064190123456',
  birth_registration_place: 'Xã Ia Kring, Thành phố Pleiku, Tỉnh Gia Lai',
  hometown: 'Tỉnh Bình Định',
  ethnicity: 'Kinh',
  nationality: 'Việt Nam',
  current_address: '12 Trần Phú, Pleiku',
};

function check(changes: RawRow) {
  return validateRow({ ...valid, ...changes }, context);
}
const warningsOf = (changes: RawRow) => {
  const result = check(changes);
  if (!result.ok) throw new Error(`expected a valid row, got ${JSON.stringify(result.issues)}`);
  return result.warnings;
};

describe('PERSONAL_ID_PLACE_MISMATCH', () => {
  it('says nothing when the ID opens with the place’s province', () => {
    expect(warningsOf({})).toEqual([]);
    expect(warningsOf({ birth_registration_place: 'Gia Lai, Việt Nam' })).toEqual([]);
  });

  it('warns, and accepts, when the ID opens with another province', () => {
    const result = check({ birth_registration_place: 'Phường Bến Thành, Quận 1, TP. Hồ Chí Minh' });
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      { code: 'PERSONAL_ID_PLACE_MISMATCH', field: 'personal_id', detail: '064 ≠ Hồ Chí Minh' },
    ]);
  });

  it('warns on a country code for a birth registered in a Vietnamese province', () => {
    // 232: Japan (Annex II)
    expect(warningsOf({ personal_id: '232190123456' }).map((w) => w.code)).toEqual([
      'PERSONAL_ID_PLACE_MISMATCH',
    ]);
  });

  it('says nothing when the place names no province (a district, abroad, a commune alone)', () => {
    for (const place of ['Xã Ia Kring, Thành phố Pleiku', 'Tokyo, Nhật Bản', 'Ia Kring', '']) {
      expect(findBirthProvince(place), place).toBeUndefined();
    }
    expect(warningsOf({ birth_registration_place: 'Huyện Ia Grai', personal_id: '001190123456' })).toEqual(
      [],
    );
    expect(warningsOf({ birth_registration_place: 'Tokyo, Nhật Bản', personal_id: '232190123456' })).toEqual(
      [],
    );
  });

  it('reads the province by its 2020 or 2025 name, with or without its prefix, loosely', () => {
    for (const place of ['Tỉnh Gia Lai', 'gia lai', 'GIA-LAI', 'X, Y, Tinh Gia Lai', 'Gia Lai;']) {
      expect(findBirthProvince(place)?.name, place).toBe('Gia Lai');
    }
    expect(findBirthProvince('Q1, TPHCM')?.name).toBe('Hồ Chí Minh');
    expect(findBirthProvince('Phường Phú Hội, Huế')?.name).toBe('Thừa Thiên Huế');
    expect(findBirthProvince('Bà Rịa Vũng Tàu')?.name).toBe('Bà Rịa - Vũng Tàu');
    expect(findBirthProvince('Tỉnh Hoà Bình')?.name).toBe('Hòa Bình');
  });

  it('lets a name a 2025 province bears agree with any province merged into it, a gone name only with its own', () => {
    // 2025 Gia Lai = 2020 Gia Lai (064) + Bình Định (052)
    expect(warningsOf({ personal_id: '052190123456' })).toEqual([]);
    // Bình Định's name went away in 2025: only 052
    expect(warningsOf({ birth_registration_place: 'Tỉnh Bình Định', personal_id: '052190123456' })).toEqual(
      [],
    );
    expect(
      warningsOf({ birth_registration_place: 'Tỉnh Bình Định', personal_id: '064190123456' }).map(
        (w) => w.code,
      ),
    ).toEqual(['PERSONAL_ID_PLACE_MISMATCH']);
    // 2025 Hồ Chí Minh = 74 Bình Dương + 77 Bà Rịa - Vũng Tàu + 79
    expect(warningsOf({ birth_registration_place: 'TP Hồ Chí Minh', personal_id: '077190123456' })).toEqual(
      [],
    );
    // a province left alone in 2025 (Hà Nội) agrees only with its own code
    expect(
      warningsOf({ birth_registration_place: 'Hà Nội', personal_id: '026190123456' }).map((w) => w.code),
    ).toEqual(['PERSONAL_ID_PLACE_MISMATCH']);
  });

  it('is not added to a row the ID already rejects', () => {
    const result = check({ personal_id: '079190123456', sex: 'Nam' });
    expect(result.issues.map((i) => i.code)).toEqual(['PERSONAL_ID_SEX_MISMATCH']);
  });
});

describe('NAME_APOSTROPHE_NORMALISED', () => {
  it.each(['’', '′', 'ʼ', '‘', '`'])('stores %s in a name as a plain apostrophe, and warns', (mark) => {
    const result = check({ full_name: `Rơ Mah H${mark}Nhi`, father_name: `Ksor Y${mark}Bih` });
    expect(result.ok).toBe(true);
    expect(result.record?.fullName).toBe("Rơ Mah H'Nhi");
    expect(result.record?.fatherName).toBe("Ksor Y'Bih");
    expect(result.warnings).toEqual([
      { code: 'NAME_APOSTROPHE_NORMALISED', field: 'full_name' },
      { code: 'NAME_APOSTROPHE_NORMALISED', field: 'father_name' },
    ]);
  });

  it('says nothing of a plain apostrophe', () => {
    expect(warningsOf({ full_name: "Rơ Mah H'Nhi" })).toEqual([]);
  });

  it('gives a look-alike the identity of the plain spelling: one person in the dedupe and the register', () => {
    const plain = check({ full_name: "Rơ Mah H'Nhi" }).record;
    const curly = check({ full_name: 'Rơ Mah H’Nhi' }).record;
    if (!plain || !curly) throw new Error('both rows are valid');
    expect(curly).toEqual(plain);
    expect(personIdentity(curly)).toBe(personIdentity(plain));
  });

  it('still rejects a name with other characters besides', () => {
    expect(check({ full_name: 'H’Nhi 2' }).issues.map((i) => i.code)).toEqual(['NAME_INVALID_CHARACTERS']);
  });
});

describe('NAME_HAS_ALIAS', () => {
  it('rejects a full name with an alias in parentheses, pointing to other_name', () => {
    const result = check({ full_name: 'Hà Ngọc Thi (Thy)' });
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([{ code: 'NAME_HAS_ALIAS', field: 'full_name' }]);
  });

  it('takes the same person with the alias in other_name', () => {
    const result = check({ full_name: 'Hà Ngọc Thi', other_name: 'Thy' });
    expect(result.ok).toBe(true);
    expect(result.record?.otherName).toBe('Thy');
  });

  it('leaves parentheses in other name fields, and unbalanced ones, as invalid characters', () => {
    expect(check({ father_name: 'Hà Văn Tư (Tứ)' }).issues.map((i) => i.code)).toEqual([
      'NAME_INVALID_CHARACTERS',
    ]);
    expect(check({ full_name: 'Hà Ngọc (Thi' }).issues.map((i) => i.code)).toEqual([
      'NAME_INVALID_CHARACTERS',
    ]);
  });
});
