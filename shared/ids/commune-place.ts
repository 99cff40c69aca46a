// The ID place code of a birth registered in a commune of the official lists (a birth event's
// `birthRegistrationCommune`, issue 20, docs/ids.md): a 2020 commune's province code, and for a 2025 commune the rule
// and rulings of shared/data/id-place-rulings.json. Apart from shared/ids/prefix.ts: it reads the units' lists, which
// the link pass's issuance (a place in words) does not bundle.
import rulings from '../data/id-place-rulings.json' with { type: 'json' };
import provinceCodes from '../data/province-id-codes.json' with { type: 'json' };
import { ancestorsOf, parts2020Of, unitOf, type Vintage } from '../domain/units.ts';
import { BY_PROVINCE_2025, type IdPlace } from './prefix.ts';

/** The ID place code of each 2020 province (its GSO code). */
const CODE_BY_PROVINCE_2020: ReadonlyMap<string, string> = new Map(
  (provinceCodes.rows as [string, string, string][]).map(([code, , gso]) => [gso, code]),
);
const BY_COMMUNE_2025 = rulings.byCommune2025 as Record<string, string>;

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
