// A lookup's second factor (issue 23): the applicant's birth year, which the applicant knows without the receipt.
// Stored only as a digest salted with the application code; a wrong year and an unknown code take one path here.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Application } from './application.ts';

/** The header the year travels in: never in the URL, so not in browser history, Referer or any URL log. */
export const BIRTH_YEAR_HEADER = 'x-dancu-birth-year';

/** Until then an application stored without a birth year is looked up by code alone (docs/procedures.md). */
export const CODE_ALONE_UNTIL = new Date('2027-07-01T00:00:00+07:00');

// `y1:` names this digest, so a keyed one (`y2:`, under a secret) can replace it with no ambiguity
const DIGEST_VERSION = 'y1:';

/** The digest stored for a birth year: SHA-256 of a domain tag, the application code and the year. */
export function birthYearDigest(applicationCode: string, birthYear: number): string {
  const digest = createHash('sha256')
    .update(`dancu-birth-year\0${applicationCode}\0${birthYear}`)
    .digest('base64url');
  return DIGEST_VERSION + digest;
}

// compared against when there is nothing to compare against, so an unknown code costs what a known one does
const NO_DIGEST = birthYearDigest('', 0);

/**
 * Whether the caller may see the application: it exists and the year matches its digest, or it has no digest and
 * it is still before CODE_ALONE_UNTIL. The digest is computed and compared in every case, an unknown code included.
 */
export function holdsFactor(
  application: Application | undefined,
  applicationCode: string,
  birthYear: number | undefined,
  now: Date,
): application is Application {
  const given = Buffer.from(birthYearDigest(applicationCode, birthYear ?? 0));
  const stored = Buffer.from(application?.birthYearDigest ?? NO_DIGEST);
  const matches = given.length === stored.length && timingSafeEqual(given, stored);
  if (!application) return false;
  if (application.birthYearDigest === undefined) return now < CODE_ALONE_UNTIL;
  return birthYear !== undefined && matches;
}
