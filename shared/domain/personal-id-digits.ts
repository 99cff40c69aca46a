// What the digits of a 12-digit personal ID say of its holder (PPP G YY RRRRRR; shared/domain/personal-id.ts has the
// rest): sex, birth century and year. Without the reference lists, so that a function that only compares an ID with a
// record (a correction's register step, its approval) does not bundle them.
import { type RowIssue, rowIssue } from './errors.ts';
import type { Sex } from './record.ts';

export interface DecodedPersonalId {
  /** the 3-digit province or country code */
  placeCode: string;
  bornAbroad: boolean;
  sex: Sex;
  /** first year of the birth century, e.g. 1900 */
  centuryStart: number;
  /** the birth year's last two digits */
  yearOfCentury: number;
}

const TWELVE_DIGITS = /^\d{12}$/;

export function decodePersonalId(id: string): DecodedPersonalId | undefined {
  if (!TWELVE_DIGITS.test(id)) return undefined;
  const g = id.charCodeAt(3) - 48;
  return {
    placeCode: id.slice(0, 3),
    bornAbroad: id[0] !== '0',
    sex: g % 2 === 0 ? 'male' : 'female',
    centuryStart: (Math.floor(g / 2) + 19) * 100,
    yearOfCentury: Number(id.slice(4, 6)),
  };
}

/** Where the ID disagrees with the sex and birth year given beside it. */
export function idDisagreements(
  decoded: DecodedPersonalId,
  field: string,
  person: { sex: Sex | undefined; birthYear: number | undefined },
): RowIssue[] {
  const issues: RowIssue[] = [];
  if (person.sex && person.sex !== decoded.sex) issues.push(rowIssue('PERSONAL_ID_SEX_MISMATCH', field));
  if (person.birthYear !== undefined) {
    if (Math.floor(person.birthYear / 100) * 100 !== decoded.centuryStart) {
      issues.push(rowIssue('PERSONAL_ID_CENTURY_MISMATCH', field));
    }
    if (person.birthYear % 100 !== decoded.yearOfCentury) {
      issues.push(rowIssue('PERSONAL_ID_YEAR_MISMATCH', field));
    }
  }
  return issues;
}
