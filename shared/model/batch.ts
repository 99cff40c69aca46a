// A batch as the pipeline keeps it in the batches table: its progress, the split's checkpoint and its outcome.
// The shapes the stores and the pipeline's steps share (shared/ingest uses them; shared/store keeps them).
import type { Outcome } from '#batch/ledger.ts';

export type BatchStatus = 'splitting' | 'registering' | 'finalizing' | 'completed' | 'failed' | 'superseded';

/** Where a split has got to, so that a fresh invocation can go on from there. */
export interface SplitCheckpoint {
  /** data rows read so far */
  row: number;
  /** byte offset in the UTF-8 text just past that row */
  offset: number;
  /** the file's line number at that offset (absent when unknown: a checkpoint from before issue 21) */
  line?: number;
  /** the same point in the object's bytes, when a ranged read can resume there (plain UTF-8 only) */
  fileOffset?: number;
  /** bytes of byte-order mark before the text, as found by the first read */
  bomBytes?: number;
  /** CSV: the header cells and delimiter, for a ranged read that starts mid-file */
  headerCells?: string[];
  delimiter?: string;
  /** chunks written per partition */
  chunkSeqs: number[];
  /** rejected-row files written */
  rejectedSeq: number;
  /** header cells or JSON keys that are not fields, the first 50 */
  unknownColumns: string[];
  /** invocations the split has taken so far */
  invocations: number;
  /** a file of correction forms (issue 19), told by its columns; absent: DC01 forms */
  kind?: 'corrections';
}

/** One chunk of a batch's valid rows: a partition's `seq`-th. */
export interface ChunkRef {
  batchId: string;
  partition: number;
  seq: number;
}

/** A split's progress as one invocation records it: from where it started, as the lease's holder. */
export interface SplitStep {
  batchId: string;
  /** the row the invocation started from: the checkpoint it took the lease at */
  fromRow: number;
  holder: string;
  checkpoint: SplitCheckpoint;
}

export interface BatchFailure {
  code: string;
  message: string;
}

export interface Batch {
  batchId: string;
  agencyCode: string;
  bucket: string;
  objectKey: string;
  versionId?: string;
  eTag?: string;
  size?: number;
  sequencer?: string;
  /** who asked for the upload URL (its signed metadata `dancu-uploader`): an app client id or a Cognito `sub` */
  uploadedBy?: string;
  status: BatchStatus;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  partitions: number;
  checkpoint: SplitCheckpoint;
  /** set when split has read the whole file: data rows and chunks per partition */
  rows?: number;
  chunkCounts?: number[];
  chainsStarted?: boolean;
  donePartitions?: number[];
  outcomes?: Partial<Record<Outcome, number>>;
  /** a completed correction file's (issue 19): set with its outcomes, for the batch API; absent: DC01 forms */
  kind?: 'corrections';
  errorsByCode?: Record<string, number>;
  /** warning codes on accepted rows (issue 14), set on completion with errorsByCode */
  warningsByCode?: Record<string, number>;
  failure?: BatchFailure;
  /** rows given a personal ID number by a link pass (issue 20), listed in the batch's `issued-ids.csv` */
  issuedIds?: number;
  /** how many of its conflicts a reviewer has decided since (issue 19, POST /conflicts/{id}); its report is not rewritten */
  conflictsResolved?: number;
}

/** A batch as agencies see it: no checkpoint, lease or partition bookkeeping. */
export type AgencyBatch = Pick<
  Batch,
  | 'batchId'
  | 'agencyCode'
  | 'objectKey'
  | 'status'
  | 'startedAt'
  | 'updatedAt'
  | 'finishedAt'
  | 'rows'
  | 'outcomes'
  | 'errorsByCode'
  | 'warningsByCode'
  | 'failure'
  | 'issuedIds'
  | 'conflictsResolved'
  | 'kind'
> & { bucket: string };

/** The fields of a batch item an agency may read. */
export const AGENCY_BATCH_FIELDS = [
  'batchId',
  'agencyCode',
  'bucket',
  'objectKey',
  'status',
  'startedAt',
  'updatedAt',
  'finishedAt',
  'rows',
  'outcomes',
  'errorsByCode',
  'warningsByCode',
  'failure',
  'issuedIds',
  'conflictsResolved',
  'kind',
] as const satisfies readonly (keyof AgencyBatch)[];

export interface AgencyBatchPage {
  batches: AgencyBatch[];
  /** opaque: where the next page starts, or undefined after the last */
  nextToken?: string;
}
