// Personal ID numbers issued by dancu (issue 20, docs/ids.md): the ports the allocator is written against. No AWS.

/** Why a number is issued: a registered birth, or a person accepted from a form without one. */
export type IssuePurpose =
  | { kind: 'birth'; registrationId: string }
  | { kind: 'form'; batchId: string; row: number };

/** The key of a purpose: one number per purpose, ever (a redelivered event or row finds its number). */
export const purposeKey = (purpose: IssuePurpose): string =>
  purpose.kind === 'birth' ? `birth#${purpose.registrationId}` : `form#${purpose.batchId}#${purpose.row}`;

/** What the issuance of a number records: the number, for what, by whom, when and why. */
export interface IssueRecord {
  number: string;
  purpose: IssuePurpose;
  /** the agency (or the platform, for forms) the number was issued for */
  issuedFor: string;
  /** the principal that issued it: the function, or the national service behind an adapter */
  issuedBy: string;
  issuedAt: string;
  /** a line for the audit: the birth registration or the row, in words */
  why: string;
  /** the form's own id, for a row's number (its agency finds the row by it in `issued-ids.csv`) */
  formId?: string;
}

export interface PrefixClaim {
  index: number;
  orderKey: Uint8Array;
  size: number;
}

/** A prefix's counter: each claim a new index, never one given before, none past `size`. */
export interface IdCounters {
  /**
   * The next index of `prefix`, with the prefix's order key and size (both fixed by its first claim, kept for ever:
   * the order must never change under numbers already issued), or undefined when every index is claimed.
   */
  claim(prefix: string, size: number): Promise<PrefixClaim | undefined>;
}

/** The issuance records, one per purpose: put once, never changed or deleted. */
export interface IssuedIds {
  get(purpose: IssuePurpose): Promise<IssueRecord | undefined>;
  /** records the issuance unless the purpose has one already; answers the record that holds */
  record(record: IssueRecord): Promise<IssueRecord>;
  /** the numbers issued for a batch's rows, by row (its `issued-ids.csv`) */
  forBatch(batchId: string): Promise<IssueRecord[]>;
}

export type IssueResult =
  | { status: 'issued' | 'already'; record: IssueRecord }
  /** every number of the prefix is issued (or skipped): the request fails, and an alarm says so */
  | { status: 'full'; prefix: string }
  /** the place or the year cannot open an ID */
  | { status: 'refused'; code: 'ID_PLACE_UNKNOWN' | 'ID_PLACE_UNSETTLED' | 'ID_YEAR_UNSUPPORTED' };

export interface IssueRequest {
  purpose: IssuePurpose;
  /** the birth-registration place's ID code (shared/ids/prefix.ts idPlaceOf) */
  placeCode: string;
  sex: 'male' | 'female';
  birthYear: number;
  issuedFor: string;
  why: string;
  formId?: string;
}

/**
 * Issues personal ID numbers. dancu's own (shared/ids/allocator.ts) serves the local stack, the tests and a platform
 * that is the authority; a national service's adapter replaces it behind this interface (docs/ids.md, "The contract").
 */
export interface IdAllocator {
  issue(request: IssueRequest): Promise<IssueResult>;
}

/** How a parent named on a birth event was found: by the ID given, or not. */
export type ParentLink = 'linked' | 'notFound' | 'notGiven';

/** A registered birth as dancu holds it (GET /births/{registrationId}, for the registering agency only). */
export interface BirthRegistration {
  registrationId: string;
  registeringAgency: string;
  number: string;
  /** the child's key in the register */
  personKey: string;
  /** required DC01 fields no mother's record gave: to be collected */
  missing: string[];
  parents: { mother: ParentLink; father: ParentLink };
  occurredAt: string;
  registeredAt: string;
}

/** The births dancu registered, one item per registration id. */
export interface Births {
  get(registrationId: string): Promise<BirthRegistration | undefined>;
  /** writes the registration (a redelivery writes the same) */
  put(birth: BirthRegistration): Promise<void>;
}
