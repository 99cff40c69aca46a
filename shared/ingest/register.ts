// Register: dedupes a chunk of valid records into the register with conditional writes, records each row's
// outcome, and moves the batch on (the partition's next chunk, or finalize after the last one).
// Idempotent under redelivery: every row's outcome is kept on the person it touched, so a chunk processed
// again (or twice at once) finds what the first attempt decided and decides the same.
// With record linkage on, a record whose key is not held is compared with the persons its blocking keys find
// (docs/linkage.md): it joins one, goes to the review list as a probable duplicate, or is a new person.

import { randomUUID } from 'node:crypto';
import type { Outcome, RowLink } from '#batch/ledger.ts';
import { joinLinkedRecord, matchHeldRecord, mergeRecords } from '#domain/identity.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { blockingKeys, filingKeys } from '../linkage/blocking.ts';
import { COMPARED_FIELDS } from '../linkage/compare.ts';
import { linkRecord } from '../linkage/link.ts';
import { type SideBySideField, sideBySide } from '../linkage/review.ts';
import { maskName } from '../procedures/masking.ts';
import type { BatchStore } from '../store/batch-store.ts';
import {
  appliedTag,
  type FiledCandidate,
  type HeldPerson,
  type RegisterStore,
  type RowOrigin,
} from '../store/register-store.ts';
import { type WorkFiles, workKeys } from '../store/work-files.ts';
import { failAfterRetries } from './failed-report.ts';
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
  /** record linkage (register env LINKAGE, on unless `off`): without it only exact keys dedupe */
  linkage?: boolean;
  /**
   * How long a chunk's lease lasts, in ms: longer than an invocation can run (the function's timeout), so a
   * lease outlives its holder only when the holder died; then the next copy takes the chunk over after it.
   */
  chunkLeaseMs?: number;
}

/** the register function's timeout (infra/resources.ts) and a margin */
const CHUNK_LEASE_MS = 130_000;
/** how often a copy of a chunk that another invocation holds looks again */
const CHUNK_WAIT_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const MAX_ATTEMPTS = 20;
/** a chain of reviewer merges is followed this far */
const MAX_HOPS = 4;

/** Where a row went: the outcome, the person it is recorded against, and how linkage placed it. */
export interface RegisterResult {
  outcome: Outcome;
  personKey: string;
  link?: RowLink;
}

/**
 * A row's entry in `applied`: `batch#row:outcome`, then `|score` when linkage scored it and `|personKey` of
 * the candidate a probable duplicate was linked to, so a redelivery reports the same.
 */
function appliedEntry(tag: string, outcome: Outcome, link?: RowLink, candidate?: string): string {
  const score = link?.score === undefined ? '' : `|${link.score.toFixed(2)}`;
  return `${tag}:${outcome}${score}${candidate ? `|${candidate}` : ''}`;
}

/** What a previous attempt decided for this row, from the person it touched. */
function earlierResult(held: HeldPerson, tag: string, key: string): RegisterResult | undefined {
  const entry = held.applied.find((applied) => applied.startsWith(`${tag}:`));
  if (!entry) return undefined;
  const [outcome, score, candidate] = entry.slice(tag.length + 1).split('|');
  const result: RegisterResult = { outcome: outcome as Outcome, personKey: key };
  if (candidate) result.link = { personKey: candidate, score: Number(score) };
  else if (score !== undefined) result.link = { personKey: key, score: Number(score) };
  return result;
}

/** Scores as the applied entries keep them (two decimals), so a redelivery reports the same number. */
/** A score as rows and review items carry it: two decimals. */
export const roundScore = (score: number) => Math.round(score * 100) / 100;

/**
 * A side-by-side field of a person another agency registered: names by their initials, the date of birth by
 * its year, sex as is, the rest (places, ID) left out; the level still says how the two compare.
 */
export function maskHeld(field: SideBySideField): SideBySideField {
  const { held } = field;
  if (!held) return field;
  if (field.field === 'fullName' || field.field === 'fatherName' || field.field === 'motherName')
    return { ...field, held: maskName(held) };
  if (field.field === 'dateOfBirth') return { ...field, held: `${held.slice(0, 4)}-**-**` };
  if (field.field === 'sex') return field;
  return { ...field, held: '***' };
}

/** A review item's id: the row's batch and row number (`.` is not in a batch id). */
export const reviewId = (origin: RowOrigin) => `${origin.batchId}.${origin.row}`;

/** The outcome of one valid row against the register. */
export async function registerRecord(
  entry: ChunkEntry,
  origin: RowOrigin,
  store: RegisterStore,
  linkage = false,
): Promise<RegisterResult> {
  return linkage ? registerLinked(entry, origin, store) : registerExact(entry, origin, store);
}

/** Exact keys only: a new person, or the held person under the same key. */
async function registerExact(
  entry: ChunkEntry,
  origin: RowOrigin,
  store: RegisterStore,
): Promise<RegisterResult> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await store.createPerson(entry.personKey, entry.record, origin))
      return { outcome: 'new', personKey: entry.personKey };
    const held = await store.getPerson(entry.personKey);
    if (!held) continue;
    // a person a reviewer or a link pass merged into another: rows under its key join that one
    const result = held.mergedInto
      ? await toMerged(entry, origin, store, held)
      : await applyToHeld(entry, origin, store, held);
    if (result) return result;
    // somebody changed the person in between: read again
  }
  throw new Error(`row ${origin.row}: the register kept changing under it (${MAX_ATTEMPTS} attempts)`);
}

/**
 * A row whose key is an alias or a merged person: it joins the person that key points to. A row that joined through
 * it before reports the person it joined; one that created the key's person (before it was merged) reports it as it
 * did then.
 */
async function toMerged(
  entry: ChunkEntry,
  origin: RowOrigin,
  store: RegisterStore,
  held: HeldPerson & { mergedInto?: string },
): Promise<RegisterResult | undefined> {
  const into = held.mergedInto as string;
  const earlier = earlierResult(held, appliedTag(origin), entry.personKey);
  if (earlier?.outcome === 'duplicate' || earlier?.outcome === 'updated')
    return { ...earlier, personKey: into, link: { ...earlier.link, personKey: into } };
  if (earlier) return earlier;
  return joinPerson(entry, origin, store, into, undefined);
}

/** The row against the person held under its own key; undefined when the person changed meanwhile. */
async function applyToHeld(
  entry: ChunkEntry,
  origin: RowOrigin,
  store: RegisterStore,
  held: HeldPerson,
): Promise<RegisterResult | undefined> {
  const tag = appliedTag(origin);
  const key = entry.personKey;
  const earlier = earlierResult(held, tag, key);
  if (earlier) return earlier; // this row was decided before a redelivery
  const { outcome, changed } = matchHeldRecord(held.record, entry.record);
  if (outcome === 'conflict') {
    // a conflict is put before it is recorded: decided on the person as read, never on a filed copy
    if (held.filed) return undefined;
    await store.putConflict(key, origin, entry.record);
    if (await store.recordOutcome(key, held, `${tag}:conflict`)) return { outcome, personKey: key };
  } else if (outcome === 'updated') {
    const merged = mergeRecords(held.record, entry.record);
    const written = await recordUpdate(
      store,
      key,
      held,
      origin,
      entry.record,
      changed,
      `${tag}:updated`,
      merged,
    );
    if (written) return { outcome, personKey: key };
  } else if (await store.recordOutcome(key, held, `${tag}:duplicate`)) {
    return { outcome, personKey: key };
  }
  return undefined;
}

/**
 * An update and its history item. From a person as read, the history goes first (a crash in between leaves
 * the history of an update a redelivery makes again). From a filed copy, which may be out of date, only once
 * the conditional write has shown it was not: a history item is never written from stale values.
 */
async function recordUpdate(
  store: RegisterStore,
  key: string,
  held: HeldPerson,
  origin: RowOrigin,
  incoming: PopulationRecord,
  changed: (keyof PopulationRecord)[],
  applied: string,
  merged: PopulationRecord,
): Promise<boolean> {
  const changes = Object.fromEntries(
    changed.map((field) => [field, { from: held.record[field], to: incoming[field] }]),
  );
  if (!held.filed) await store.putHistory(key, origin, changes);
  const written = await store.recordOutcome(key, held, applied, merged);
  if (written && held.filed) await store.putHistory(key, origin, changes);
  return written;
}

/**
 * The person as its blocking item filed it, for a first try without reading it; undefined for an item filed
 * before blocking items kept the entry of the person's first row.
 */
function filedPerson(candidate: FiledCandidate | undefined): HeldPerson | undefined {
  if (!candidate?.created) return undefined;
  return { record: candidate.record, version: 1, applied: [candidate.created], filed: candidate.created };
}

/**
 * Joins the row to the person `target` (following reviewer merges): duplicate, or updated with what it adds.
 * The first try writes from `filed`, the target as its blocking item holds it, when there is one: no read
 * unless the person has changed since it was stored. Undefined when the target is not held (its blocking
 * items were written by an attempt that never stored it).
 */
async function joinPerson(
  entry: ChunkEntry,
  origin: RowOrigin,
  store: RegisterStore,
  target: string,
  score: number | undefined,
  filed?: HeldPerson,
): Promise<RegisterResult | undefined> {
  const tag = appliedTag(origin);
  let key = target;
  for (let attempt = 0, hops = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const held = attempt === 0 && filed ? filed : await store.getPerson(key);
    if (!held) return undefined;
    if (held.mergedInto && hops < MAX_HOPS) {
      key = held.mergedInto;
      hops++;
      continue;
    }
    const link: RowLink = score === undefined ? { personKey: key } : { personKey: key, score };
    const earlier = earlierResult(held, tag, key);
    if (earlier) return { ...earlier, link: earlier.link ?? link };
    const { outcome, changed, merged } = joinLinkedRecord(held.record, entry.record, COMPARED_FIELDS);
    const applied = appliedEntry(tag, outcome, link);
    const written =
      outcome === 'updated'
        ? await recordUpdate(store, key, held, origin, entry.record, changed, applied, merged)
        : await store.recordOutcome(key, held, applied);
    if (written) return { outcome, personKey: key, link };
  }
  throw new Error(`row ${origin.row}: the register kept changing under it (${MAX_ATTEMPTS} attempts)`);
}

/** A redelivery of the row that put it on the review list: the side-by-side lines come from the item. */
async function withReview(
  result: RegisterResult,
  origin: RowOrigin,
  store: RegisterStore,
): Promise<RegisterResult> {
  if (result.outcome === 'probable_duplicate' && result.link) {
    const item = await store.getReview(origin.agencyCode, reviewId(origin));
    if (item) result.link.review = { id: item.id, reasons: item.reasons, fields: item.fields };
  }
  return result;
}

/**
 * With record linkage. An ID key is read first (a held ID may carry another name, which no block finds); a
 * name key is held exactly when its own blocking items come back, so it costs the three Queries alone.
 */
async function registerLinked(
  entry: ChunkEntry,
  origin: RowOrigin,
  store: RegisterStore,
): Promise<RegisterResult> {
  const key = entry.personKey;
  const tag = appliedTag(origin);
  const byId = key.startsWith('id:');
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let held = byId ? await store.getPerson(key) : undefined;
    let candidates = held ? [] : await store.findCandidates(blockingKeys(entry.record));
    const own = byId ? undefined : candidates.find((candidate) => candidate.personKey === key);
    if (own) {
      // its own key came back, so the person is held: first from the blocking item's copy, which holds
      // while the person is as first stored; read only when it is not
      const filed = attempt === 0 ? filedPerson(own) : undefined;
      const result = filed && (await applyToHeld(entry, origin, store, filed));
      if (result) return withReview(result, origin, store);
      held = await store.getPerson(key);
    }
    if (held?.mergedInto) {
      // an ID that joined a person before, or a person a reviewer merged: rows under its key go there
      const joined = await toMerged(entry, origin, store, held);
      if (joined) return joined;
    } else if (held) {
      const result = await applyToHeld(entry, origin, store, held);
      if (result) return withReview(result, origin, store);
      continue;
    }
    candidates = candidates.filter((candidate) => candidate.personKey !== key);
    const linked = linkRecord(entry.record, candidates);
    const best = linked.best;
    if (linked.decision === 'match' && best) {
      const filed = filedPerson(candidates.find((candidate) => candidate.personKey === best.personKey));
      const joined = await joinPerson(entry, origin, store, best.personKey, roundScore(best.score), filed);
      if (joined) {
        // an ID key remembers where it went: the next form with this ID goes straight there
        if (byId)
          await store.putAlias(
            key,
            joined.personKey,
            origin,
            appliedEntry(tag, joined.outcome, joined.link).slice(tag.length + 1),
          );
        return joined;
      }
    }
    const review = linked.decision === 'review' && best !== undefined;
    const outcome: Outcome = review ? 'probable_duplicate' : 'new';
    let link: RowLink | undefined;
    if (review) {
      const held = candidates.find((candidate) => candidate.personKey === best.personKey);
      const fields = held ? sideBySide(entry.record, held.record, best) : [];
      const item = {
        id: reviewId(origin),
        reasons: best.reasons,
        // another agency's person is shown to this agency's reviewer only as far as it must be to decide
        fields: held?.agencyCode && held.agencyCode !== origin.agencyCode ? fields.map(maskHeld) : fields,
      };
      await store.putReview({
        ...item,
        agencyCode: origin.agencyCode,
        batchId: origin.batchId,
        row: origin.row,
        ...(entry.formId ? { formId: entry.formId } : {}),
        personKey: key,
        candidatePersonKey: best.personKey,
        score: roundScore(best.score),
        createdAt: new Date().toISOString(),
      });
      link = { personKey: best.personKey, score: roundScore(best.score), review: item };
    }
    const applied = appliedEntry(tag, outcome, link, link?.personKey).slice(tag.length + 1);
    // filed before it is stored, so a stored person is always findable (a crash in between files it again)
    const created = `${tag}:${applied}`;
    await store.fileForLinkage(key, entry.record, filingKeys(entry.record), origin.agencyCode, created);
    if (await store.createPerson(key, entry.record, origin, applied)) {
      return link ? { outcome, personKey: key, link } : { outcome, personKey: key };
    }
    // somebody stored this key meanwhile: go round again, and find it held
  }
  throw new Error(`row ${origin.row}: the register kept changing under it (${MAX_ATTEMPTS} attempts)`);
}

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

/** Runs the rows of each person in order, and different people side by side. */
async function registerEntries(
  entries: ChunkEntry[],
  origin: Omit<RowOrigin, 'row'>,
  deps: RegisterDeps,
): Promise<OutcomeEntry[]> {
  const people = deps.linkage ? groupByBlock(entries) : groupByKey(entries);
  const results: OutcomeEntry[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < people.length; i = next++) {
      for (const entry of people[i] ?? []) {
        const result = await registerRecord(
          entry,
          { ...origin, row: entry.row },
          deps.register,
          deps.linkage,
        );
        const line: OutcomeEntry = [entry.row, result.outcome, result.personKey, entry.formId ?? '', []];
        if (result.link) line.push(result.link);
        results.push(line);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency, people.length) }, worker));
  return results.sort((a, b) => a[0] - b[0]);
}

/**
 * Waits until this invocation holds the chunk's lease (true), or until the invocation that holds it has written
 * the chunk's outcomes (false: nothing is left to decide). Two copies of a chunk never decide its rows at once.
 */
async function holdChunk(
  message: ChunkMessage,
  outcomesKey: string,
  holder: string,
  deps: RegisterDeps,
): Promise<boolean> {
  const { batchId, partition, seq } = message;
  const leaseMs = deps.chunkLeaseMs ?? CHUNK_LEASE_MS;
  for (;;) {
    if (await deps.batches.takeChunkLease(batchId, partition, seq, holder, Date.now() + leaseMs)) {
      // the holder before may have written the outcomes and let go just before this took it
      if (!(await deps.files.exists(outcomesKey))) return true;
      await deps.batches.releaseChunkLease(batchId, partition, seq, holder);
      return false;
    }
    await sleep(CHUNK_WAIT_MS);
    if (await deps.files.exists(outcomesKey)) return false;
  }
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
  const holder = randomUUID();
  if (!(await deps.files.exists(outcomesKey)) && (await holdChunk(message, outcomesKey, holder, deps))) {
    try {
      const lines = await deps.files.readLines<ChunkLine>(workKeys.chunk(batchId, partition, seq));
      const entries = lines.map(chunkEntryOf);
      const outcomes = await registerEntries(entries, { batchId, agencyCode: batch.agencyCode }, deps);
      await deps.files.putLines(outcomesKey, outcomes);
    } finally {
      // done or failed, nobody needs to wait for it: a retry after a failure, or a copy whose outcomes went
      // missing, takes the chunk at once
      await deps.batches.releaseChunkLease(batchId, partition, seq, holder).catch(() => undefined);
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
