// The shapes the ingestion pipeline passes between its steps and keeps in storage.
// zod/mini, as shared/domain/record.ts: these schemas are in every pipeline function's bundle
import * as z from 'zod/mini';
import type { Outcome, RowLink } from '#batch/ledger.ts';
import type { RowIssue } from '#domain/errors.ts';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { PopulationRecord } from '#domain/record.ts';
import { recordFromValues, recordValues } from '../model/person-record.ts';

/** A valid row as the split writes it to a chunk file: who it is about, not yet sealed into a key. */
export interface ValidRow {
  row: number;
  /** the file's line number of the row's first line */
  line?: number;
  formId?: string;
  /** personIdentity(record): the register seals it into the person key (shared/domain/person-keyer.ts) */
  identity: string;
  record: PopulationRecord;
  /** what validation found worth a look in the accepted row (WARNING_CODE_IDS): the report shows it */
  warnings?: readonly RowIssue[];
}

/** A valid record in the register, under its person key. */
export const ChunkEntry = z.object({
  row: z.int().check(z.positive()),
  line: z.optional(z.int()),
  formId: z.optional(z.string()),
  personKey: z.string(),
  record: PopulationRecord,
});
/** A chunk's row as the register decides it: the entry, and the warnings its report line carries. */
export type ChunkEntry = z.infer<typeof ChunkEntry> & { warnings?: readonly RowIssue[] };

/**
 * A chunk file line: `[row, identity, formId or null, the record's values, line]`, the values without field names
 * (recordValues): JSON of the named fields made the split spend a fifth of its time writing chunk files. The
 * identity holds no more than the record beside it; only the register, which holds the person-key secret, seals it
 * (a line written before issue 16 held the identity as its key: it reads the same). `line` is the file's line number
 * of the row (issue 21); a line written before it has none, and its row reports no line. `warnings` (issue 14) are
 * the row's warning codes, on a line only when it has some: a line without them (and any older line) has none.
 */
export type ChunkLine = [
  row: number,
  identity: string,
  formId: string | null,
  values: unknown[],
  line?: number | null,
  warnings?: readonly RowIssue[],
];

export function chunkLine(valid: ValidRow): ChunkLine {
  const line: ChunkLine = [
    valid.row,
    valid.identity,
    valid.formId ?? null,
    recordValues(valid.record),
    valid.line ?? null,
  ];
  if (valid.warnings && valid.warnings.length > 0) line.push(valid.warnings);
  return line;
}

export function chunkEntryOf(
  [row, identity, formId, values, line, warnings]: ChunkLine,
  keyer: PersonKeyer,
): ChunkEntry {
  const entry: ChunkEntry = { row, personKey: keyer.seal(identity), record: recordFromValues(values) };
  if (formId !== null) entry.formId = formId;
  if (typeof line === 'number') entry.line = line;
  if (Array.isArray(warnings) && warnings.length > 0) entry.warnings = warnings;
  return entry;
}

/**
 * A row's outcome as a line of an outcomes or rejected file: [row, outcome, personKey, formId, issues], how linkage
 * placed it when it did (else null), the file's line number of the row (issue 21; null when unknown), and, on a
 * rejected row, its cells as the file held them (header order: outcomes.xlsx shows them; the agency's own data, kept
 * in the batch's work files, which expire). A line written before issue 21 ends at the link: it reads the same.
 */
export type OutcomeEntry = [
  row: number,
  outcome: Outcome,
  personKey: string,
  formId: string,
  issues: RowIssue[],
  link?: RowLink | null,
  line?: number | null,
  cells?: (string | null)[] | null,
  places?: string | null,
  move?: string | null,
];

/** The messages dancu sends itself. S3 notifications arrive on the intake queue too. */
export const ChunkMessage = z.object({
  kind: z.literal('chunk'),
  batchId: z.string(),
  partition: z.int().check(z.nonnegative()),
  seq: z.int().check(z.nonnegative()),
});
export const SplitContinueMessage = z.object({ kind: z.literal('split-continue'), batchId: z.string() });
export const FinalizeMessage = z.object({ kind: z.literal('finalize'), batchId: z.string() });
/** What the watch queue carries, sent on the stage's schedule: fail the batches whose work is in a dead-letter queue. */
export const SweepDeadLettersMessage = z.object({ kind: z.literal('sweep-dead-letters') });
export type ChunkMessage = z.infer<typeof ChunkMessage>;
export type SplitContinueMessage = z.infer<typeof SplitContinueMessage>;
export type FinalizeMessage = z.infer<typeof FinalizeMessage>;
export type SweepDeadLettersMessage = z.infer<typeof SweepDeadLettersMessage>;

/**
 * The fields of an S3 event notification the split reads; Powertools' full S3Schema bundled all of zod's
 * locales (docs/benchmarks.md, bundles).
 */
export const S3Notification = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      // when S3 made the object: a reference upload's version is stamped with it (shared/ingest/reference-upload.ts)
      eventTime: z.optional(z.string()),
      // who uploaded: the IAM principal, as S3 names it (AWS:<id>) in every event
      userIdentity: z.optional(z.object({ principalId: z.string() })),
      s3: z.object({
        bucket: z.object({ name: z.string() }),
        object: z.object({
          key: z.string(),
          size: z.optional(z.number()),
          eTag: z.optional(z.string()),
          sequencer: z.optional(z.string()),
          versionId: z.optional(z.string()),
        }),
      }),
    }),
  ),
});
export type S3Notification = z.infer<typeof S3Notification>;
