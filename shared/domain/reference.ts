// The official lists, loaded once from the project's data files (shared/data, each naming its source).
import packedCommunes from '../data/communes.packed.json' with { type: 'json' };
import ethnicGroups from '../data/ethnic-groups.json' with { type: 'json' };
import countryCodes from '../data/id-country-codes.json' with { type: 'json' };
import { communeIndex } from '../data/packed-communes.ts';
import provinceCodes from '../data/province-id-codes.json' with { type: 'json' };
import religions from '../data/religions.json' with { type: 'json' };
import { looseKey, memoize } from './normalize.ts';

export interface EthnicGroup {
  code: string;
  name: string;
}

/** 3-digit birth-registration province codes that open a personal ID (001 Hà Nội … 096 Cà Mau). */
export const ID_PROVINCE_CODES: ReadonlyMap<string, string> = new Map(
  provinceCodes.rows.map(([code, name]) => [code as string, name as string]),
);
/** 3-digit country codes (101–295) for births registered abroad. */
export const ID_COUNTRY_CODES: ReadonlyMap<string, string> = new Map(
  countryCodes.rows.map(([code, nameVi]) => [code as string, nameVi as string]),
);

const ethnicByKey = new Map<string, EthnicGroup>();
for (const [code, name, aliases] of ethnicGroups.rows as [string, string, string[]][]) {
  const group = { code, name };
  ethnicByKey.set(code, group);
  ethnicByKey.set(String(Number(code)), group);
  for (const spelling of [name, ...aliases]) ethnicByKey.set(looseKey(spelling), group);
}

/** An ethnic group by its 1979 code (01–54, leading zero optional) or name, as people write it. */
export const findEthnicGroup = memoize(
  (value: string): EthnicGroup | undefined => ethnicByKey.get(value) ?? ethnicByKey.get(looseKey(value)),
);

/** The value stored for a person with no religion. */
const NO_RELIGION = 'Không';
const religionByKey = new Map<string, string>();
for (const spelling of [NO_RELIGION, 'Không có', 'None', 'Không theo tôn giáo nào', 'Không tôn giáo']) {
  religionByKey.set(looseKey(spelling), NO_RELIGION);
}
for (const [nameVi, nameEn, aliases] of religions.rows as [string, string, string[]][]) {
  for (const spelling of [nameVi, nameEn, ...aliases]) religionByKey.set(looseKey(spelling), nameVi);
}

/** The official name of a religion, or NO_RELIGION for "Không". */
export const findReligion = memoize((value: string): string | undefined =>
  religionByKey.get(looseKey(value)),
);

const nationalityByKey = new Map<string, string>();
for (const spelling of ['Việt Nam', 'Vietnam', 'VN', 'VNM', 'Vietnamese'])
  nationalityByKey.set(looseKey(spelling), 'VN');
for (const [, nameVi, iso, nameEn] of countryCodes.rows as [string, string, string, string][]) {
  for (const spelling of [nameVi, iso, nameEn]) {
    const key = looseKey(spelling);
    if (!nationalityByKey.has(key)) nationalityByKey.set(key, iso);
  }
}

/** ISO 3166 alpha-2 code of a nationality written as a Vietnamese or English name or an ISO code. */
export const findNationality = memoize((value: string): string | undefined =>
  nationalityByKey.get(looseKey(value)),
);

export interface CommuneMatch {
  code: string;
  vintage: 2020 | 2025;
  /** The commune that holds this place since 1 July 2025 (itself for a 2025 code), when known. */
  code2025: string | undefined;
}

// packed: the lists as JSON were most of every bundle that validates a record (docs/benchmarks.md)
const communes = communeIndex(packedCommunes);

/** A 5-digit commune code of either vintage; a 2020 code is mapped to its 2025 successor. */
export function findCommune(code: string): CommuneMatch | undefined {
  if (communes.has2025(code)) return { code, vintage: 2025, code2025: code };
  if (communes.has2020(code)) return { code, vintage: 2020, code2025: communes.successor2025(code) };
  return undefined;
}
