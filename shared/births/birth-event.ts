// A registered birth as the civil-registration system sends it (issue 20, docs/ids.md "Birth events"), checked with
// zod and the DC01 field rules where they apply, and the register record it makes for the child. Fields a DC01 form
// requires that a birth event does not carry (hometown, the addresses) come from the mother's record when the
// register holds her, else stay empty and are listed as missing: the birth is registered all the same. No AWS here.
import * as z from 'zod/mini';
import type { PopulationRecord } from '../domain/record.ts';
import { findEthnicGroup, findNationality } from '../domain/reference.ts';
import { unitOf, type Vintage } from '../domain/units.ts';

const text = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const personalId = z.string().check(z.regex(/^\d{12}$/));

const Parent = z.strictObject({
  fullName: text,
  personalId: z.optional(personalId),
});

export const BirthEvent = z.strictObject({
  /** the civil-registration system's id of the registration: one birth, one number, however often it is sent */
  registrationId: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)),
  /** the agency that registered the birth (a justice office's code, as in the agencies table) */
  registeringAgency: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,50}$/)),
  occurredAt: z.iso.datetime({ offset: true }),
  child: z.strictObject({
    fullName: text,
    dateOfBirth: z.iso.date(),
    sex: z.enum(['male', 'female']),
    /** the commune code of the birth-registration place, in the list in force on the date of birth */
    birthRegistrationCommune: z.string().check(z.regex(/^\d{5}$/)),
    /** the ethnic group's 1979 code or name */
    ethnicity: text,
    /** ISO 3166 alpha-2, or the country's name */
    nationality: text,
  }),
  father: z.optional(Parent),
  mother: z.optional(Parent),
});
export type BirthEvent = z.infer<typeof BirthEvent>;

/** The codes a birth event is refused with (docs/ids.md; vi/en in shared/births/errors.ts). */
export type BirthProblem =
  | 'BIRTH_EVENT_INVALID'
  | 'BIRTH_COMMUNE_UNKNOWN'
  | 'BIRTH_ETHNICITY_UNKNOWN'
  | 'BIRTH_NATIONALITY_UNKNOWN'
  | 'BIRTH_DATE_IN_FUTURE';

export class BirthEventError extends Error {
  constructor(
    readonly code: BirthProblem,
    /** which fields, never their values */
    readonly fields: string[] = [],
  ) {
    super(code);
  }
}

/** The list of units a birth on `dateOfBirth` was registered under: the 2025 list from 1 July 2025. */
export const vintageOfBirth = (dateOfBirth: string): Vintage => (dateOfBirth >= '2025-07-01' ? 2025 : 2020);

/** A message body as a birth event, or a coded refusal naming the fields at fault (never their values). */
export function parseBirthEvent(body: string, now: Date): BirthEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new BirthEventError('BIRTH_EVENT_INVALID');
  }
  const parsed = BirthEvent.safeParse(json);
  if (!parsed.success) {
    throw new BirthEventError(
      'BIRTH_EVENT_INVALID',
      parsed.error.issues.map((issue) => issue.path.join('.')),
    );
  }
  const event = parsed.data;
  if (event.child.dateOfBirth > now.toISOString().slice(0, 10)) {
    throw new BirthEventError('BIRTH_DATE_IN_FUTURE', ['child.dateOfBirth']);
  }
  const vintage = vintageOfBirth(event.child.dateOfBirth);
  if (unitOf(vintage, event.child.birthRegistrationCommune)?.level !== 'commune') {
    throw new BirthEventError('BIRTH_COMMUNE_UNKNOWN', ['child.birthRegistrationCommune']);
  }
  if (!findEthnicGroup(event.child.ethnicity)) {
    throw new BirthEventError('BIRTH_ETHNICITY_UNKNOWN', ['child.ethnicity']);
  }
  if (!findNationality(event.child.nationality)) {
    throw new BirthEventError('BIRTH_NATIONALITY_UNKNOWN', ['child.nationality']);
  }
  return event;
}

/** The fields of a DC01 record a birth event does not carry, taken from the mother's. */
const FROM_MOTHER = [
  'hometown',
  'permanentAddress',
  'permanentCommuneCode',
  'permanentCommuneCode2025',
  'currentAddress',
  'currentCommuneCode',
  'currentCommuneCode2025',
] as const;
/** Of those, the ones a DC01 record must have: missing, they are listed on the birth. */
const REQUIRED_FROM_MOTHER = ['hometown', 'currentAddress'] as const;

export interface BirthRecord {
  record: PopulationRecord;
  /** required fields the event does not carry and no mother's record gave */
  missing: string[];
}

/** The child's register record: the event's fields, the issued number, and the rest from the mother's record. */
export function birthRecord(
  event: BirthEvent,
  number: string,
  mother: PopulationRecord | undefined,
): BirthRecord {
  const { child } = event;
  const vintage = vintageOfBirth(child.dateOfBirth);
  const commune = unitOf(vintage, child.birthRegistrationCommune);
  const record: PopulationRecord = {
    fullName: child.fullName,
    dateOfBirth: child.dateOfBirth,
    sex: child.sex,
    personalId: number,
    birthRegistrationPlace: commune?.name ?? child.birthRegistrationCommune,
    hometown: '',
    ethnicityCode: findEthnicGroup(child.ethnicity)?.code ?? '',
    nationality: findNationality(child.nationality) ?? '',
    currentAddress: '',
    ...(event.father ? { fatherName: event.father.fullName } : {}),
    ...(event.father?.personalId ? { fatherId: event.father.personalId } : {}),
    ...(event.mother ? { motherName: event.mother.fullName } : {}),
    ...(event.mother?.personalId ? { motherId: event.mother.personalId } : {}),
  };
  if (mother) {
    for (const field of FROM_MOTHER) {
      const value = mother[field];
      if (value) (record as Record<string, unknown>)[field] = value;
    }
  }
  const missing = REQUIRED_FROM_MOTHER.filter((field) => !record[field]);
  return { record, missing: [...missing] };
}
