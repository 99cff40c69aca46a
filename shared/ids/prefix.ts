// The first six digits of a personal ID the allocator issues (issue 20, docs/ids.md): the 3-digit code of the
// birth-registration place, the century-and-sex digit, the birth year's last two digits (Decree 137/2015 Art. 13,
// Circular 07/2016/TT-BCA Art. 7; shared/domain/personal-id.ts reads them back). The place code comes from data: a
// 2020 commune's province code (shared/data/province-id-codes.json), and for a 2025 commune the rule and rulings of
// shared/data/id-place-rulings.json, since how codes apply to the provinces merged in 2025 is not settled.

import rulings from '../data/id-place-rulings.json' with { type: 'json' };
import provinceCodes from '../data/province-id-codes.json' with { type: 'json' };
import type { Sex } from '../domain/record.ts';
import { ancestorsOf, parts2020Of, unitOf, type Vintage } from '../domain/units.ts';

/** The ID place code of each 2020 province (its GSO code). */
const CODE_BY_PROVINCE_2020: ReadonlyMap<string, string> = new Map(
  (provinceCodes.rows as [string, string, string][]).map(([code, , gso]) => [gso, code]),
);
const BY_PROVINCE_2025 = rulings.byProvince2025 as Record<string, string>;
const BY_COMMUNE_2025 = rulings.byCommune2025 as Record<string, string>;

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

function provinceOf2020(communeCode: string): string | undefined {
  return ancestorsOf(2020, communeCode).find((unit) => unit.level === 'province')?.code;
}

/** The ID place code of a birth registered in `communeCode` of the `vintage` list. */
export function idPlaceOf(vintage: Vintage, communeCode: string): IdPlace {
  if (unitOf(vintage, communeCode)?.level !== 'commune') return { problem: 'ID_PLACE_UNKNOWN' };
  if (vintage === 2020) {
    const code = CODE_BY_PROVINCE_2020.get(provinceOf2020(communeCode) ?? '');
    return code ? { placeCode: code } : { problem: 'ID_PLACE_UNKNOWN' };
  }
  const ruled =
    BY_COMMUNE_2025[communeCode] ??
    BY_PROVINCE_2025[ancestorsOf(2025, communeCode).find((unit) => unit.level === 'province')?.code ?? ''];
  if (ruled) return { placeCode: ruled };
  const provinces = new Set(parts2020Of(communeCode).map((part) => provinceOf2020(part.code)));
  const [only] = provinces;
  const code = provinces.size === 1 && only ? CODE_BY_PROVINCE_2020.get(only) : undefined;
  return code ? { placeCode: code } : { problem: 'ID_PLACE_UNSETTLED' };
}
