// Where a record counts, in both vintages at once (issue 18): its permanent commune and, when it lives elsewhere, its
// current one, each read in the 2020 list and in the 2025 list. Placed once, where the record is written (the register,
// finalize, a merge), so that each view of the coverage reads only its own vintage's counters, and a 2020 commune
// split among several 2025 ones is assigned by the address's own 2025 code or name, or left "not assigned": never
// divided by guess. Compact, for the outcome files: `{perm2020}|{temp2020}|{perm2025}|{temp2025}`, each a commune
// code, `^{code}` (a commune of the other list that this one cannot assign), or empty (unplaced; no temporary one).
import { resolveAddress, type UnitRef } from '#domain/address-resolver.ts';
import { currentAddressDisagrees, type Placement, placePerson } from '#domain/placement.ts';
import type { PopulationRecord } from '#domain/record.ts';
import {
  ancestorsOf,
  parts2020Of,
  provinces2020Of,
  successors2025Of,
  unitOf,
  type Vintage,
} from '#domain/units.ts';
import type { CounterPlace } from '../model/coverage.ts';

/** A record's places, encoded (see above). */
export type Places = string;

/** The address fields placement reads, as a form gives them (the raw row's names). */
export interface AddressFields {
  permanentAddress?: string | undefined;
  permanentCommuneCode?: string | undefined;
  permanentCommuneCode2025?: string | undefined;
  currentAddress?: string | undefined;
  currentCommuneCode?: string | undefined;
  currentCommuneCode2025?: string | undefined;
}

const NOT_ASSIGNED = '^';
const VINTAGES: readonly Vintage[] = [2020, 2025];

/** One address's commune in `vintage`: its code, `^{code}` of the other list, or '' when unplaced. */
function inVintage(
  placed: Placement,
  vintage: Vintage,
  text: string | undefined,
  code2025: string | undefined,
): string {
  if (placed.status !== 'placed') return '';
  const { commune } = placed;
  if (commune.vintage === vintage) return commune.code;
  // the parts of the other list this commune maps to in `vintage`
  const parts = vintage === 2025 ? successors2025Of(commune.code) : parts2020Of(commune.code);
  const only = parts.length === 1 ? parts[0] : undefined;
  // whole into one commune; or a 2025 commune formed of a piece of one 2020 commune, which it lies within
  if (only && (only.full || vintage === 2020)) return only.code;
  const codes = new Set(parts.map((part) => part.code));
  // the form's own 2025 code, then its text read in this list, when it names one of the parts
  if (vintage === 2025 && code2025 && codes.has(code2025)) return code2025;
  if (text) {
    const resolved = resolveAddress(text, { vintage });
    if (resolved.status === 'placed' && codes.has(resolved.commune.code)) return resolved.commune.code;
  }
  return `${NOT_ASSIGNED}${commune.code}`;
}

/** Memo of places by the address fields: a village's people share a few addresses. */
const memo = new Map<string, Places>();
const MEMO_LIMIT = 50_000;

/** Where a record counts, in both lists. */
export function placesOf(fields: AddressFields): Places {
  const key = [
    fields.permanentAddress,
    fields.permanentCommuneCode,
    fields.permanentCommuneCode2025,
    fields.currentAddress,
    fields.currentCommuneCode,
    fields.currentCommuneCode2025,
  ].join('\u0001');
  const known = memo.get(key);
  if (known !== undefined) return known;
  const placed = placePerson({
    permanent_commune_code: fields.permanentCommuneCode ?? fields.permanentCommuneCode2025,
    permanent_address: fields.permanentAddress,
    current_commune_code: fields.currentCommuneCode ?? fields.currentCommuneCode2025,
    current_address: fields.currentAddress,
  });
  const parts: string[] = [];
  for (const vintage of VINTAGES) {
    const permanent = inVintage(
      placed.permanent,
      vintage,
      fields.permanentAddress,
      fields.permanentCommuneCode2025,
    );
    const temporary = placed.temporary
      ? inVintage(placed.temporary, vintage, fields.currentAddress, fields.currentCommuneCode2025)
      : '';
    // the same commune in this list (two 2020 communes merged into one 2025 commune): no temporary residence here
    parts.push(permanent, temporary === permanent ? '' : temporary);
  }
  const places = parts.join('|');
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, places);
  return places;
}

/**
 * The warning of issue 18: the current commune code and the current address text name different communes (both
 * placed, and not one place). The code is kept (an officer picked it from a list); the report says to look.
 */
export function currentAddressWarning(
  fields: AddressFields,
): { code: 'CURRENT_ADDRESS_COMMUNE_MISMATCH'; field: 'current_commune_code' } | undefined {
  const code = fields.currentCommuneCode ?? fields.currentCommuneCode2025;
  if (!code || !fields.currentAddress) return undefined;
  return currentAddressDisagrees({ current_commune_code: code, current_address: fields.currentAddress })
    ? { code: 'CURRENT_ADDRESS_COMMUNE_MISMATCH', field: 'current_commune_code' }
    : undefined;
}

/** A record's address fields. */
export function addressesOf(record: PopulationRecord): AddressFields {
  return {
    permanentAddress: record.permanentAddress,
    permanentCommuneCode: record.permanentCommuneCode,
    permanentCommuneCode2025: record.permanentCommuneCode2025,
    currentAddress: record.currentAddress,
    currentCommuneCode: record.currentCommuneCode,
    currentCommuneCode2025: record.currentCommuneCode2025,
  };
}

/** One vintage's permanent and temporary places, decoded: a commune code, `^code`, or '' each. */
export function placesIn(places: Places, vintage: Vintage): { permanent: string; temporary: string } {
  const parts = places.split('|');
  const at = vintage === 2020 ? 0 : 2;
  return { permanent: parts[at] ?? '', temporary: parts[at + 1] ?? '' };
}

/** The province of a place in `vintage`; undefined when none can be told. */
function provinceOf(place: string, vintage: Vintage): string | undefined {
  const provinceIn = (v: Vintage, code: string) =>
    ancestorsOf(v, code).find((unit) => unit.level === 'province')?.code;
  if (!place.startsWith(NOT_ASSIGNED)) return provinceIn(vintage, place);
  const code = place.slice(NOT_ASSIGNED.length);
  if (vintage === 2025) {
    // a 2020 commune: its province went whole into one 2025 province
    const old = provinceIn(2020, code);
    return old ? successors2025Of(old)[0]?.code : undefined;
  }
  // a 2025 commune formed of parts of 2020 communes: the 2020 province of its parts (the first, if they lay in two)
  const provinces = parts2020Of(code)
    .map((part) => provinceIn(2020, part.code))
    .filter((province): province is string => province !== undefined)
    .sort();
  return provinces[0];
}

/**
 * The counter item of one place in one vintage; undefined for '' (unplaced: the caller counts it at the agency's
 * unit).
 */
export function counterPlaceOf(place: string, vintage: Vintage): CounterPlace | undefined {
  if (!place) return undefined;
  const province = provinceOf(place, vintage);
  if (!province) return undefined;
  if (place.startsWith(NOT_ASSIGNED)) {
    return { kind: 'notAssigned', vintage, province, code: place.slice(NOT_ASSIGNED.length) };
  }
  return { kind: 'commune', vintage, province, code: place };
}

/** The counter item of what could not be placed, for an agency's unit, in `vintage`; undefined when none fits. */
export function unplacedPlaceOf(agencyUnit: UnitRef, vintage: Vintage): CounterPlace | undefined {
  if (!unitOf(agencyUnit.vintage, agencyUnit.code)) return undefined;
  const own = [
    unitOf(agencyUnit.vintage, agencyUnit.code),
    ...ancestorsOf(agencyUnit.vintage, agencyUnit.code),
  ];
  const province = own.find((unit) => unit?.level === 'province')?.code;
  if (!province) return undefined;
  if (agencyUnit.vintage === vintage) {
    return { kind: 'unplaced', vintage, province, agencyUnit: agencyUnit.code };
  }
  // in the other list, at the province level: a district of 2020 has no 2025 counterpart
  const mapped =
    vintage === 2025
      ? successors2025Of(province)[0]?.code
      : agencyUnit.code.length === 5
        ? provinceOf(`${NOT_ASSIGNED}${agencyUnit.code}`, 2020)
        : provinces2020Of(province).length === 1
          ? provinces2020Of(province)[0]
          : undefined;
  return mapped ? { kind: 'unplaced', vintage, province: mapped, agencyUnit: mapped } : undefined;
}

export const COVERAGE_VINTAGES = VINTAGES;
