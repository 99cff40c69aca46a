// Split: reads an uploaded batch once, validates every row, writes rejected rows to the ledger and valid
// rows into chunks by partition (of the ID, or for a row without one of its given name and date of birth), and
// starts the register on them when the whole file is read. Rows of one person key, and most ID-less copies of
// one person, land in one partition, whose chunks the register takes in row order, so the lowest row of a
// person is the `new` one (or the one a copy links to) whatever else runs at the same time.
import { randomUUID } from 'node:crypto';
import { validatePages } from '#batch/check-batch.ts';
import { type BatchRow, formatOfName, openBatch, type ReadOptions } from '#batch/read-batch.ts';
import { BatchFailedError } from '#domain/errors.ts';
import { personIdentity } from '#domain/identity.ts';
import type { ValidationContext } from '#domain/validate.ts';
import { type CheckedCorrection, checkCorrectionPages } from '../corrections/correction-values.ts';
import { decideOwnUnit } from '../domain/jurisdiction.ts';
import { objectKeys } from '../keys.ts';
import { colocationKey } from '../linkage/blocking.ts';
import { actingAgency } from '../model/acting-agency.ts';
import { agencyRefusal } from '../model/agency-refusal.ts';
import type { Batch, SplitCheckpoint } from '../model/batch.ts';
import type { AgencyLookup, Files, SplitBatches } from '../model/ports.ts';
import { batchIdOf, type UploadedObject } from './batch-id.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { writeFailedReport } from './failed-report.ts';
import type { ChunkMessage, OutcomeEntry, ValidRow } from './types.ts';
import { signedBy, signedFor, UPLOAD_METADATA } from './uploader.ts';

export interface SplitSettings {
  partitions: number;
  chunkRows: number;
  /** hand over to a fresh invocation when less time than this is left */
  handoverMarginMs: number;
  /** rejected rows per ledger file */
  rejectedRows: number;
  /** S3 writes in flight at once */
  writeConcurrency: number;
}

export const DEFAULT_SPLIT_SETTINGS: SplitSettings = {
  partitions: 16,
  chunkRows: 500,
  handoverMarginMs: 60_000,
  rejectedRows: 5_000,
  writeConcurrency: 8,
};

export interface SplitDeps {
  batches: SplitBatches;
  files: Files;
  sendChunks(messages: ChunkMessage[]): Promise<void>;
  sendContinue(batchId: string): Promise<void>;
  sendFinalize(batchId: string): Promise<void>;
  remainingMs(): number;
  context: ValidationContext;
  settings: SplitSettings;
  readOptions?: ReadOptions;
  /**
   * the one principal id that signs upload URLs (UPLOAD_SIGNER, shared/ingest/uploader.ts): an upload by anyone else,
   * or without the key's agency in its signed metadata, is refused; unchecked when absent (tools, tests)
   */
  uploadSigner?(): string;
  /** the agencies table: an upload for an agency not in it, or disabled, is refused; unchecked when absent */
  agencies?: AgencyLookup;
}

/** Why an upload was refused before a byte of it was read. */
export type RefusalCode =
  | 'BATCH_UPLOADER_NOT_ALLOWED'
  | 'AGENCY_UNKNOWN'
  | 'AGENCY_DISABLED'
  | 'AGENCY_NOT_UPLOADER';

export type SplitResult =
  | 'duplicate'
  | 'handed-over'
  | 'split'
  | 'failed'
  | 'lost-race'
  | { refused: RefusalCode };

function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % partitions;
}

function emptyCheckpoint(partitions: number): SplitCheckpoint {
  return {
    row: 0,
    offset: 0,
    chunkSeqs: Array.from({ length: partitions }, () => 0),
    rejectedSeq: 0,
    unknownColumns: [],
    invocations: 0,
  };
}

/** Starts (or, for a repeated event, recognises) the batch of an uploaded object, and splits it. */
export async function startBatch(object: UploadedObject, deps: SplitDeps): Promise<SplitResult> {
  const now = new Date().toISOString();
  const parsed = objectKeys.parseUpload(object.key);
  const batch: Batch = {
    batchId: batchIdOf(object),
    agencyCode: parsed?.agencyCode ?? 'unknown',
    bucket: object.bucket,
    objectKey: object.key,
    versionId: object.versionId,
    eTag: object.eTag,
    size: object.size,
    sequencer: object.sequencer,
    status: 'splitting',
    startedAt: now,
    updatedAt: now,
    partitions: deps.settings.partitions,
    checkpoint: emptyCheckpoint(deps.settings.partitions),
  };
  // before the batch is created: a read of the agencies table that fails creates nothing, and the retry asks again
  const refusal = parsed && (await refusalOf(parsed.agencyCode, object, batch, deps));
  if (!(await deps.batches.create(batch))) {
    // a repeated event (a retry): an upload refused now is never split, even if its refusal was not recorded before
    const held = refusal ? await deps.batches.get(batch.batchId) : undefined;
    if (!refusal || held?.status !== 'splitting') return resumeBatch(batch.batchId, deps);
    await failBatch(held, new BatchFailedError(refusal, object.key), deps);
    return { refused: refusal };
  }
  if (refusal) {
    // refused before a byte is read: nothing of it reaches the register. It never claims the name, so the rightful
    // agency's report at the name's path and a batch of theirs in flight stay as they were; the refusal is
    // reported under its own batch id (reports/{agency}/{name}/batches/{batchId}/)
    await failBatch(batch, new BatchFailedError(refusal, object.key), deps);
    return { refused: refusal };
  }
  const format = parsed ? formatOfName(parsed.name) : undefined;
  if (!format) {
    await deps.batches.claimLatest(batch);
    const failure = new BatchFailedError('BATCH_UNSUPPORTED_FORMAT', object.key);
    await failBatch(batch, failure, deps);
    return 'failed';
  }
  return splitFromCheckpoint(batch, deps);
}

/**
 * Why the upload may not be split: it was not put through a URL signed for the key's agency, or the agency is unknown
 * or disabled. Sets `batch.uploadedBy` from the signed metadata.
 */
async function refusalOf(
  agencyCode: string,
  object: UploadedObject,
  batch: Batch,
  deps: SplitDeps,
): Promise<RefusalCode | undefined> {
  // the uploader first: an intruder under a disabled agency's prefix is told it is not theirs
  if (deps.uploadSigner) {
    // the principal costs nothing to check; only the signer's uploads cost a HeadObject
    if (!signedBy(deps.uploadSigner(), object.uploader)) return 'BATCH_UPLOADER_NOT_ALLOWED';
    const metadata = await deps.files.metadata(object.key, object.versionId);
    // gone before it was read: not refused here, its batch fails BATCH_UNREADABLE as any unreadable upload does
    if (metadata && !signedFor(metadata, agencyCode)) return 'BATCH_UPLOADER_NOT_ALLOWED';
    const uploadedBy = metadata?.[UPLOAD_METADATA.uploader];
    if (uploadedBy) batch.uploadedBy = uploadedBy;
  }
  if (!deps.agencies) return undefined;
  const agency = await deps.agencies.get(agencyCode);
  const refusal = agencyRefusal(agency);
  if (refusal || !agency) return refusal ?? 'AGENCY_UNKNOWN';
  // the one rule of who acts where (as every agency route asks it): uploading, on the agency's own unit
  const decision = decideOwnUnit({ agency: actingAgency(agency), roles: ['uploader'] }, 'uploader');
  return decision.allowed ? undefined : 'AGENCY_NOT_UPLOADER';
}

/** Goes on with a batch after a hand-over, a crash or a repeated event; does nothing for a finished one. */
export async function resumeBatch(batchId: string, deps: SplitDeps): Promise<SplitResult> {
  const batch = await deps.batches.get(batchId);
  if (!batch) throw new Error(`batch ${batchId} is unknown`);
  if (batch.status === 'splitting') return splitFromCheckpoint(batch, deps);
  // the whole file was read, but its first chunks (or, with none, finalize) may not have been sent
  if ((batch.status === 'registering' || batch.status === 'finalizing') && !batch.chainsStarted) {
    await startChains(batch, batch.checkpoint.chunkSeqs, deps);
    return 'split';
  }
  return 'duplicate';
}

async function failBatch(batch: Batch, error: BatchFailedError, deps: SplitDeps): Promise<void> {
  const failure = { code: error.code, message: error.message }; // already in Vietnamese and English
  await deps.batches.markFailed(batch.batchId, failure);
  await writeFailedReport({ ...batch, failure }, deps.files, deps.batches);
}

async function startChains(batch: Batch, chunkSeqs: number[], deps: SplitDeps): Promise<void> {
  const firsts = chunkSeqs.flatMap((count, partition) =>
    count > 0 ? [{ kind: 'chunk' as const, batchId: batch.batchId, partition, seq: 0 }] : [],
  );
  if (firsts.length > 0) await deps.sendChunks(firsts);
  else await deps.sendFinalize(batch.batchId);
  await deps.batches.markChainsStarted(batch.batchId);
}

/**
 * Rows already split by an earlier invocation, dropped before they are validated again. A compressed or UTF-16 file
 * is read from its start: one that cannot get past them in an invocation never could, so its batch fails.
 */
async function* after(
  pages: AsyncIterable<BatchRow[]>,
  row: number,
  timeIsUp: () => boolean,
): AsyncGenerator<BatchRow[]> {
  for await (const page of pages) {
    const rest = row > 0 ? page.filter((r) => r.row > row) : page;
    if (rest.length > 0) yield rest;
    else if (timeIsUp()) throw new BatchFailedError('BATCH_TOO_LARGE', `row ${row} not reached in time`);
  }
}

const UNKNOWN_COLUMNS_KEPT = 50;
// AccessDenied too: S3's answer for a missing object to a role whose ListBucket is limited to `incoming/` (a
// GetObject carries no s3:prefix, issue 24), and for an upload the split may not read; no retry mends either
const GONE = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound', 'AccessDenied']);

async function splitFromCheckpoint(batch: Batch, deps: SplitDeps): Promise<SplitResult> {
  const { settings, files } = deps;
  const from = batch.checkpoint;
  // an upload older than the latest of its key is not split: its rows would overwrite newer forms
  if (!(await deps.batches.claimLatest(batch))) {
    await deps.batches.setStatus(batch.batchId, 'superseded', { finishedAt: new Date().toISOString() });
    return 'duplicate';
  }
  // one invocation at a time: a repeated event or continuation finds the lease taken and leaves
  const holder = randomUUID();
  const leaseMs = deps.remainingMs() + 60_000;
  if (!(await deps.batches.takeSplitLease(batch.batchId, from.row, holder, Date.now() + leaseMs)))
    return 'lost-race';
  const checkpoint: SplitCheckpoint = structuredClone({ ...from, invocations: from.invocations + 1 });
  const parsed = objectKeys.parseUpload(batch.objectKey);
  const format = parsed && formatOfName(parsed.name);
  if (!format) throw new Error(`batch ${batch.batchId} has no readable name`);

  const writer = new ChunkWriter(files, batch, checkpoint, settings);

  try {
    // a plain UTF-8 file goes on with a ranged read; a compressed or UTF-16 one is read again and skipped
    const ranged = from.row > 0 && from.fileOffset !== undefined;
    const source = await files
      .open(batch.objectKey, batch.versionId, ranged ? from.fileOffset : 0)
      .catch((error: Error) => {
        // deleted (or its version expired) before it could be read, or not ours to read: no retry helps
        if (GONE.has(error.name)) throw new BatchFailedError('BATCH_UNREADABLE', error.name);
        throw error;
      });
    const opened = await openBatch(source, format, {
      ...deps.readOptions,
      resumeAt: ranged
        ? {
            ...(from.kind ? { kind: from.kind } : {}),
            row: from.row,
            offset: from.offset,
            line: from.line,
            headerCells: from.headerCells,
            delimiter: from.delimiter,
          }
        : undefined,
    });
    const { layout } = opened;
    if (!ranged) {
      checkpoint.headerCells = layout.headerCells;
      checkpoint.delimiter = layout.delimiter;
      checkpoint.bomBytes = layout.bomBytes; // a ranged read starts past the mark, and cannot see it
      if (layout.kind === 'corrections') checkpoint.kind = 'corrections';
    }
    const rangeable = layout.encoding === 'utf-8' && !layout.compressed;
    let handOver = false;

    // half the margin is left when the skip gives up: enough to write the failed report
    const rows = after(opened.pages, from.row, () => deps.remainingMs() < settings.handoverMarginMs / 2);
    // a correction file's rows are read by their own columns, and decided by the register against the person
    const checked: AsyncIterable<CheckedCorrection[]> = layout.correctionColumns
      ? checkCorrectionPages(rows, layout.correctionColumns, deps.context)
      : validatePages(rows, deps.context);
    pages: for await (const page of checked) {
      for (const row of page) {
        // time is looked at every few hundred rows, so a hand-over never waits for a whole page
        const progressed = checkpoint.row > from.row; // never hand over before at least one row is done
        if ((row.row & 0xff) === 0 && progressed && deps.remainingMs() < settings.handoverMarginMs) {
          handOver = true;
          break pages;
        }
        checkpoint.row = row.row;
        checkpoint.offset = row.endOffset;
        // NaN after a resume from a checkpoint that had no line: unknown, and a number DynamoDB cannot hold
        if (Number.isNaN(row.endLine)) delete checkpoint.line;
        else checkpoint.line = row.endLine;
        const line = Number.isNaN(row.line) ? null : row.line;
        const { correction } = row;
        if (correction) {
          // one person's corrections (and their rows' order) meet in one partition, as one person's forms do
          const partition = partitionOf(correction.identity ?? correction.personKey ?? '', batch.partitions);
          const full = writer.addLine(partition, correction);
          if (full) await full;
          continue;
        }
        if (!row.record) {
          // the cells too: outcomes.xlsx shows the agency the rejected row as it wrote it
          const cells = row.cells ? Array.from(row.cells, (cell) => cell ?? null) : undefined;
          const entry: OutcomeEntry = [row.row, 'rejected', '', row.formId ?? '', row.issues, null, line];
          if (cells) entry.push(cells);
          writer.reject(entry);
          continue;
        }
        const identity = personIdentity(row.record);
        // rows with an ID keep the ID's order (a conflict is the later row); ID-less copies of one person meet
        const partition = partitionOf(
          row.record.personalId ? identity : colocationKey(row.record),
          batch.partitions,
        );
        const valid: ValidRow = { row: row.row, identity, record: row.record };
        if (line !== null) valid.line = line;
        if (row.formId !== undefined) valid.formId = row.formId;
        if (row.warnings) valid.warnings = row.warnings;
        const full = writer.add(partition, valid);
        if (full) await full;
      }
      await writer.pageDone();
    }
    await writer.flushAll();
    checkpoint.fileOffset = rangeable ? (checkpoint.bomBytes ?? 0) + checkpoint.offset : undefined;
    checkpoint.unknownColumns = [...new Set([...from.unknownColumns, ...layout.unknownColumns])].slice(
      0,
      UNKNOWN_COLUMNS_KEPT,
    );
    if (handOver) {
      if (
        !(await deps.batches.advanceSplit({ batchId: batch.batchId, fromRow: from.row, holder, checkpoint }))
      )
        return 'lost-race';
      await deps.sendContinue(batch.batchId);
      return 'handed-over';
    }
  } catch (error) {
    if (!(error instanceof BatchFailedError)) throw error;
    await failBatch(batch, error, deps);
    return 'failed';
  }

  const chunks = checkpoint.chunkSeqs.reduce((sum, n) => sum + n, 0);
  const next = chunks > 0 ? 'registering' : 'finalizing';
  if (
    !(await deps.batches.advanceSplit(
      { batchId: batch.batchId, fromRow: from.row, holder, checkpoint },
      next,
    ))
  )
    return 'lost-race';
  await startChains(batch, checkpoint.chunkSeqs, deps);
  return 'split';
}
