// The ports: what the pipeline's steps (shared/ingest) and the procedures (shared/procedures) need of
// storage, declared once. The adapters in shared/store implement them against DynamoDB and S3; the fakes in
// test/fakes implement them in memory. Each step names the narrow part it uses (the `Pick`s at the end).
import type { Readable } from 'node:stream';
import type { PopulationRecord } from '#domain/record.ts';
import type { ReviewResolution } from '../linkage/review.ts';
import type { Application, StoredEvent } from '../procedures/application.ts';
import type { QueueId } from '../resources.ts';
import type { Agency, AgencyInput } from './agency.ts';
import type {
  AgencyBatch,
  AgencyBatchPage,
  Batch,
  BatchFailure,
  BatchStatus,
  ChunkRef,
  SplitStep,
} from './batch.ts';
import type { ConflictDecisionRecord, ConflictPage, StoredConflict } from './conflict.ts';
import type { CorrectionDecisionRecord, CorrectionPage, StoredCorrection } from './correction.ts';
import type { ChangeDraft, PersonChange } from './history.ts';
import type { LinkPass, PassSizes, PassStage, StepDone } from './link-pass.ts';
import type {
  FiledCandidate,
  HeldPerson,
  NewPersonHistory,
  ReviewPage,
  RowOrigin,
  ScannedPerson,
  StoredReview,
} from './register.ts';

/** The batches table's batch items: progress, checkpoint, leases and outcome (shared/store/batch-store.ts). */
export interface Batches {
  get(batchId: string): Promise<Batch | undefined>;
  /** true when this call created the batch */
  create(batch: Batch): Promise<boolean>;
  /** one invocation at a time splits a batch, and only from where its checkpoint says */
  takeSplitLease(batchId: string, fromRow: number, holder: string, until: number): Promise<boolean>;
  /**
   * The split's new checkpoint, and the lease let go, if the holder still holds it at `fromRow`; with `next`, the
   * whole file is read and the batch moves on (its rows and chunk counts from the checkpoint).
   */
  advanceSplit(step: SplitStep, next?: BatchStatus): Promise<boolean>;
  markChainsStarted(batchId: string): Promise<void>;
  /** how many partitions are done, this one included */
  addDonePartition(batchId: string, partition: number): Promise<number>;
  setStatus(batchId: string, status: BatchStatus, fields?: Partial<Batch>): Promise<void>;
  /** one invocation at a time registers a chunk */
  takeChunkLease(chunk: ChunkRef, holder: string, until: number): Promise<boolean>;
  releaseChunkLease(chunk: ChunkRef, holder: string): Promise<void>;
  /** frees a chunk's lease whoever holds it: a restart's resume, whose holders are gone */
  freeChunkLease(chunk: ChunkRef): Promise<void>;
  /** when the chunk's lease ends (epoch ms); undefined when nobody holds it */
  chunkLeaseEnd(chunk: ChunkRef): Promise<number | undefined>;
  takeFinalizeLease(batchId: string, holder: string, until: number): Promise<boolean>;
  releaseFinalizeLease(batchId: string, holder: string): Promise<void>;
  releaseLeases(batchId: string): Promise<void>;
  markCompleted(
    batchId: string,
    fields: Pick<Batch, 'outcomes' | 'errorsByCode' | 'warningsByCode' | 'finishedAt' | 'kind'>,
  ): Promise<void>;
  markFailed(batchId: string, failure: BatchFailure): Promise<void>;
  /** true when this batch is (now) the latest upload of its object key */
  claimLatest(batch: Batch): Promise<boolean>;
  listUnfinished(): Promise<Batch[]>;
  latestBatchOf(objectKey: string): Promise<string | undefined>;
}

/** The link pass's issuance records on a batch how many of its rows it numbered (shared/store/issued-batches.ts). */
export interface IssuedCounts {
  /** how many of the batch's rows have a number issued by a link pass (issue 20): its `issued-ids.csv` lists them */
  setIssuedIds(batchId: string, count: number): Promise<void>;
}

/** What the agencies' routes read of the batches table (shared/store/batch-reads.ts). */
export interface AgencyBatches {
  get(batchId: string): Promise<AgencyBatch | undefined>;
  /** undefined when `nextToken` is not one this agency was given */
  listByAgency(agencyCode: string, limit: number, nextToken?: string): Promise<AgencyBatchPage | undefined>;
}

/** The batches bucket: uploads, work files (one JSON value per line) and reports (shared/store/work-files.ts). */
export interface Files {
  /** an object's bytes, from `offset` on when given */
  open(key: string, versionId?: string, offset?: number): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** an object's user metadata (`x-amz-meta-*`, names in lower case); undefined when it is gone or not ours to read */
  metadata(key: string, versionId?: string): Promise<Record<string, string> | undefined>;
  putLines(key: string, values: unknown[]): Promise<void>;
  /** the values of a work file; an absent file holds none */
  readLines<T>(key: string): Promise<T[]>;
  /** a small object written whole: text, or bytes (a failed batch's outcomes.xlsx) */
  putText(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
}

/** Signs a PUT of one object whose user metadata the client cannot change (shared/store/upload-urls.ts). */
export interface UploadUrlSigner {
  /** a URL valid for `expiresInSeconds`, and the headers the client must send with it (the metadata, signed) */
  signPut(
    key: string,
    metadata: Record<string, string>,
    expiresInSeconds: number,
  ): Promise<{ url: string; headers: Record<string, string> }>;
  /** a URL that reads `key` for `expiresInSeconds` (a batch's report files, for its own agency) */
  signGet(key: string, expiresInSeconds: number): Promise<string>;
}

/** The bucket as finalize writes reports: a large text streamed in parts (shared/store/report-upload.ts). */
export interface ReportFiles extends Files {
  uploadStream(key: string, body: Readable, contentType: string): Promise<void>;
  /** a copy of a report file made in the bucket (a batch's report becomes the name's newest) */
  copy(from: string, to: string): Promise<void>;
}

/**
 * The register table: persons, their conflicts, blocking items, review lists. A write that changes a person's fields
 * (or whom it is merged into or kept apart from) names the history item of the change (`lastChange`: its sort key
 * in the history table, docs/data-model.md "The history table").
 */
export interface Register {
  /**
   * False when the key is already held. `creation`: the sort key of its creation's history item (`lastChange`) and,
   * for a creation derived when read rather than put (`why`: the row's outcome), when and by whom, kept on the person.
   */
  createPerson(
    key: string,
    record: PopulationRecord,
    origin: RowOrigin,
    outcome?: string,
    creation?: NewPersonHistory,
  ): Promise<boolean>;
  getPerson(key: string): Promise<HeldPerson | undefined>;
  /** false when the key is already held */
  putAlias(key: string, into: string, origin: RowOrigin, outcome: string): Promise<boolean>;
  fileForLinkage(
    key: string,
    record: PopulationRecord,
    filingKeys: string[],
    agencyCode: string,
    created: string,
  ): Promise<void>;
  findCandidates(blockingKeys: string[]): Promise<FiledCandidate[]>;
  putReview(review: StoredReview): Promise<void>;
  getReview(agencyCode: string, id: string): Promise<StoredReview | undefined>;
  listReviews(
    agencyCode: string,
    options?: { batchId?: string; limit?: number; nextToken?: string },
  ): Promise<ReviewPage>;
  /** false when the item was already resolved otherwise (or is not there) */
  resolveReview(agencyCode: string, id: string, resolution: ReviewResolution): Promise<boolean>;
  /** false when the person changed since `version` was read (or is not held) */
  addKeptApart(key: string, other: string, version: number, lastChange: string): Promise<boolean>;
  /** false when the person changed since `version` was read, or is merged already */
  markMerged(key: string, into: string, version: number, lastChange?: string): Promise<boolean>;
  /** false when the person changed since `held` was read */
  recordOutcome(
    key: string,
    held: HeldPerson,
    entry: string,
    merged?: PopulationRecord,
    lastChange?: string,
  ): Promise<boolean>;
  /** a conflict on its agency's list; false when the row's is there already (a redelivery: it stays as decided) */
  putConflict(conflict: StoredConflict): Promise<boolean>;
}

/**
 * The agencies' conflict lists in the register table (shared/store/conflict-lists.ts): rows whose ID is held for
 * another identity, waiting for a reviewer's decision (issue 19), one partition per agency.
 */
export interface ConflictLists {
  getConflict(agencyCode: string, id: string): Promise<StoredConflict | undefined>;
  /** the agency's conflicts by id (batch, then row); only `status`'s when given */
  listConflicts(
    agencyCode: string,
    options?: { status?: StoredConflict['status']; limit?: number; nextToken?: string },
  ): Promise<ConflictPage>;
  /** open → decided with the decision, once: false when it is decided already (or not there) */
  decideConflict(agencyCode: string, id: string, decision: ConflictDecisionRecord): Promise<boolean>;
  /** the decision is counted on its batch */
  markCounted(agencyCode: string, id: string): Promise<void>;
}

/** The batch items' count of decided conflicts (shared/store/resolved-conflicts.ts). */
export interface ResolvedConflicts {
  addConflictResolved(batchId: string): Promise<void>;
}

/**
 * The agencies' correction lists in the register table (shared/store/correction-lists.ts): identity corrections
 * waiting for a second officer (issue 19), one partition per agency.
 */
export interface CorrectionLists {
  /** false when the row's correction is on the list already (a redelivery's: it stays as it is) */
  putCorrection(correction: StoredCorrection): Promise<boolean>;
  getCorrection(agencyCode: string, id: string): Promise<StoredCorrection | undefined>;
  /** the agency's corrections by id (batch, then row); only `status`'s when given */
  listCorrections(
    agencyCode: string,
    options?: { status?: StoredCorrection['status']; limit?: number; nextToken?: string },
  ): Promise<CorrectionPage>;
  /**
   * Moves a correction from one of `from` to `to` with the decision, once: false when its status is none of them
   * (decided otherwise meanwhile) or it is not there. Approve and reject race on this one conditional write.
   */
  moveCorrection(
    agencyCode: string,
    id: string,
    from: readonly StoredCorrection['status'][],
    to: StoredCorrection['status'],
    decision: CorrectionDecisionRecord,
  ): Promise<boolean>;
}

/**
 * The history table (shared/store/history-store.ts): every change to a person, put once and never changed. A
 * change's key is made of the person, the version it makes and what made it, so a retry puts the same key.
 */
export interface PersonHistory {
  /** puts the change unless an item with its key is there already (a retry's: the same change); its sort key */
  put(change: ChangeDraft): Promise<string>;
  /** every item kept under the person, in key order: the changes made and any whose person write never landed */
  list(personKey: string): Promise<(PersonChange & { sk: string })[]>;
}

/** The register read whole, for the link pass (shared/store/register-scan.ts). */
export interface RegisterScanner {
  /** about how many items the table holds */
  estimateItems(): Promise<number>;
  /** the persons of one segment of a parallel scan, page by page */
  scanPersons(segment: number, totalSegments: number): AsyncIterable<ScannedPerson[]>;
}

/** The link passes in the batches table (shared/store/link-pass-store.ts). */
export interface LinkPasses {
  /** true when this call created the pass */
  create(passId: string, sizes: PassSizes): Promise<boolean>;
  get(passId: string): Promise<LinkPass | undefined>;
  stepDone(passId: string, stage: PassStage, step: number, result: StepDone): Promise<LinkPass>;
  /** true for the one caller that claims the stage first */
  claimStage(passId: string, stage: PassStage): Promise<boolean>;
  markSent(passId: string, stage: PassStage): Promise<void>;
  /** true when `passId` is now the pass that runs */
  takeCurrent(passId: string, now: number, until: number): Promise<boolean>;
  /** true for the call that marked the pass done */
  finish(passId: string): Promise<boolean>;
}

/** The applications table: events kept once, and the state made of them (shared/store/application-store.ts). */
export interface Applications {
  /** false when an event with this sequence is already kept (a repeat), which stays as it was */
  addEvent(event: StoredEvent): Promise<boolean>;
  /** every event kept for the application, by sequence; a consistent read: it sees every write before it */
  events(applicationCode: string): Promise<StoredEvent[]>;
  /** false when the stored state was made of as many events or more, which stays as it was */
  saveState(application: Application): Promise<boolean>;
  /** the application's state, or undefined; eventually consistent, as a lookup needs no more */
  get(applicationCode: string): Promise<Application | undefined>;
}

/** A message waiting in a dead-letter queue: the queue it failed on, and its body as sent. */
export interface DeadLetter {
  queue: QueueId;
  body: string;
}

/** The pipeline's dead-letter queues, read without taking a message off them (shared/store/dead-letter-queues.ts). */
export interface DeadLetters {
  /** every message waiting, each left where it is for a redrive */
  peek(): Promise<DeadLetter[]>;
}

/** What an import did with each agency given: new, already there as given, or there and different (left as it was). */
export interface AgencyImport {
  created: string[];
  unchanged: string[];
  /** held with another name, kind or unit: an import never overwrites (machine clients are add-client's) */
  conflicts: string[];
}

/** The agencies table (shared/store/agency-store.ts): the operator command writes it, the functions read it. */
export interface Agencies {
  get(agencyCode: string): Promise<Agency | undefined>;
  /** a new agency, active; for one already held, `unchanged` when it is as given, `conflict` (and left) otherwise */
  put(agency: AgencyInput, by: string): Promise<'created' | 'unchanged' | 'conflict'>;
  /** false when no such agency is held; disabling a disabled one (or enabling an active one) is true, and a no-op */
  disable(agencyCode: string, by: string): Promise<boolean>;
  enable(agencyCode: string, by: string): Promise<boolean>;
  /** every agency, by code */
  list(): Promise<Agency[]>;
  /** many agencies at once, as `put` treats each (new ones active); repeating an import changes nothing */
  importMany(agencies: AgencyInput[], by: string): Promise<AgencyImport>;
  /**
   * Gives an agency an OAuth client of its system (`npm run agencies -- add-client`): `added`, or `unchanged` when it
   * already lists it; `agency-unknown` when no such agency is held; `other-agency` when the client is another's.
   */
  addMachineClient(agencyCode: string, clientId: string, by: string): Promise<MachineClientAdded>;
  /** Takes a client off an agency (`remove-client`): refused from then on; `not-listed` when it was not the agency's. */
  removeMachineClient(agencyCode: string, clientId: string, by: string): Promise<MachineClientRemoved>;
}

export type MachineClientAdded = 'added' | 'unchanged' | 'agency-unknown' | 'other-agency';
export type MachineClientRemoved = 'removed' | 'not-listed' | 'agency-unknown';

// ── What each step uses.

/** A batch that fails as a whole, and its report (shared/ingest/failed-report.ts). */
export type FailingBatches = Pick<Batches, 'get' | 'markFailed' | 'latestBatchOf'>;
/** The split (shared/ingest/split.ts). */
export type SplitBatches = FailingBatches &
  Pick<
    Batches,
    'create' | 'takeSplitLease' | 'advanceSplit' | 'markChainsStarted' | 'setStatus' | 'claimLatest'
  >;
/** The register step (shared/ingest/register.ts). */
export type ChunkBatches = FailingBatches &
  Pick<Batches, 'takeChunkLease' | 'releaseChunkLease' | 'chunkLeaseEnd' | 'addDonePartition'>;
/** Finalize (shared/ingest/report.ts). */
export type ReportBatches = FailingBatches &
  Pick<Batches, 'takeFinalizeLease' | 'releaseFinalizeLease' | 'markCompleted' | 'setStatus'>;
/** Resuming the local stack (shared/ingest/resume.ts). */
export type ResumeBatches = Pick<Batches, 'listUnfinished' | 'releaseLeases' | 'freeChunkLease'>;

/** Who may act: the split's check of an upload's agency, the agency routes' of the caller's. */
export type AgencyLookup = Pick<Agencies, 'get'>;

/** A row against the register (shared/ingest/register-row.ts). */
export type RowRegister = Pick<
  Register,
  | 'createPerson'
  | 'getPerson'
  | 'putAlias'
  | 'fileForLinkage'
  | 'findCandidates'
  | 'putReview'
  | 'getReview'
  | 'recordOutcome'
  | 'putConflict'
>;
/** What the steps that change persons put in the history table. */
export type HistoryWriter = Pick<PersonHistory, 'put'>;
/** One person merged into another (mergePerson). */
export type MergingRegister = Pick<Register, 'getPerson' | 'recordOutcome' | 'markMerged'>;
/** A reviewer's decision (shared/ingest/resolve-review.ts). */
export type ReviewingRegister = MergingRegister &
  Pick<Register, 'getReview' | 'resolveReview' | 'addKeptApart'>;
/** The link pass's decide step: merges, and review items (shared/ingest/link-pass.ts). */
export type PassRegister = RegisterScanner &
  MergingRegister &
  Pick<Register, 'getReview' | 'putReview' | 'putAlias'>;
