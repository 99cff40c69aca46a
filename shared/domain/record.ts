// The DC01 population record after validation and normalisation: the single source of the record type.
// a namespace import lets the bundler leave out zod's locales (bench/lookup: 444 KB → 99 KB of zod)
import * as z from 'zod';

const text = z.string().min(1);
const personalId = z.string().regex(/^\d{12}$/);
const relatedId = z.string().regex(/^(\d{12}|\d{9})$/);
const communeCode = z.string().regex(/^\d{5}$/);

export const Sex = z.enum(['male', 'female']);
/** ABO group, with the Rh sign when the form gives it */
export const BloodGroup = z.string().regex(/^(O|A|B|AB)[+-]?$/);
export const MaritalStatus = z.enum(['single', 'married', 'divorced', 'widowed']);

export const PopulationRecord = z.object({
  formId: text.optional(),
  fullName: text,
  otherName: text.optional(),
  /** YYYY-MM-DD */
  dateOfBirth: z.iso.date(),
  sex: Sex,
  personalId: personalId.optional(),
  oldIdNumber: z
    .string()
    .regex(/^\d{9}$/)
    .optional(),
  birthRegistrationPlace: text,
  hometown: text,
  /** 1979 list code, 01–54 */
  ethnicityCode: z.string().regex(/^\d{2}$/),
  /** official name, or "Không" for none */
  religion: text.optional(),
  /** ISO 3166 alpha-2 */
  nationality: z.string().length(2),
  bloodGroup: BloodGroup.optional(),
  maritalStatus: MaritalStatus.optional(),
  permanentAddress: text.optional(),
  permanentCommuneCode: communeCode.optional(),
  permanentCommuneCode2025: communeCode.optional(),
  currentAddress: text,
  currentCommuneCode: communeCode.optional(),
  currentCommuneCode2025: communeCode.optional(),
  householdHeadName: text.optional(),
  householdHeadId: relatedId.optional(),
  relationshipToHead: text.optional(),
  fatherName: text.optional(),
  fatherId: relatedId.optional(),
  motherName: text.optional(),
  motherId: relatedId.optional(),
  spouseName: text.optional(),
  spouseId: relatedId.optional(),
  /** national format, 0 and 9 digits */
  phone: z
    .string()
    .regex(/^0\d{9}$/)
    .optional(),
  email: z.string().optional(),
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
