// A conflict (issue 19, docs/corrections.md "Conflicts"): a DC01 row whose personal ID the register holds for a person
// with another name, date of birth or sex. Kept on the uploading agency's conflict list in the register table until a
// reviewer decides it: keep the held value, take the incoming one (pending identity corrections for an approver), or
// find the two different persons. Kept by shared/store/conflict-lists.ts; keys in shared/keys.ts
// (registerKeys.conflict).
import type { FieldName } from '#domain/fields.ts';
import type { PopulationRecord } from '#domain/record.ts';
import type { CorrectionReason } from '../corrections/correction.ts';

export const CONFLICT_DECISIONS = ['keep', 'take', 'different'] as const;
export type ConflictDecision = (typeof CONFLICT_DECISIONS)[number];

/** `open` until a reviewer decides it, then `decided` (the decision says how). */
export type ConflictStatus = 'open' | 'decided';

/** A decision on a conflict, as the item records it. */
export interface ConflictDecisionRecord {
  decision: ConflictDecision;
  /** the deciding caller's `sub` (a person) or client id (a machine) */
  by: string;
  byKind: 'person' | 'machine';
  at: string;
  /** the API request that made it */
  request: string;
  /** `take`: the identity corrections it put on the agency's correction list, each field from the held value to the incoming */
  corrections?: { id: string; field: FieldName; from?: string; to?: string }[];
  /** `take`: why, and on what evidence, as its corrections say */
  reason?: CorrectionReason;
  evidenceRef?: string;
  /** `take`: the corrected person; `different`: the key of the person the incoming form became */
  personKey?: string;
}

export interface StoredConflict {
  /** `{batchId}.{row}`: the row's (reviewId in shared/keys.ts), safe in a URL path */
  id: string;
  /** the uploading agency, whose list it is on */
  agencyCode: string;
  batchId: string;
  row: number;
  formId?: string;
  /** the person who holds the ID */
  personKey: string;
  /** the row's record as validated */
  incoming: PopulationRecord;
  /** the identity fields (record keys) on which the row and the held person differed */
  differing: string[];
  /**
   * The key the incoming form's person has without the disputed ID (its name, date of birth, sex and birth place,
   * sealed by the register, which holds the person-key secret): where `different` stores it.
   */
  apartKey?: string;
  /** who uploaded the row's batch (its `uploadedBy`) */
  uploadedBy?: string;
  createdAt: string;
  status: ConflictStatus;
  decision?: ConflictDecisionRecord;
  /** set once the decision is counted on the batch (`conflictsResolved`): a replay does not count it again */
  counted?: true;
}

export interface ConflictPage {
  items: StoredConflict[];
  nextToken?: string;
}
