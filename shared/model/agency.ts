// An agency as data (issue 17): who it is, the administrative unit it serves and whether it may act. The agencies
// table holds one item per agency (shared/store/agency-store.ts); an operator changes it with `npm run agencies`.
// zod/mini, as shared/domain/record.ts. The functions that read agencies import only the types (and
// agency-refusal.ts): the schemas check what the operator command writes, so no function bundles them.
import * as z from 'zod/mini';
import { AGENCY_CODE_PATTERN } from '../api/schemas.ts';

import { AGENCY_KINDS } from '../domain/roles.ts';

export { AGENCY_KINDS, type AgencyKind } from '../domain/roles.ts';

/** The vintages unit codes are read in: before and after the July 2025 merges (Gia Lai is 64 in 2020, 52 in 2025). */
export const UNIT_VINTAGES = [2020, 2025] as const;
export type UnitVintage = (typeof UNIT_VINTAGES)[number];

/** A province (2 digits), district (3) or commune (5) code of the statistics office's catalogue. */
export const UNIT_CODE_PATTERN = /^(?:\d{2}|\d{3}|\d{5})$/;

export const AgencyUnit = z.object({
  code: z.string().check(z.regex(UNIT_CODE_PATTERN)),
  vintage: z.union([z.literal(2020), z.literal(2025)]),
});
export type AgencyUnit = z.infer<typeof AgencyUnit>;

/** What an operator says of an agency: everything but its standing and the audit fields. */
export const AgencyInput = z.object({
  code: z.string().check(z.regex(AGENCY_CODE_PATTERN)),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  kind: z.enum(AGENCY_KINDS),
  unit: AgencyUnit,
  /** OAuth client ids of the agency's systems (the machine path, issue 17); none yet */
  machineClients: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(128))), []),
});
export type AgencyInput = z.input<typeof AgencyInput>;

export const Agency = z.object({
  ...AgencyInput.shape,
  machineClients: z.array(z.string()),
  active: z.boolean(),
  /** ISO time of the last change, and who made it (an operator's name or ARN) */
  updatedAt: z.string(),
  updatedBy: z.string().check(z.minLength(1)),
});
export type Agency = z.infer<typeof Agency>;
