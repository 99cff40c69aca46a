import { describe, expect, it } from 'vitest';
import { checkPersonalId, decodePersonalId, isWellFormedRelatedId } from '#domain/personal-id.ts';

const codes = (id: string, sex: 'male' | 'female' | undefined, birthYear: number | undefined) =>
  checkPersonalId(id, 'personal_id', { sex, birthYear }).map((issue) => issue.code);

describe('decodePersonalId', () => {
  it('reads province, century, sex and year (Circular 07/2016 Art. 7)', () => {
    expect(decodePersonalId('064190123456')).toEqual({
      placeCode: '064',
      bornAbroad: false,
      sex: 'female',
      centuryStart: 1900,
      yearOfCentury: 90,
    });
    expect(decodePersonalId('001205000001')?.centuryStart).toBe(2000);
    expect(decodePersonalId('001205000001')?.sex).toBe('male');
    expect(decodePersonalId('175300000001')?.bornAbroad).toBe(true);
    expect(decodePersonalId('0641901234')).toBeUndefined();
  });

  it('maps 8/9 to the 24th century, not the 19th', () => {
    expect(decodePersonalId('001890000000')?.centuryStart).toBe(2300);
  });
});

describe('checkPersonalId', () => {
  it('accepts an ID that agrees with the form', () => {
    expect(codes('064190123456', 'female', 1990)).toEqual([]);
    expect(codes('079203000123', 'male', 2003)).toEqual([]);
  });

  it('accepts a country code for a birth registered abroad', () => {
    expect(codes('175085000001', 'male', 1985)).toEqual([]);
  });

  it('rejects anything but 12 digits', () => {
    expect(codes('06419012345', 'female', 1990)).toEqual(['PERSONAL_ID_FORMAT']);
    expect(codes('06419012345a', 'female', 1990)).toEqual(['PERSONAL_ID_FORMAT']);
  });

  it('rejects an unknown province or country prefix', () => {
    expect(codes('003190123456', 'female', 1990)).toEqual(['PERSONAL_ID_PREFIX_UNKNOWN']);
    expect(codes('999190123456', 'female', 1990)).toEqual(['PERSONAL_ID_PREFIX_UNKNOWN']);
  });

  it('rejects a sex digit that disagrees with the sex', () => {
    expect(codes('064090123456', 'female', 1990)).toEqual(['PERSONAL_ID_SEX_MISMATCH']);
  });

  it('rejects a century digit that disagrees with the birth year', () => {
    expect(codes('064290123456', 'female', 1990)).toEqual([
      'PERSONAL_ID_SEX_MISMATCH',
      'PERSONAL_ID_CENTURY_MISMATCH',
    ]);
    expect(codes('064390123456', 'female', 1990)).toEqual(['PERSONAL_ID_CENTURY_MISMATCH']);
  });

  it('rejects year digits that disagree with the date of birth', () => {
    expect(codes('064191123456', 'female', 1990)).toEqual(['PERSONAL_ID_YEAR_MISMATCH']);
  });

  it('reports every disagreement at once', () => {
    expect(codes('003291123456', 'female', 1990)).toEqual([
      'PERSONAL_ID_PREFIX_UNKNOWN',
      'PERSONAL_ID_SEX_MISMATCH',
      'PERSONAL_ID_CENTURY_MISMATCH',
      'PERSONAL_ID_YEAR_MISMATCH',
    ]);
  });
});

describe('isWellFormedRelatedId', () => {
  it('takes a 12-digit ID with a known prefix or a 9-digit CMND', () => {
    expect(isWellFormedRelatedId('064190123456')).toBe(true);
    expect(isWellFormedRelatedId('230123456')).toBe(true);
    expect(isWellFormedRelatedId('003190123456')).toBe(false);
    expect(isWellFormedRelatedId('12345')).toBe(false);
  });
});
