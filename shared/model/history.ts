// A change to a person as the history table keeps it (issue 19, docs/data-model.md "The history table"): which
// fields went from what to what, when, made by which row or request, why and by whom. Put once, never changed.
// Kept by shared/store/history-store.ts; keys in shared/keys.ts (historyKeys).
import type { FieldChanges } from './register.ts';

/**
 * Why a person changed: `created` (a form's new person), `updated` (a form that added to or changed it), `merged` (a
 * reviewer's or a link pass's merge of another person into it), `merged_into` (it was merged into another, and
 * points there now), `kept_apart` (a reviewer kept it apart from another), `corrected` (a correction form's row, or
 * an approved correction: `why` is its reason).
 */
export type ChangeOutcome = 'created' | 'updated' | 'merged' | 'merged_into' | 'kept_apart' | 'corrected';

/**
 * Who made a change: the batch's uploader (`uploader`: a machine's app client id or a person's Cognito `sub`, as
 * the upload URL signed it), the caller of a request (`person`, `machine`: its `sub` or client id), or a link pass
 * (`link-pass`: its id). Pseudonymous: never a name.
 */
export interface ChangeActor {
  kind: 'uploader' | 'person' | 'machine' | 'link-pass';
  id: string;
}

/** A change to a person, as put in the history table. */
export interface PersonChange {
  personKey: string;
  /** the person's version this change made (0: a history item from before issue 19, migrated) */
  version: number;
  /** what made it: a row `{batchId}#{row}`, a review `review#{id}`, a merge's tag and the merged person's version */
  change: string;
  /** the sort key of the change before it on the person (its `lastChange` when this one was prepared) */
  prev?: string;
  outcome: ChangeOutcome;
  /** in the reporter's words: the row's outcome (`new`, `probable_duplicate`, `updated`) or the decision's maker */
  why?: string;
  /** each field's value before and after (a new person: every field it was created with, `to` only) */
  changes: FieldChanges;
  /** the agency that supplied the values the change wrote (`to`) */
  agencyCode?: string;
  /** a row's batch and data row number */
  batchId?: string;
  row?: number;
  /** a reviewer's decision: the review item, and the API request that made it */
  reviewId?: string;
  request?: string;
  /** a link pass's merge */
  passId?: string;
  /** the other person of a merge or a keep-apart */
  other?: string;
  by: ChangeActor;
  at: string;
  /** a correction's supporting document (issue 19) */
  evidenceRef?: string;
  /** an approved correction: who submitted it (the correction file's uploader); `by` is its approver */
  submittedBy?: string;
  /** moved from the register by `npm run history -- migrate`: from before changes were chained (its `prev`) */
  migrated?: true;
}

/** A change as it is about to be made: its key's parts and what it records, without when (the store stamps it). */
export type ChangeDraft = Omit<PersonChange, 'at'>;
