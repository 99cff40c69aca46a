// The DC01 population record after validation and normalisation: the single source of the record type.
// zod/mini, as a namespace: every pipeline function bundles this, and mini's functional API shakes down to a
// fraction of classic zod's chained one (docs/benchmarks.md, "zod/mini"); the locales stay out of both
import * as z from 'zod/mini';

const text = z.string().check(z.minLength(1));
const personalId = z.string().check(z.regex(/^\d{12}$/));
const relatedId = z.string().check(z.regex(/^(\d{12}|\d{9})$/));
const communeCode = z.string().check(z.regex(/^\d{5}$/));

export const Sex = z.enum(['male', 'female']);
/** ABO group, with the Rh sign when the form gives it */
const BloodGroup = z.string().check(z.regex(/^(O|A|B|AB)[+-]?$/));
const MaritalStatus = z.enum(['single', 'married', 'divorced', 'widowed']);

export const PopulationRecord = z.object({
  formId: z.optional(text),
  fullName: text,
  otherName: z.optional(text),
  /** YYYY-MM-DD */
  dateOfBirth: z.iso.date(),
  sex: Sex,
  personalId: z.optional(personalId),
  oldIdNumber: z.optional(z.string().check(z.regex(/^\d{9}$/))),
  birthRegistrationPlace: text,
  hometown: text,
  /** 1979 list code, 01–54 */
  ethnicityCode: z.string().check(z.regex(/^\d{2}$/)),
  /** official name, or "Không" for none */
  religion: z.optional(text),
  /** ISO 3166 alpha-2 */
  nationality: z.string().check(z.length(2)),
  bloodGroup: z.optional(BloodGroup),
  maritalStatus: z.optional(MaritalStatus),
  permanentAddress: z.optional(text),
  permanentCommuneCode: z.optional(communeCode),
  permanentCommuneCode2025: z.optional(communeCode),
  currentAddress: text,
  currentCommuneCode: z.optional(communeCode),
  currentCommuneCode2025: z.optional(communeCode),
  householdHeadName: z.optional(text),
  householdHeadId: z.optional(relatedId),
  relationshipToHead: z.optional(text),
  fatherName: z.optional(text),
  fatherId: z.optional(relatedId),
  motherName: z.optional(text),
  motherId: z.optional(relatedId),
  spouseName: z.optional(text),
  spouseId: z.optional(relatedId),
  /** national format, 0 and 9 digits */
  phone: z.optional(z.string().check(z.regex(/^0\d{9}$/))),
  email: z.optional(z.string()),
});

export type PopulationRecord = z.infer<typeof PopulationRecord>;
export type Sex = z.infer<typeof Sex>;

/** The fields that say who a person is; a record that shares an ID but differs here is a conflict. */
export const IDENTITY_FIELDS = [
  'fullName',
  'dateOfBirth',
  'sex',
] as const satisfies readonly (keyof PopulationRecord)[];

/** The record's keys in the schema's order; RECORD_KEYS[i] is what recordOf takes at index i. */
export const RECORD_KEYS = Object.keys(PopulationRecord.shape) as (keyof PopulationRecord)[];

/** A record from its values in RECORD_KEYS order: written out for one object shape (see rawRowOf). */
export function recordOf(values: readonly (string | undefined)[]): PopulationRecord {
  return {
    formId: values[0],
    fullName: values[1],
    otherName: values[2],
    dateOfBirth: values[3],
    sex: values[4],
    personalId: values[5],
    oldIdNumber: values[6],
    birthRegistrationPlace: values[7],
    hometown: values[8],
    ethnicityCode: values[9],
    religion: values[10],
    nationality: values[11],
    bloodGroup: values[12],
    maritalStatus: values[13],
    permanentAddress: values[14],
    permanentCommuneCode: values[15],
    permanentCommuneCode2025: values[16],
    currentAddress: values[17],
    currentCommuneCode: values[18],
    currentCommuneCode2025: values[19],
    householdHeadName: values[20],
    householdHeadId: values[21],
    relationshipToHead: values[22],
    fatherName: values[23],
    fatherId: values[24],
    motherName: values[25],
    motherId: values[26],
    spouseName: values[27],
    spouseId: values[28],
    phone: values[29],
    email: values[30],
  } as PopulationRecord;
}
