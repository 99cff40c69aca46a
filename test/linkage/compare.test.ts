import { describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import {
  compareDates,
  compareIds,
  compareNames,
  comparePlaces,
  compareRecords,
  compareRelativeNames,
  isDigitSlip,
} from '../../shared/linkage/compare.ts';
import { foldText, nameParts, skeleton } from '../../shared/linkage/name-form.ts';

const nfd = (s: string) => s.normalize('NFD');

describe('name forms', () => {
  it('folds case, tones, vowel marks and đ, the same for NFC and NFD', () => {
    expect(foldText('Nguyễn Thị Đào')).toBe('nguyen thi dao');
    expect(foldText(nfd('Nguyễn  Thị Đào '))).toBe('nguyen thi dao');
  });

  it('puts the family name first whatever order the name was written in', () => {
    for (const written of ['Nguyễn Văn Hùng', 'Hùng Nguyễn Văn', 'Văn Hùng Nguyễn']) {
      expect(nameParts(written)).toMatchObject({ family: 'nguyen', middle: ['van'], given: 'hung' });
    }
    // a slip in Nguyễn does not move the anchor to another token
    expect(nameParts('Nguyễm Văn Hoàng').given).toBe('hoang');
  });

  it('reduces a word to its consonant skeleton', () => {
    expect(skeleton('hung')).toBe('hng');
    expect(skeleton('huong')).toBe('hng');
    expect(skeleton('anh')).toBe('anh');
    expect(skeleton('nguyen thi lan')).toBe('ngn th ln');
  });
});

describe('compareNames', () => {
  it.each([
    ['Nguyễn Văn Hòa', 'NGUYỄN VĂN HOÀ', 'exact'], // case and tone placement
    ['Nguyễn Văn Hòa', nfd('Nguyễn Văn Hòa'), 'exact'],
    ['Nguyễn Văn Hùng', 'Hùng Nguyễn Văn', 'order'],
    ['Nguyễn Văn Hùng', 'Nguyen Van Hung', 'diacritics'],
    ['Nguyễn Văn Hùng', 'Nguyên Văn Hùng', 'accents'],
    ['Nguyễn Văn Hùng', 'Nguyễn Văn Hưng', 'givenTypo'],
    ['Nguyễn Thị Thủy', 'Nguyễn Thị Thúy', 'givenTypo'],
    ['Trần Thị Huyền', 'Trần Huyền', 'middle'],
    ['Trần Thị Nguyệt', 'Trầm Thị Nguyệt', 'typo'],
    ['Trần Thị Nguyệt', 'Trần Thị Nguytệt', 'givenTypo'],
    ['Đỗ Thanh Hằng', 'Đỗ Thanh Hồng', 'givenTypo'],
    ['Đỗ Thị Hòa', 'Đỗ Thị Loan', 'different'],
    ['Nguyễn Văn Hùng', 'Nguyễn Đức Hùng', 'different'],
  ])('%s / %s: %s', (a, b, level) => {
    expect(compareNames(a, b)).toBe(level);
    expect(compareNames(b, a)).toBe(level);
  });
});

describe('compareDates', () => {
  it.each([
    ['1990-03-05', '1990-03-05', 'exact'],
    ['1990-03-05', '1990-05-03', 'swap'],
    ['1990-03-05', '1990-03-08', 'slip'],
    ['1990-03-05', '1991-03-05', 'slip'],
    ['1990-12-13', '1990-12-31', 'slip'], // transposed digits
    ['1990-03-05', '1990-07-19', 'year'],
    ['1990-03-05', '1965-03-05', 'different'],
  ])('%s / %s: %s', (a, b, level) => {
    expect(compareDates(a, b)).toBe(level);
    expect(compareDates(b, a)).toBe(level);
  });
});

describe('IDs, places and relatives', () => {
  it('tells one slipped or transposed digit from a different ID', () => {
    expect(isDigitSlip('064190123456', '064190123457')).toBe(true);
    expect(isDigitSlip('064190123456', '064190124356')).toBe(true);
    expect(isDigitSlip('064190123456', '064190123465')).toBe(true);
    expect(isDigitSlip('064190123456', '064190654321')).toBe(false);
    expect(compareIds('064190123456', undefined)).toBe('missing');
    expect(compareIds('064190123456', '064190123456')).toBe('exact');
    expect(compareIds('064190123456', '064190123465')).toBe('slip');
    expect(compareIds('064190123456', '064190999999')).toBe('different');
  });

  it('agrees on places written with abbreviated units or without the district', () => {
    const place = 'Xã Ia Kha, Huyện Ia Grai, Tỉnh Gia Lai';
    expect(comparePlaces(place, 'Xa Ia Kha, Huyen Ia Grai, Tinh Gia Lai')).toBe('exact');
    expect(comparePlaces(place, 'X. Ia Kha, H. Ia Grai, T. Gia Lai')).toBe('exact');
    expect(comparePlaces(place, 'Xã Ia Kha, Tỉnh Gia Lai')).toBe('exact');
    expect(comparePlaces(place, 'Huyện Ia Grai, Tỉnh Gia Lai')).toBe('province');
    expect(comparePlaces(place, 'Xã Nghĩa Lâm, Huyện Tư Nghĩa, Tỉnh Quảng Ngãi')).toBe('different');
  });

  it('compares relatives by folded name, with missing when either side is empty', () => {
    expect(compareRelativeNames('Trần Thị Lan', 'Tran Thi Lan')).toBe('exact');
    expect(compareRelativeNames('Trần Thị Lan', 'Trần Thị Lam')).toBe('close');
    expect(compareRelativeNames('Trần Thị Lan', 'Lê Thị Mai')).toBe('different');
    expect(compareRelativeNames(undefined, 'Lê Thị Mai')).toBe('missing');
  });

  it('compares whole records field by field', () => {
    const a = {
      fullName: 'Nguyễn Văn Hùng',
      dateOfBirth: '1985-04-16',
      sex: 'male',
      birthRegistrationPlace: 'Xã Ia Kha, Huyện Ia Grai, Tỉnh Gia Lai',
      hometown: 'Xã Ia Kha, Huyện Ia Grai, Tỉnh Gia Lai',
      fatherName: 'Nguyễn Văn Nam',
      motherName: 'Trần Thị Lan',
      personalId: '064085123456',
    } as PopulationRecord;
    const b = { ...a, fullName: 'Nguyen Van Hung', dateOfBirth: '1985-04-16', personalId: undefined };
    expect(compareRecords(a, b)).toEqual({
      fullName: 'diacritics',
      dateOfBirth: 'exact',
      sex: 'exact',
      birthRegistrationPlace: 'exact',
      hometown: 'exact',
      fatherName: 'exact',
      motherName: 'exact',
      personalId: 'missing',
    });
  });
});
