// A correction of an identity field waiting for a second officer (issue 19, docs/corrections.md): kept on its
// agency's correction list in the register table until an approver approves or rejects it. Kept by
// shared/store/correction-lists.ts; keys in shared/keys.ts (registerKeys.correction).
import type { FieldName } from '#domain/fields.ts';
import type { CorrectionReason, CorrectionValues } from '../corrections/correction.ts';

/** `pending` until decided; `approving` while an approval is being applied (a crash leaves it so, and a retry ends it). */
export type CorrectionStatus = 'pending' | 'approving' | 'approved' | 'rejected';

/** A decision on a pending correction, as the item records it. */
export interface CorrectionDecisionRecord {
  /** the deciding person's `sub` */
  by: string;
  at: string;
  /** the API request that made it */
  request: string;
  /** why an approval could not apply it, which rejected it instead (the old value no longer held, say) */
  code?: string;
}

export interface StoredCorrection {
  /**
   * `{batchId}.{row}`: the correction row's (reviewId in shared/keys.ts), or `{batchId}.{row}.{field}` for one a
   * conflict's `take` put (takenCorrectionId); safe in a URL path
   */
  id: string;
  agencyCode: string;
  batchId: string;
  row: number;
  formId?: string;
  /** the person as the register found it when the row was decided */
  personKey: string;
  field: FieldName;
  /** the values as the field's rules read them: an approval decides them again against the record as it is then */
  values: CorrectionValues;
  /** the field's value held when the row was decided, and the value it would become (undefined: empty) */
  from?: string;
  to?: string;
  reason: CorrectionReason;
  evidenceRef: string;
  /** who uploaded the correction file (the batch's `uploadedBy`): never its approver */
  submittedBy?: string;
  /** a conflict's `take` (`{conflictId}.{field}` is its id): the conflict it came from; `submittedBy` is its reviewer */
  conflictId?: string;
  /** a personal ID correction: the new ID's sealed key, put as an alias of the person when it is approved */
  aliasKey?: string;
  createdAt: string;
  status: CorrectionStatus;
  decision?: CorrectionDecisionRecord;
}

export interface CorrectionPage {
  items: StoredCorrection[];
  nextToken?: string;
}
