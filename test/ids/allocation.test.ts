// What the allocator's numbers are made of (issue 20): the six digits it may issue and the keyed order it issues
// them in, and the prefix (place, century and sex, year) read from data and back by the project's own ID checks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPersonalId } from '../../shared/domain/personal-id.ts';
import { idPlaceOf } from '../../shared/ids/commune-place.ts';
import { centurySexDigit, idPrefix } from '../../shared/ids/prefix.ts';
import { allowedSuffixes, isAllowedSuffix, KeyedPermutation } from '../../shared/ids/suffixes.ts';

const KEY = new TextEncoder().encode('test key, not a secret');

describe('the six digits', () => {
  it.each([
    ['123456', false],
    ['987650', false],
    ['401234', false],
    ['000591', false],
    ['591777', false],
    ['121259', false],
    ['591212', false],
    ['123123', false],
    ['738738', false],
    ['738138', true],
    ['385729', true],
    ['907214', true],
    ['130486', true],
    ['12a456', false],
  ])('%s may be issued: %s', (digits, allowed) => {
    expect(isAllowedSuffix(digits)).toBe(allowed);
  });

  it('keeps most of the million, ascending, each allowed', () => {
    const kept = allowedSuffixes();
    expect(kept.length).toBeGreaterThan(500_000);
    expect(kept.length).toBeLessThan(1_000_000);
    for (let i = 1; i < kept.length; i += 997) {
      expect(kept[i]).toBeGreaterThan(kept[i - 1] ?? -1);
      expect(isAllowedSuffix(String(kept[i]).padStart(6, '0'))).toBe(true);
    }
  });
});

describe('the keyed order', () => {
  it.each([2, 1000, 1001, 4096, 4097, 65_537])('is a permutation of [0, %i)', (size) => {
    const permutation = new KeyedPermutation(KEY, size);
    const seen = new Uint8Array(size);
    for (let i = 0; i < size; i++) seen[permutation.at(i)] = 1;
    expect(seen.every((one) => one === 1)).toBe(true);
  });

  it('looks unrelated from one allocation to the next, and differs with the key', () => {
    const size = allowedSuffixes().length;
    const permutation = new KeyedPermutation(KEY, size);
    const other = new KeyedPermutation(new TextEncoder().encode('another key'), size);
    const order = Array.from({ length: 2000 }, (_, i) => permutation.at(i));
    // neighbours in the order are far apart, and rising as often as falling
    const close = order.slice(1).filter((value, i) => Math.abs(value - (order[i] ?? 0)) < size / 1000);
    expect(close.length).toBeLessThan(20);
    const rising = order.slice(1).filter((value, i) => value > (order[i] ?? 0)).length;
    expect(rising).toBeGreaterThan(900);
    expect(rising).toBeLessThan(1100);
    const same = order.filter((value, i) => value === other.at(i)).length;
    expect(same).toBeLessThan(5);
  });

  it('refuses an index out of range', () => {
    expect(() => new KeyedPermutation(KEY, 1000).at(1000)).toThrow(RangeError);
    expect(() => new KeyedPermutation(KEY, 1000).at(-1)).toThrow(RangeError);
  });
});

describe('the prefix', () => {
  it('writes the century and sex digit as the ID checks read it', () => {
    expect(centurySexDigit('male', 1990)).toBe(0);
    expect(centurySexDigit('female', 1990)).toBe(1);
    expect(centurySexDigit('male', 2026)).toBe(2);
    expect(centurySexDigit('female', 2100)).toBe(5);
    expect(centurySexDigit('male', 1899)).toBeUndefined();
    expect(centurySexDigit('male', 2400)).toBeUndefined();
  });

  it('makes numbers the project’s own ID validation accepts, with the sex and birth year given', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('064', '052', '001', '079'),
        fc.constantFrom('male' as const, 'female' as const),
        fc.integer({ min: 1900, max: 2399 }),
        fc.integer({ min: 0, max: allowedSuffixes().length - 1 }),
        (placeCode, sex, birthYear, index) => {
          const prefix = idPrefix({ placeCode, sex, birthYear });
          const id = `${prefix}${String(allowedSuffixes()[index]).padStart(6, '0')}`;
          expect(checkPersonalId(id, 'personal_id', { sex, birthYear })).toEqual([]);
        },
      ),
    );
  });

  it('takes the place code from the birth-registration commune, in either list, from data', () => {
    // 23557 Yên Đỗ, Pleiku, Gia Lai (2020)
    expect(idPlaceOf(2020, '23557')).toEqual({ placeCode: '064' });
    // a Bình Định commune of 2020
    expect(idPlaceOf(2020, '21634')).toEqual({ placeCode: '052' });
    // 2025 Krông (23650) was formed from Gia Lai 2020 communes alone
    expect(idPlaceOf(2025, '23650')).toEqual({ placeCode: '064' });
    expect(idPlaceOf(2020, '99999')).toEqual({ problem: 'ID_PLACE_UNKNOWN' });
    // a province is not a birth-registration commune
    expect(idPlaceOf(2020, '64')).toEqual({ problem: 'ID_PLACE_UNKNOWN' });
  });
});
