// Coverage (issue 18): what is counted per commune, how a row or a merge moves the counts, and the port of the
// counter items. docs/coverage.md. No SDK here.
import type { Vintage } from '#domain/units.ts';

/**
 * The counts of one counter item. Persons (by their newest accepted form): `permanent` belong to the commune,
 * `temporary` live in it while belonging elsewhere. Forms (rows of batches, by the commune their own permanent
 * address names): received, and of them rejected, re-collected (accepted after a rejected form of the same person),
 * duplicate, updated and conflict.
 */
export const COUNTERS = [
  'permanent',
  'temporary',
  'received',
  'rejected',
  'recollected',
  'duplicate',
  'updated',
  'conflict',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counts = Record<Counter, number>;

export const zeroCounts = (): Counts => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counts;

/**
 * Where a count goes, in one vintage (every count is made in both, shared/coverage/places.ts): a commune of that
 * vintage's list, a commune of the other list it cannot assign, or, for what could not be placed, the unit of the
 * agency that uploaded it.
 */
export type CounterPlace =
  | { kind: 'commune'; vintage: Vintage; province: string; code: string }
  /**
   * a commune of the other list that this one cannot assign (a 2020 commune split among several 2025 communes, with no
   * 2025 code or name on the form to choose): its own "not assigned" line, under the province it lies in
   */
  | { kind: 'notAssigned'; vintage: Vintage; province: string; code: string }
  | { kind: 'unplaced'; vintage: Vintage; province: string; agencyUnit: string };

/** What one writer moves on one counter item. */
export interface CounterDelta {
  place: CounterPlace;
  counts: Partial<Counts>;
}

/** What one batch moved, kept for the recount (objectKeys.batchCoverage): its forms' counts and its persons'. */
export interface CoverageLedger {
  batchId: string;
  agencyCode: string;
  forms: CounterDelta[];
  persons: CounterDelta[];
}

/** A counter item as read. */
export interface CounterItem {
  place: CounterPlace;
  counts: Counts;
}

/** The counter items (shared/store/coverage-store.ts). */
export interface CoverageCounters {
  /**
   * Moves each item by its delta, exactly once for `moveId` (a batch id, or a merge's id): an item already moved by
   * it is left. How many items this call moved.
   */
  apply(moveId: string, deltas: readonly CounterDelta[]): Promise<number>;
  /** Forgets `moveId` on the items it moved, once nothing can move them by it again (a batch marked completed). */
  forget(moveId: string, places: readonly CounterPlace[]): Promise<void>;
  /** every counter item of a province in one vintage */
  province(vintage: Vintage, province: string): Promise<CounterItem[]>;
  /** Sets each item to the counts given (the recount's `--write`), and zeroes the province's items not given. */
  overwrite(items: readonly CounterItem[]): Promise<void>;
}

/** One version of a province's expected residents, as a reference upload stores it. */
export interface ProvinceReference {
  vintage: Vintage;
  province: string;
  asOf: string;
  /** when it was read (ISO), and the object it came from */
  uploadedAt: string;
  objectKey: string;
  communes: Record<string, { permanent: number; temporary: number; source: string }>;
}

/** The expected residents (shared/store/reference-store.ts). */
export interface ReferencePopulations {
  put(reference: ProvinceReference): Promise<void>;
  /** the newest as-of date's version (the later upload of a date) */
  newest(vintage: Vintage, province: string): Promise<ProvinceReference | undefined>;
}

/** A rejected form kept to be matched by a later accepted one (shared/coverage/recollect.ts): one item each. */
export interface RejectedForm {
  /** what it is kept and taken under: `F{formId}` when it has a form id, else `K{personKey}` */
  key: string;
  /** what a later form is matched by: its form id's key and its person's, those it has */
  matches: string[];
  batchId: string;
  row: number;
  /** set when the batch that rejected the form also re-collected it */
  consumedBy?: string;
  /** its permanent commune in 2020 and in 2025, '' where it names none (or a commune the list cannot assign) */
  communes?: [string, string];
  /** its row codes (ROW_CODES) */
  codes?: string[];
  /** what its worklist lines show the uploading agency alone, to find the person (never the ID, never a phone) */
  person?: WorklistPerson;
}

/** A form's personal fields as written on it, on its worklist lines (GET /worklists shows them to its agency only). */
export interface WorklistPerson {
  fullName?: string;
  dateOfBirth?: string;
  permanentAddress?: string;
  currentAddress?: string;
}

/** What a worklist line is about: a form to collect again, a decision waiting on a reviewer, an address to place. */
export type WorklistKind = 'rejected' | 'duplicate' | 'conflict' | 'unplaced';

/**
 * An accepted form the register step lists (issue 25, shared/coverage/worklist-lines.ts): a probable duplicate or a
 * conflict waiting for a decision, under its communes, or a form that places nowhere, under its agency's unplaced
 * forms.
 */
export interface ListedForm {
  kind: Exclude<WorklistKind, 'rejected'>;
  row: number;
  formId: string;
  /** the person key the register filed it under: where its conflict item is (never shown) */
  personKey: string;
  /** its permanent commune in 2020 and in 2025, '' where it names none (or one the list cannot assign) */
  communes: [string, string];
  codes: string[];
  /** the partitions it is listed in (worklistKeys) */
  lists: string[];
  person?: WorklistPerson;
}

/** The rejected forms each agency still waits for (shared/store/recollect-store.ts). */
export interface Recollections {
  /**
   * The agency's rejections still open, each match (`F{formId}`, `K{personKey}`) → the key of the rejection; those
   * `batchId` itself took count as open (a redelivered finalize decides the same), those it rejected are left out (it
   * matches its own in row order).
   */
  open(agencyCode: string, batchId: string): Promise<Map<string, string>>;
  /** Keeps rejections until `expiresAt` (epoch seconds); a rejection already kept is left as it is. */
  keep(agencyCode: string, forms: readonly RejectedForm[], expiresAt: number): Promise<void>;
  /** True when `batchId` takes the rejection as re-collected: the first to, or the same batch again. */
  take(agencyCode: string, key: string, batchId: string): Promise<boolean>;
}

/** A line of a worklist (issue 25), as read. */
export interface WorklistItem {
  /** 'rejected' for a line written before kinds were */
  kind: WorklistKind;
  agencyCode: string;
  batchId: string;
  row: number;
  /** '' when the form had none (it was kept under its person key) */
  formId: string;
  codes: string[];
  /** its permanent commune in 2020 and in 2025 */
  communes: [string, string];
  /** a duplicate's review item, on the uploading agency's review list (POST /review/{id}) */
  reviewId?: string;
  /** the form's personal fields: the route shows them to the uploading agency alone */
  person?: WorklistPerson;
}

/** The worklist lines the register step puts (shared/store/worklist-store.ts). */
export interface WorklistLines {
  /** Puts a chunk's lines, each in its lists, until `expiresAt` (epoch seconds). Safe to repeat. */
  put(agencyCode: string, batchId: string, forms: readonly ListedForm[], expiresAt: number): Promise<void>;
}

/** The worklists (shared/store/worklist-store.ts), read by GET /worklists/{commune}. */
export interface Worklists {
  /**
   * A page of a list (a worklistKeys partition), without the forms re-collected or decided since; undefined when
   * `nextToken` is not this list's.
   */
  list(
    partition: string,
    limit: number,
    nextToken?: string,
  ): Promise<{ items: WorklistItem[]; nextToken?: string } | undefined>;
}
