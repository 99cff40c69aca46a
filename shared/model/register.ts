// A person as the register holds it, and the items around it (blocking items, review items), as the register flow
// and the link pass read them. Kept by shared/store/register-store.ts; keys in shared/keys.ts.
import type { PopulationRecord } from '#domain/record.ts';
import type { HeldCandidate } from '../linkage/link.ts';
import type { ReviewResolution } from '../linkage/review.ts';

export interface HeldPerson {
  record: PopulationRecord;
  version: number;
  /** `batchId#row:outcome` for the latest rows that touched this person, newest last */
  applied: string[];
  /** set when this key is not a person of its own: a record joined to that person, or a reviewer merged it */
  mergedInto?: string;
  /** persons a reviewer kept apart from this one */
  keptApart?: string[];
  agencyCode?: string;
  /** the history table's sort key of the last change to its fields (undefined: none since issue 19) */
  lastChange?: string;
  /** what a creation derived when read needs besides the person (a row's new person: it puts no history item) */
  creation?: CreationFacts;
  /**
   * Set on a person as its blocking item filed it (not read from its own item): the entry its first row
   * stored. A write from it holds only while the person is still as first stored (`recordOutcome`).
   */
  filed?: string;
}

/**
 * A person's creation as the person keeps it, for a creation whose history item is derived when read rather than put
 * (shared/ingest/person-history.ts): when, by whom (the batch's uploader) and the row's outcome (`new`,
 * `probable_duplicate`).
 */
export interface CreationFacts {
  at: string;
  by?: string;
  why: string;
}

/** A new person's history as createPerson stores it (the Register port). */
export interface NewPersonHistory {
  /** the sort key of its creation in the history table */
  lastChange: string;
  /** a creation derived when read, with no item: the row's outcome, kept with when and by whom (`creation`) */
  why?: string;
}

/** A candidate as a blocking Query returns it: the whole record, and the agency that registered the person. */
export interface FiledCandidate extends HeldCandidate {
  record: PopulationRecord;
  agencyCode?: string;
  /** the `applied` entry its first row stored (items filed before this was kept lack it) */
  created?: string;
}

/** A person as the link pass's scan reads it. */
export interface ScannedPerson {
  key: string;
  record: PopulationRecord;
  keptApart?: string[];
}

/** A probable duplicate on an agency's review list, as stored (see shared/linkage/review.ts). */
export interface StoredReview {
  /** `{batchId}.{row}`: unique per row, safe in a URL path (reviewId in shared/keys.ts) */
  id: string;
  agencyCode: string;
  batchId: string;
  row: number;
  formId?: string;
  personKey: string;
  candidatePersonKey: string;
  score: number;
  reasons: string[];
  /** the compared fields of both records, with their levels (sideBySide) */
  fields: { field: string; incoming: string; held: string; level: string }[];
  createdAt: string;
  resolution?: ReviewResolution;
  resolvedAt?: string;
}

export interface ReviewPage {
  items: StoredReview[];
  nextToken?: string;
}

/** Where a row came from: the batch and its data row number. */
export interface RowOrigin {
  batchId: string;
  row: number;
  agencyCode: string;
  /** who uploaded the batch (its `uploadedBy`): the history names them as who made the row's changes */
  uploadedBy?: string;
}

/** What an update changed: each field's value before and after. */
export type FieldChanges = Record<string, { from?: unknown; to: unknown }>;
