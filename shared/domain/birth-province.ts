// The province a birth-registration place names, from the ID province codes alone (shared/data/province-id-codes.json,
// Circular 07/2016 Annex I): apart from shared/domain/reference.ts so that a function that reads only this (the link
// pass's issuance) does not bundle the communes' list.
import provinceCodes from '../data/province-id-codes.json' with { type: 'json' };
import { looseKey, memoize } from './normalize.ts';

/** The province a birth-registration place names, and the ID place codes that agree with it. */
export interface BirthProvince {
  name: string;
  /** the 2020 province's own code: what its name meant before the 2025 merger */
  code: string;
  /** the 3-digit codes an ID of a birth registered there may open with */
  idCodes: ReadonlySet<string>;
}

const provinceByKey = new Map<string, BirthProvince>();
{
  const rows = provinceCodes.rows as [string, string, string, string, number][];
  for (const [code, name, , code2025, namesProvince2025] of rows) {
    // a name a 2025 province still bears may mean it: then an ID of any province merged into it agrees
    const idCodes = namesProvince2025
      ? new Set(rows.filter((row) => row[3] === code2025).map((row) => row[0]))
      : new Set([code]);
    provinceByKey.set(looseKey(name), { name, code, idCodes });
  }
  const alias = (spelling: string, name: string) => {
    const province = provinceByKey.get(looseKey(name));
    if (province) provinceByKey.set(looseKey(spelling), province);
  };
  for (const spelling of ['HCM', 'TPHCM', 'Sài Gòn']) alias(spelling, 'Hồ Chí Minh');
  alias('Huế', 'Thừa Thiên Huế');
}
const PROVINCE_PREFIX = /^(tinh|thanhpho|tp)/;
const COUNTRY_SELF = new Set(['vietnam', 'vn']);

// a part of a place: the province it names, undefined for none, null for a part to pass over (empty, "Việt Nam")
const provinceOfPart = memoize((part: string): BirthProvince | null | undefined => {
  const key = looseKey(part);
  if (key === '' || COUNTRY_SELF.has(key)) return null;
  return provinceByKey.get(key) ?? provinceByKey.get(key.replace(PROVINCE_PREFIX, ''));
});

/**
 * The province a birth-registration place names in its last part (after the last comma; a trailing "Việt Nam" is
 * passed over), by its 2020 or its 2025 name; undefined when that part names no province.
 */
export function findBirthProvince(place: string): BirthProvince | undefined {
  // from the end, a part at a time, without splitting: this runs on every row with an ID
  let end = place.length;
  while (end > 0) {
    const cut = Math.max(place.lastIndexOf(',', end - 1), place.lastIndexOf(';', end - 1));
    const province = provinceOfPart(place.slice(cut + 1, end));
    if (province !== null) return province;
    end = cut;
  }
  return undefined;
}
