// Register: one chunk of a batch's valid rows into the register (each row: register-row.ts), its rows' outcomes
// written as one work file, and the batch moved on (the partition's next chunk, or finalize after the last one).
// One invocation at a time decides a chunk (its lease); a redelivered chunk that has its outcomes only moves on.
// A copy that finds the chunk held longer than its own invocation may run sends itself again, delayed until the
// lease ends, instead of outwaiting its timeout.
import { randomUUID } from 'node:crypto';
import { type FormRef, outcomeNote, type RowIssue } from '#domain/errors.ts';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import type { CorrectionLine } from '../corrections/correction.ts';
import { addressesOf, currentAddressWarning, placesOf } from '../coverage/places.ts';
import { listedForm } from '../coverage/worklist-lines.ts';
import { objectKeys } from '../keys.ts';
import { blockingKeys } from '../linkage/blocking.ts';
import type { ListedForm, WorklistLines } from '../model/coverage.ts';
import type { ChunkBatches, CorrectionLists, Files, HistoryWriter, RowRegister } from '../model/ports.ts';
import type { RowOrigin } from '../model/register.ts';
import type { EntryRef } from './applied-entry.ts';
import { failAfterRetries } from './failed-report.ts';
import { registerCorrections } from './register-correction.ts';
import { type RegisterResult, registerRecord } from './register-row.ts';
import {
  type ChunkEntry,
  type ChunkLine,
  type ChunkMessage,
  chunkEntryOf,
  type OutcomeEntry,
} from './types.ts';

export interface RegisterDeps {
  batches: ChunkBatches;
  files: Pick<Files, 'exists' | 'readLines' | 'putLines' | 'putText'>;
  register: RowRegister;
  /** the history table: every change a row makes to a person (issue 19) */
  history: HistoryWriter;
  /** seals each row's identity into its person key: the person-key secret, read once per container */
  keyer(): Promise<PersonKeyer>;
  /** sends a chunk message; with a delay, the queue holds it back that many seconds (SQS allows up to 900) */
  sendChunk(message: ChunkMessage, delaySeconds?: number): Promise<void>;
  sendFinalize(batchId: string): Promise<void>;
  /** people written at once; rows of one person always go one after another */
  concurrency: number;
  /** record linkage (register env LINKAGE, on unless `off`): without it only exact keys dedupe */
  linkage?: boolean;
  /**
   * How long a chunk's lease lasts, in ms: longer than an invocation can run (the function's timeout), so a
   * lease outlives its holder only when the holder died; then the next copy takes the chunk over after it.
   */
  chunkLeaseMs?: number;
  /** the worklists' lines of probable duplicates, conflicts and unplaced forms (issue 25), kept `keepDays` */
  worklists?: { lines: WorklistLines; keepDays: number };
  /** the agencies' correction lists: a correction batch's identity corrections wait there (issue 19) */
  corrections?: CorrectionLists;
}

/** Which delivery of its message a chunk is, and until when (epoch ms) its invocation may run. */
export interface ChunkDelivery {
  attempt: number;
  maxAttempts: number;
  /** the invocation's deadline; without it a copy waits for a held chunk as long as it takes */
  deadline?: number;
}

/** the register function's timeout (shared/resources.ts) and a margin */
const CHUNK_LEASE_MS = 130_000;
/** what a copy keeps of its time after waiting for a lease: deciding the chunk, or sending itself again */
const CHUNK_WORK_MARGIN_MS = 30_000;
/** SQS's longest delay of a message */
const MAX_DELAY_SECONDS = 900;
/** how often a copy of a chunk that another invocation holds looks again */
const CHUNK_WAIT_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function groupByKey(entries: ChunkEntry[]): ChunkEntry[][] {
  const byPerson = new Map<string, ChunkEntry[]>();
  for (const entry of entries) {
    const rows = byPerson.get(entry.personKey);
    if (rows) rows.push(entry);
    else byPerson.set(entry.personKey, [entry]);
  }
  return [...byPerson.values()];
}

/**
 * Rows that share a person key or any blocking key, in row order: two noisy copies of one person in the same
 * chunk then go one after the other, and the second finds the first.
 */
function groupByBlock(entries: ChunkEntry[]): ChunkEntry[][] {
  const parent = entries.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  const firstWith = new Map<string, number>();
  entries.forEach((entry, i) => {
    for (const key of [entry.personKey, ...blockingKeys(entry.record)]) {
      const first = firstWith.get(key);
      if (first === undefined) firstWith.set(key, i);
      else parent[root(i)] = root(first);
    }
  });
  const groups = new Map<number, ChunkEntry[]>();
  entries.forEach((entry, i) => {
    const group = groups.get(root(i));
    if (group) group.push(entry);
    else groups.set(root(i), [entry]);
  });
  return [...groups.values()];
}

/** The agency of each batch a row was compared with: a batch's agency never changes, so a container keeps them. */
const agencyOfBatch = new Map<string, string>();

async function agencyOf(batchId: string, batches: ChunkBatches): Promise<string | undefined> {
  const known = agencyOfBatch.get(batchId);
  if (known) return known;
  const agency = (await batches.get(batchId))?.agencyCode;
  if (agency) agencyOfBatch.set(batchId, agency);
  return agency;
}

/**
 * The earlier form as this row's agency may see it (issue 16): a row of this file, a batch and row of its own, or
 * only "another agency's batch".
 */
async function maskedRef(
  ref: EntryRef,
  origin: Omit<RowOrigin, 'row'>,
  deps: RegisterDeps,
): Promise<FormRef> {
  if ('merged' in ref) return ref;
  if (ref.batchId === origin.batchId) return { row: ref.row };
  // a batch not found is treated as another agency's: nothing is shown that might not be the agency's own
  if ((await agencyOf(ref.batchId, deps.batches)) === origin.agencyCode) return ref;
  return { otherAgency: true };
}

/** The codes a row's outcome carries: the person linkage met, and why it is not new, against what. */
async function outcomeIssues(
  result: RegisterResult,
  origin: Omit<RowOrigin, 'row'>,
  deps: RegisterDeps,
): Promise<RowIssue[]> {
  const issues: RowIssue[] = [];
  const { link, note } = result;
  if (link) {
    const code = result.outcome === 'probable_duplicate' ? 'PROBABLE_DUPLICATE' : 'PERSON_LINKED';
    issues.push(
      outcomeNote(code, {
        person: link.personKey,
        ...(link.score === undefined ? {} : { score: link.score }),
      }),
    );
  }
  if (note) {
    const issue = outcomeNote(note.code, note.fields ? { fields: note.fields } : {});
    if (note.against) issue.against = await maskedRef(note.against, origin, deps);
    issues.push(issue);
  }
  return issues;
}

/** Runs the rows of each person in order, and different people side by side. */
async function registerEntries(
  entries: ChunkEntry[],
  origin: Omit<RowOrigin, 'row'>,
  deps: RegisterDeps,
  keyer: PersonKeyer,
): Promise<OutcomeEntry[]> {
  const people = deps.linkage ? groupByBlock(entries) : groupByKey(entries);
  const results: OutcomeEntry[] = [];
  const listed: ListedForm[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < people.length; i = next++) {
      for (const entry of people[i] ?? []) {
        const result = await registerRecord(
          entry,
          { ...origin, row: entry.row },
          deps.register,
          deps.history,
          deps.linkage,
          keyer,
        );
        const issues = await outcomeIssues(result, origin, deps);
        // why it is not new, then what the split found worth a look, then what placing the address found
        if (entry.warnings) issues.push(...entry.warnings);
        const addresses = addressesOf(entry.record);
        const disagrees = currentAddressWarning(addresses);
        if (disagrees) issues.push(disagrees);
        // where the form counts, and where the person went: finalize moves the coverage counters by them
        const places = placesOf(addresses);
        const created = result.outcome === 'new' || result.outcome === 'probable_duplicate';
        const move = created ? `>${places}` : (result.moved ?? null);
        const line: OutcomeEntry = [
          entry.row,
          result.outcome,
          result.personKey,
          entry.formId ?? '',
          issues,
          result.link ?? null,
          entry.line ?? null,
          null,
          places,
        ];
        if (move) line.push(move);
        results.push(line);
        const form = listedForm(line, origin.agencyCode, entry.record);
        if (form) listed.push(form);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency, people.length) }, worker));
  // before the outcomes: a chunk decided again after a crash puts them again
  if (deps.worklists && listed.length > 0) {
    const { lines, keepDays } = deps.worklists;
    await lines.put(
      origin.agencyCode,
      origin.batchId,
      listed,
      Math.floor(Date.now() / 1000) + keepDays * 86_400,
    );
  }
  return results.sort((a, b) => a[0] - b[0]);
}

/** This invocation holds the chunk; its holder wrote the outcomes; or its lease ends after this invocation may. */
type ChunkHold = 'held' | 'decided' | { leaseEnds: number };

/**
 * Waits until this invocation holds the chunk's lease, or until the invocation that holds it has written the
 * chunk's outcomes (nothing is left to decide). Two copies of a chunk never decide its rows at once. A copy never
 * outwaits its own time: a lease that ends after the deadline (less the margin) is left to run out (`leaseEnds`).
 */
async function holdChunk(
  message: ChunkMessage,
  outcomesKey: string,
  holder: string,
  deps: RegisterDeps,
  deadline = Number.POSITIVE_INFINITY,
): Promise<ChunkHold> {
  const leaseMs = deps.chunkLeaseMs ?? CHUNK_LEASE_MS;
  for (;;) {
    if (await deps.batches.takeChunkLease(message, holder, Date.now() + leaseMs)) {
      // the holder before may have written the outcomes and let go just before this took it
      if (!(await deps.files.exists(outcomesKey))) return 'held';
      await deps.batches.releaseChunkLease(message, holder);
      return 'decided';
    }
    const leaseEnds = await deps.batches.chunkLeaseEnd(message);
    if (leaseEnds !== undefined && leaseEnds > deadline - CHUNK_WORK_MARGIN_MS) return { leaseEnds };
    await sleep(CHUNK_WAIT_MS);
    if (await deps.files.exists(outcomesKey)) return 'decided';
  }
}

async function registerChunk(message: ChunkMessage, deadline: number | undefined, deps: RegisterDeps) {
  const { batchId, partition, seq } = message;
  const batch = await deps.batches.get(batchId);
  if (!batch) throw new Error(`batch ${batchId} is unknown`);
  const count = batch.chunkCounts?.[partition];
  if (count === undefined || seq >= count)
    throw new Error(`batch ${batchId} has no chunk ${partition}/${seq}`);

  // outcomes are written once every row of the chunk is decided: a chunk that has them was done before
  // (a redelivery, or a second copy of the chain), and only the chain needs moving on
  const outcomesKey = objectKeys.outcomes(batchId, partition, seq);
  const holder = randomUUID();
  const hold = (await deps.files.exists(outcomesKey))
    ? 'decided'
    : await holdChunk(message, outcomesKey, holder, deps, deadline);
  if (typeof hold === 'object') {
    // the message comes back when the lease ends, as a success now: no failure, no timeout, no delivery used
    const seconds = Math.ceil((hold.leaseEnds - Date.now()) / 1000);
    await deps.sendChunk(message, Math.min(MAX_DELAY_SECONDS, Math.max(1, seconds)));
    return;
  }
  if (hold === 'held') {
    try {
      const chunk = objectKeys.chunk(batchId, partition, seq);
      const keyer = await deps.keyer();
      // the uploader: who the history says made the rows' changes
      const origin = {
        batchId,
        agencyCode: batch.agencyCode,
        ...(batch.uploadedBy ? { uploadedBy: batch.uploadedBy } : {}),
      };
      let outcomes: OutcomeEntry[];
      if (batch.checkpoint.kind === 'corrections') {
        if (!deps.corrections)
          throw new Error(`batch ${batchId} holds corrections: no correction lists given`);
        const stores = { register: deps.register, history: deps.history, corrections: deps.corrections };
        const lines = await deps.files.readLines<CorrectionLine>(chunk);
        outcomes = await registerCorrections(lines, origin, stores, keyer, deps.concurrency);
      } else {
        const lines = await deps.files.readLines<ChunkLine>(chunk);
        outcomes = await registerEntries(
          lines.map((line) => chunkEntryOf(line, keyer)),
          origin,
          deps,
          keyer,
        );
      }
      await deps.files.putLines(outcomesKey, outcomes);
    } finally {
      // done or failed, nobody needs to wait for it: a retry after a failure, or a copy whose outcomes went
      // missing, takes the chunk at once
      await deps.batches.releaseChunkLease(message, holder).catch(() => undefined);
    }
  }

  if (seq + 1 < count) {
    await deps.sendChunk({ kind: 'chunk', batchId, partition, seq: seq + 1 });
    return;
  }
  const partitionsWithChunks = (batch.chunkCounts ?? []).filter((n) => n > 0).length;
  if ((await deps.batches.addDonePartition(batchId, partition)) >= partitionsWithChunks) {
    await deps.sendFinalize(batchId);
  }
}

/**
 * registerChunk on a delivery that may be the last the queue allows: if that one fails too, the batch is
 * marked failed with the reason (and its report says so) before the message goes to the dead-letter queue.
 * A redrive later finishes the batch and rewrites its report.
 */
export async function registerChunkOrFail(
  message: ChunkMessage,
  delivery: ChunkDelivery,
  deps: RegisterDeps,
): Promise<void> {
  try {
    await registerChunk(message, delivery.deadline, deps);
  } catch (error) {
    if (delivery.attempt >= delivery.maxAttempts) {
      const detail = `chunk ${message.partition}/${message.seq}: ${(error as Error).message}`;
      await failAfterRetries(message.batchId, detail, deps.files, deps.batches);
    }
    throw error;
  }
}
