// The first six digits of a personal ID the allocator issues (issue 20, docs/ids.md): the 3-digit code of the
// birth-registration place, the century-and-sex digit, the birth year's last two digits (Decree 137/2015 Art. 13,
// Circular 07/2016/TT-BCA Art. 7; shared/domain/personal-id.ts reads them back). The place code comes from data: the
// province codes (shared/data/province-id-codes.json) and, since how codes apply to the provinces merged in 2025 is
// not settled, the rulings of shared/data/id-place-rulings.json. A commune's code is shared/ids/commune-place.ts's.

import rulings from '../data/id-place-rulings.json' with { type: 'json' };
import provinceCodes from '../data/province-id-codes.json' with { type: 'json' };
import { findBirthProvince } from '../domain/birth-province.ts';
import type { Sex } from '../domain/record.ts';

/** The 2025 province each ID place code's 2020 province became part of. */
const CODE_2025_BY_ID_CODE: ReadonlyMap<string, string> = new Map(
  (provinceCodes.rows as [string, string, string, string][]).map(([code, , , code2025]) => [code, code2025]),
);
/** The rulings by 2025 province (shared/data/id-place-rulings.json). */
export const BY_PROVINCE_2025 = rulings.byProvince2025 as Record<string, string>;

/** The digit after the place code: 0/1 a man or woman born in the 1900s, 2/3 the 2000s, … 8/9 the 2300s. */
export function centurySexDigit(sex: Sex, birthYear: number): number | undefined {
  const century = Math.floor(birthYear / 100) - 19;
  if (!Number.isInteger(birthYear) || century < 0 || century > 4) return undefined;
  return century * 2 + (sex === 'female' ? 1 : 0);
}

export interface PrefixParts {
  placeCode: string;
  sex: Sex;
  birthYear: number;
}

/** `PPPGYY`, or undefined when the place code or the year cannot open an ID. */
export function idPrefix({ placeCode, sex, birthYear }: PrefixParts): string | undefined {
  const digit = centurySexDigit(sex, birthYear);
  if (!/^\d{3}$/.test(placeCode) || digit === undefined) return undefined;
  return `${placeCode}${digit}${String(birthYear % 100).padStart(2, '0')}`;
}

export type IdPlace =
  | { placeCode: string }
  | { problem: 'ID_PLACE_UNKNOWN' }
  /** a 2025 commune formed across 2020 provinces, with no ruling yet */
  | { problem: 'ID_PLACE_UNSETTLED' };

/** The day the 2025 provinces took office (Resolution 202/2025/QH15): a name written after it may mean one. */
const MERGER_2025 = '2025-07-01';

/**
 * The ID place code of a birth registered at a place a form writes in words (DC01's "Nơi đăng ký khai sinh"): the
 * province its last part names. A birth registered before the 2025 merger names a 2020 province, whose code it is. One
 * after it may name a 2025 province that stands for every 2020 province merged into it: the ruling for that
 * province, or `ID_PLACE_UNSETTLED` until there is one.
 */
export function idPlaceOfWrittenPlace(place: string, dateOfBirth: string): IdPlace {
  const province = findBirthProvince(place);
  if (!province) return { problem: 'ID_PLACE_UNKNOWN' };
  if (dateOfBirth < MERGER_2025 || province.idCodes.size === 1) return { placeCode: province.code };
  const province2025 = CODE_2025_BY_ID_CODE.get(province.code);
  const ruled = province2025 ? BY_PROVINCE_2025[province2025] : undefined;
  return ruled ? { placeCode: ruled } : { problem: 'ID_PLACE_UNSETTLED' };
}
