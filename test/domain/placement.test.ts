// Where a person counts (shared/domain/placement.ts), on real Gia Lai communes of the kit's lists.
import { describe, expect, it } from 'vitest';
import {
  currentAddressDisagrees,
  placeAddress,
  placePerson,
  sameCommune,
} from '../../shared/domain/placement.ts';

const HOI_THUONG = 'Phường Hội Thương, Thành phố Pleiku, Tỉnh Gia Lai'; // 23566 in 2020, whole into 23575 in 2025
const IA_KLA = 'Xã Ia Kla, Huyện Đức Cơ, Tỉnh Gia Lai'; // 23869 in 2020; 23869 is Ia Dơk in 2025
const c2020 = (code: string) => ({ code, vintage: 2020 as const });
const c2025 = (code: string) => ({ code, vintage: 2025 as const });

describe('placeAddress', () => {
  it.each([
    ['a 2020 code alone', '23566', undefined, { commune: c2020('23566'), by: 'code' }],
    ['a code with its own text', '23566', HOI_THUONG, { commune: c2020('23566'), by: 'code' }],
    [
      'text alone, abbreviated',
      undefined,
      'P. Hội Thương, TP Pleiku, Gia Lai',
      { commune: c2020('23566'), by: 'text' },
    ],
    [
      'a code both lists hold, the 2020 text choosing',
      '23869',
      IA_KLA,
      { commune: c2020('23869'), by: 'code-and-text' },
    ],
    [
      'a code both lists hold, the 2025 text choosing',
      '23869',
      'Xã Ia Dơk, Tỉnh Gia Lai',
      { commune: c2025('23869'), by: 'code-and-text' },
    ],
  ])('places %s', (_, code, text, expected) => {
    expect(placeAddress(code, text)).toEqual({ status: 'placed', ...expected });
  });

  it('keeps the code when its text names another commune, and says so', () => {
    expect(placeAddress('23566', IA_KLA)).toEqual({
      status: 'placed',
      commune: c2020('23566'),
      by: 'code',
      textDisagrees: true,
    });
  });

  it('does not call a 2020 code and the 2025 text of the commune it went into a disagreement', () => {
    expect(placeAddress('23566', 'Phường Pleiku, Tỉnh Gia Lai')).not.toHaveProperty('textDisagrees');
  });

  it.each([
    ['nothing at all', undefined, undefined, 'no-address'],
    ['blanks', '  ', ' ', 'no-address'],
    ['a code no list holds', '99999', undefined, 'code-unknown'],
    ['a code both lists hold and no text', '23869', undefined, 'code-ambiguous'],
    ['a code both lists hold and a text that names neither', '23869', HOI_THUONG, 'code-ambiguous'],
    ['an unknown text', undefined, 'Xã Không Có, Huyện Nào, Tỉnh Gia Lai', 'text-unknown'],
  ])('never guesses: %s is unplaced (%s)', (_, code, text, reason) => {
    expect(placeAddress(code, text)).toEqual({ status: 'unplaced', reason });
  });
});

describe('placePerson', () => {
  it('counts a person at their permanent commune, and nowhere else when they live there', () => {
    expect(placePerson({ permanent_commune_code: '23566', current_address: HOI_THUONG })).toEqual({
      permanent: { status: 'placed', commune: c2020('23566'), by: 'code' },
    });
  });

  it('makes them a temporary resident where they live when it is another commune', () => {
    expect(placePerson({ permanent_commune_code: '23566', current_address: IA_KLA }).temporary).toMatchObject(
      {
        commune: c2020('23869'),
      },
    );
  });

  it('sees one place in a 2020 code and the 2025 commune it went into whole', () => {
    expect(
      placePerson({ permanent_commune_code: '23566', current_address: 'Phường Pleiku, Tỉnh Gia Lai' }),
    ).not.toHaveProperty('temporary');
    expect(sameCommune(c2020('23566'), c2025('23575'))).toBe(true);
    expect(sameCommune(c2020('23566'), c2025('23869'))).toBe(false);
  });

  it('keeps an unplaced permanent address unplaced, and still places where they live', () => {
    const placed = placePerson({
      permanent_address: 'Xã Không Có, Huyện Nào, Tỉnh Gia Lai',
      current_commune_code: '23566',
    });
    expect(placed.permanent).toEqual({ status: 'unplaced', reason: 'text-unknown' });
    expect(placed.temporary?.commune).toEqual(c2020('23566'));
  });
});

describe('the warning rule: current commune code and current address text name different communes', () => {
  it('fires only when both are placed and are not one place', () => {
    expect(currentAddressDisagrees({ current_commune_code: '23566', current_address: IA_KLA })).toBe(true);
    expect(currentAddressDisagrees({ current_commune_code: '23566', current_address: HOI_THUONG })).toBe(
      false,
    );
    expect(
      currentAddressDisagrees({ current_commune_code: '23566', current_address: 'Phường Pleiku, Gia Lai' }),
    ).toBe(false);
    expect(
      currentAddressDisagrees({ current_commune_code: '23566', current_address: 'somewhere unknown' }),
    ).toBe(false);
    expect(currentAddressDisagrees({ current_address: IA_KLA })).toBe(false);
  });
});
