// The 12-digit personal ID (số định danh cá nhân): PPP G YY RRRRRR, Decree 137/2015 Art. 13 and
// Circular 07/2016/TT-BCA Art. 7. PPP is the birth-registration province (0xx) or country (1xx–2xx),
// G the century and sex (0/1 = 1900s male/female, 2/3 = 2000s, … 8/9 = 2300s), YY the birth year's last two digits.

import { findBirthProvince } from './birth-province.ts';
import { type RowIssue, rowIssue } from './errors.ts';
import { decodePersonalId, idDisagreements } from './personal-id-digits.ts';
import type { Sex } from './record.ts';
import { ID_COUNTRY_CODES, ID_PROVINCE_CODES } from './reference.ts';

export { type DecodedPersonalId, decodePersonalId } from './personal-id-digits.ts';

function knownPlaceCode(placeCode: string): boolean {
  return ID_PROVINCE_CODES.has(placeCode) || ID_COUNTRY_CODES.has(placeCode);
}

/** Problems with a person's own ID, checked against the sex and birth year given on the same form. */
export function checkPersonalId(
  id: string,
  field: string,
  person: { sex: Sex | undefined; birthYear: number | undefined },
): RowIssue[] {
  const decoded = decodePersonalId(id);
  if (!decoded) return [rowIssue('PERSONAL_ID_FORMAT', field)];
  const issues: RowIssue[] = [];
  if (!knownPlaceCode(decoded.placeCode)) issues.push(rowIssue('PERSONAL_ID_PREFIX_UNKNOWN', field));
  issues.push(...idDisagreements(decoded, field, person));
  return issues;
}

/**
 * A warning when the ID's place code (a province, or a country for a birth registered abroad) disagrees with the
 * province the birth-registration place names; nothing when the place names none. A name a 2025 province bears
 * (Gia Lai) agrees with the ID of any province merged into it (064 Gia Lai, 052 Bình Định); a name that went
 * away in 2025 (Bình Định) only with its own (docs/validation.md, "The personal ID checks").
 */
export function checkPersonalIdPlace(id: string, field: string, place: string): RowIssue | undefined {
  const province = findBirthProvince(place);
  const placeCode = id.slice(0, 3);
  if (!province || province.idCodes.has(placeCode)) return undefined;
  return rowIssue('PERSONAL_ID_PLACE_MISMATCH', field, `${placeCode} ≠ ${province.name}`);
}

/** A relative's or household head's ID: a well-formed 12-digit ID, or a 9-digit CMND. */
export function isWellFormedRelatedId(id: string): boolean {
  if (/^\d{9}$/.test(id)) return true;
  const decoded = decodePersonalId(id);
  return decoded !== undefined && knownPlaceCode(decoded.placeCode);
}
