// Register: dedupes a chunk of valid records into the register with conditional writes, records each row's
// outcome, and moves the batch on (the partition's next chunk, or finalize after the last one).
// Idempotent under redelivery: every row's outcome is kept on the person it touched, so a chunk processed
// again (or twice at once) finds what the first attempt decided and decides the same.

import type { Outcome } from '#batch/ledger.ts';
import { matchHeldRecord, mergeRecords } from '#domain/identity.ts';
import type { BatchStore } from '../store/batch-store.ts';
import { appliedTag, type RegisterStore, type RowOrigin } from '../store/register-store.ts';
import { type WorkFiles, workKeys } from '../store/work-files.ts';
import { failAfterRetries } from './report.ts';
import {
  type ChunkEntry,
  type ChunkLine,
  type ChunkMessage,
  chunkEntryOf,
  type OutcomeEntry,
} from './types.ts';

export interface RegisterDeps {
  batches: BatchStore;
  files: WorkFiles;
  register: RegisterStore;
  sendChunk(message: ChunkMessage): Promise<void>;
  sendFinalize(batchId: string): Promise<void>;
  /** people written at once; rows of one person always go one after another */
  concurrency: number;
}

const MAX_ATTEMPTS = 20;

/** The outcome of one valid row against the register. */
export async function registerRecord(
  entry: ChunkEntry,
  origin: RowOrigin,
  store: RegisterStore,
): Promise<Outcome> {
  const tag = appliedTag(origin);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await store.createPerson(entry.personKey, entry.record, origin)) return 'new';
    const held = await store.getPerson(entry.personKey);
    if (!held) continue;
    const earlier = held.applied.find((applied) => applied.startsWith(`${tag}:`));
    if (earlier) return earlier.slice(tag.length + 1) as Outcome; // this row was decided before a redelivery
    const { outcome, changed } = matchHeldRecord(held.record, entry.record);
    if (outcome === 'conflict') {
      await store.putConflict(entry.personKey, origin, entry.record);
      if (await store.recordOutcome(entry.personKey, held, `${tag}:conflict`)) return 'conflict';
    } else if (outcome === 'updated') {
      const changes = Object.fromEntries(
        changed.map((field) => [field, { from: held.record[field], to: entry.record[field] }]),
      );
      await store.putHistory(entry.personKey, origin, changes);
      const merged = mergeRecords(held.record, entry.record);
      if (await store.recordOutcome(entry.personKey, held, `${tag}:updated`, merged)) return 'updated';
    } else if (await store.recordOutcome(entry.personKey, held, `${tag}:duplicate`)) {
      return 'duplicate';
    }
    // somebody changed the person in between: read again
  }
  throw new Error(`row ${origin.row}: the register kept changing under it (${MAX_ATTEMPTS} attempts)`);
}

/** Runs the rows of each person in order, and different people side by side. */
async function registerEntries(
  entries: ChunkEntry[],
  origin: Omit<RowOrigin, 'row'>,
  deps: RegisterDeps,
): Promise<OutcomeEntry[]> {
  const byPerson = new Map<string, ChunkEntry[]>();
  for (const entry of entries) {
    const rows = byPerson.get(entry.personKey);
    if (rows) rows.push(entry);
    else byPerson.set(entry.personKey, [entry]);
  }
  const people = [...byPerson.values()];
  const results: OutcomeEntry[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < people.length; i = next++) {
      for (const entry of people[i] ?? []) {
        const outcome = await registerRecord(entry, { ...origin, row: entry.row }, deps.register);
        results.push([entry.row, outcome, entry.personKey, entry.formId ?? '', []]);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency, people.length) }, worker));
  return results.sort((a, b) => a[0] - b[0]);
}

export async function registerChunk(message: ChunkMessage, deps: RegisterDeps): Promise<void> {
  const { batchId, partition, seq } = message;
  const batch = await deps.batches.get(batchId);
  if (!batch) throw new Error(`batch ${batchId} is unknown`);
  const count = batch.chunkCounts?.[partition];
  if (count === undefined || seq >= count)
    throw new Error(`batch ${batchId} has no chunk ${partition}/${seq}`);

  // outcomes are written once every row of the chunk is decided: a chunk that has them was done before
  // (a redelivery, or a second copy of the chain), and only the chain needs moving on
  const outcomesKey = workKeys.outcomes(batchId, partition, seq);
  if (!(await deps.files.exists(outcomesKey))) {
    const lines = await deps.files.readLines<ChunkLine>(workKeys.chunk(batchId, partition, seq));
    const entries = lines.map(chunkEntryOf);
    const outcomes = await registerEntries(entries, { batchId, agencyCode: batch.agencyCode }, deps);
    await deps.files.putLines(outcomesKey, outcomes);
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
  delivery: { attempt: number; maxAttempts: number },
  deps: RegisterDeps,
): Promise<void> {
  try {
    await registerChunk(message, deps);
  } catch (error) {
    if (delivery.attempt >= delivery.maxAttempts) {
      const detail = `chunk ${message.partition}/${message.seq}: ${(error as Error).message}`;
      await failAfterRetries(message.batchId, detail, deps.files, deps.batches);
    }
    throw error;
  }
}
