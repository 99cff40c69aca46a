// Where a form and a person count, in both lists at once (shared/coverage/places.ts, moves.ts, tally.ts), on real
// Gia Lai communes of the kit's lists.
import { describe, expect, it } from 'vitest';
import { successors2025Of } from '#domain/units.ts';
import { arrival, moveOf, parseMove } from '../../shared/coverage/moves.ts';
import {
  counterPlaceOf,
  currentAddressWarning,
  placesIn,
  placesOf,
  unplacedPlaceOf,
} from '../../shared/coverage/places.ts';
import { CoverageTally } from '../../shared/coverage/tally.ts';
import type { PopulationRecord } from '../../shared/domain/record.ts';

const HOI_THUONG = 'Phường Hội Thương, Thành phố Pleiku, Tỉnh Gia Lai'; // 23566 in 2020, whole into 23575 in 2025
const IA_KLA = 'Xã Ia Kla, Huyện Đức Cơ, Tỉnh Gia Lai'; // 23869 in 2020

describe('placesOf', () => {
  it('places a 2020 commune that went whole into a 2025 one in both lists', () => {
    const places = placesOf({ permanentCommuneCode: '23566', currentAddress: HOI_THUONG });
    expect(placesIn(places, 2020)).toEqual({ permanent: '23566', temporary: '' });
    expect(placesIn(places, 2025)).toEqual({ permanent: '23575', temporary: '' });
    expect(counterPlaceOf('23575', 2025)).toEqual({
      kind: 'commune',
      vintage: 2025,
      province: '52',
      code: '23575',
    });
  });

  it('counts a temporary residence in another commune, in each list', () => {
    const places = placesOf({ permanentCommuneCode: '23566', currentAddress: IA_KLA });
    expect(placesIn(places, 2020)).toEqual({ permanent: '23566', temporary: '23869' });
    expect(placesIn(places, 2025).permanent).toBe('23575');
    expect(placesIn(places, 2025).temporary).not.toBe('');
  });

  it('leaves a split 2020 commune not assigned in 2025 unless the form names its 2025 commune', () => {
    const split = ['21634', '21997', '23869'].find((code) => successors2025Of(code).length > 1) as string;
    expect(split).toBeDefined();
    const parts = successors2025Of(split).map((part) => part.code);
    const alone = placesOf({ permanentCommuneCode: split });
    expect(placesIn(alone, 2020).permanent).toBe(split);
    expect(placesIn(alone, 2025).permanent).toBe(`^${split}`);
    expect(counterPlaceOf(`^${split}`, 2025)).toMatchObject({
      kind: 'notAssigned',
      vintage: 2025,
      code: split,
    });
    const named = placesOf({ permanentCommuneCode: split, permanentCommuneCode2025: parts[1] });
    expect(placesIn(named, 2025).permanent).toBe(parts[1]);
  });

  it('is unplaced without an address a list can place', () => {
    expect(placesOf({ currentAddress: 'somewhere unknown' })).toBe('|||');
    expect(counterPlaceOf('', 2020)).toBeUndefined();
    expect(unplacedPlaceOf({ code: '622', vintage: 2020 }, 2020)).toEqual({
      kind: 'unplaced',
      vintage: 2020,
      province: '64',
      agencyUnit: '622',
    });
    expect(unplacedPlaceOf({ code: '622', vintage: 2020 }, 2025)).toMatchObject({ province: '52' });
  });
});

describe('moves', () => {
  const held = { permanentCommuneCode: '23566', currentAddress: HOI_THUONG } as PopulationRecord;
  it('moves a person only when an address field changed and the places differ', () => {
    expect(moveOf(held, { ...held, phone: '0912345678' }, ['phone'])).toBeUndefined();
    expect(moveOf(held, { ...held, currentAddress: HOI_THUONG }, ['currentAddress'])).toBeUndefined();
    // 23869 is Ia Kla in 2020 and Ia Dơk in 2025: the address text says which
    const move = moveOf(held, { ...held, permanentCommuneCode: '23869', permanentAddress: IA_KLA }, [
      'permanentCommuneCode',
      'permanentAddress',
    ]);
    expect(parseMove(move ?? '')).toEqual({ from: placesOf(held), to: expect.stringMatching(/^23869\|/) });
  });

  it('tallies a move out of one commune into another in both lists, and forms where they place', () => {
    const tally = new CoverageTally({ code: '622', vintage: 2020 });
    tally.move(arrival(held));
    tally.form(placesOf(held), 'new');
    tally.form('|||', 'rejected');
    tally.move(`${placesOf(held)}>${placesOf({ permanentCommuneCode: '23869', permanentAddress: IA_KLA })}`);
    const counts = (vintage: number, code: string) =>
      tally.result().find((d) => d.place.vintage === vintage && 'code' in d.place && d.place.code === code)
        ?.counts;
    expect(counts(2020, '23566')).toEqual({ received: 1 });
    expect(counts(2020, '23869')).toEqual({ permanent: 1 });
    expect(counts(2025, '23575')).toEqual({ received: 1 });
    const unplaced = tally.result().find((d) => d.place.kind === 'unplaced' && d.place.vintage === 2020);
    expect(unplaced).toEqual({
      place: { kind: 'unplaced', vintage: 2020, province: '64', agencyUnit: '622' },
      counts: { received: 1, rejected: 1 },
    });
  });
});

describe('the current address warning', () => {
  it('is given when the current code and text name different communes, not when they agree', () => {
    expect(currentAddressWarning({ currentCommuneCode: '23566', currentAddress: IA_KLA })).toEqual({
      code: 'CURRENT_ADDRESS_COMMUNE_MISMATCH',
      field: 'current_commune_code',
    });
    expect(
      currentAddressWarning({ currentCommuneCode: '23566', currentAddress: HOI_THUONG }),
    ).toBeUndefined();
    expect(currentAddressWarning({ currentAddress: IA_KLA })).toBeUndefined();
  });
});
