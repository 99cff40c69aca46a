// A row against the register: its outcome (new, duplicate, updated, conflict, or with record linkage joined to a person
// it matches or a probable duplicate), what it was compared with, and the write that records it on the person it
// touched. Idempotent: the person keeps each row's decision (`applied`, shared/ingest/applied-entry.ts), so a
// redelivered row finds what the first attempt decided and decides the same; and the digest of each form applied,
// so the same form again is a duplicate of it whatever has changed since, and writes nothing.
// With record linkage on, a record whose key is not held is compared with the persons its blocking keys find
// (docs/linkage.md).
import type { Outcome, RowLink } from '#batch/ledger.ts';
import type { OutcomeCode } from '#domain/errors.ts';
import {
  formDigest,
  identityDifferences,
  joinLinkedRecord,
  type MatchOutcome,
  matchHeldRecord,
  mergeRecords,
  personKey,
} from '#domain/identity.ts';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { moveOf } from '../coverage/moves.ts';
import { personKeys, reviewId, rowTag } from '../keys.ts';
import { blockingKeys, filingKeys } from '../linkage/blocking.ts';
import { COMPARED_FIELDS } from '../linkage/compare.ts';
import { linkRecord } from '../linkage/link.ts';
import type { StoredConflict } from '../model/conflict.ts';
import type { HistoryWriter, RowRegister } from '../model/ports.ts';
import type { FiledCandidate, HeldPerson, RowOrigin } from '../model/register.ts';
import {
  type AppliedEntry,
  creation,
  type EntryRef,
  entryRef,
  formatEntry,
  lastContent,
  parseEntry,
  sameForm,
} from './applied-entry.ts';
import { creationKey, fieldChanges, putChange, rowActor } from './person-history.ts';
import { reviewItem, roundScore } from './review-items.ts';
import type { ChunkEntry } from './types.ts';

const MAX_ATTEMPTS = 20;
/** a chain of reviewer merges is followed this far */
const MAX_HOPS = 4;

/**
 * Why a row is not `new` and what it was compared with: the fields concerned (ids only) and the earlier form, as
 * the register names it (register.ts masks it for the row's agency).
 */
export interface OutcomeNote {
  code: OutcomeCode;
  fields?: string[];
  against?: EntryRef;
}

/** Where a row went: the outcome, the person it is recorded against, how linkage placed it, and why. */
export interface RegisterResult {
  outcome: Outcome;
  personKey: string;
  link?: RowLink;
  note?: OutcomeNote;
  /** an update that moved the person to other communes: `{from places}>{to places}` (shared/coverage/moves.ts) */
  moved?: string;
}

const against = (entry: AppliedEntry | undefined) => (entry ? { against: entryRef(entry) } : {});

/** A form already applied to the person (or kept on it as a conflict): a duplicate of that form. */
function seenBefore(entries: readonly AppliedEntry[], digest: string): OutcomeNote | undefined {
  const same = sameForm(entries, digest);
  if (!same) return undefined;
  return { code: same.outcome === 'conflict' ? 'SAME_CONFLICT' : 'SAME_FORM', against: entryRef(same) };
}

/**
 * Why a form that is not one seen before got its outcome, against the entries kept before it: an update or a
 * duplicate is compared with the record as held (last made by `lastContent`), a conflict with the identity the
 * person was created with.
 */
function noteOf(
  outcome: MatchOutcome,
  before: readonly AppliedEntry[],
  fields: readonly string[],
): OutcomeNote {
  if (outcome === 'conflict')
    return { code: 'IDENTITY_CONFLICT', fields: [...fields], ...against(creation(before)) };
  if (outcome === 'updated')
    return { code: 'FIELDS_UPDATED', fields: [...fields], ...against(lastContent(before)) };
  return { code: 'NOTHING_NEW', ...against(lastContent(before)) };
}

/** What a previous attempt decided for this row, from the person it touched, with the same note. */
function earlierResult(
  held: HeldPerson,
  tag: string,
  key: string,
  record: PopulationRecord,
): RegisterResult | undefined {
  const entries = held.applied.map(parseEntry);
  const at = entries.findIndex((entry) => entry.tag === tag);
  const entry = entries[at];
  if (!entry) return undefined;
  const result: RegisterResult = { outcome: entry.outcome as Outcome, personKey: key };
  if (entry.candidate) result.link = { personKey: entry.candidate, score: entry.score ?? 0 };
  else if (entry.score !== undefined) result.link = { personKey: key, score: entry.score };
  const before = entries.slice(0, at);
  const seen = entry.digest === undefined ? undefined : seenBefore(before, entry.digest);
  if (entry.outcome === 'duplicate') result.note = seen ?? noteOf('duplicate', before, []);
  else if (entry.outcome === 'updated') {
    result.note = noteOf('updated', before, entry.changed ?? []);
    if (entry.moved) result.moved = entry.moved;
  } else if (entry.outcome === 'conflict')
    result.note = noteOf('conflict', before, identityDifferences(held.record, record));
  return result;
}

/** The outcome of one valid row against the register. */
export async function registerRecord(
  entry: ChunkEntry,
  origin: RowOrigin,
  store: RowRegister,
  history: HistoryWriter,
  linkage = false,
  keyer?: PersonKeyer,
): Promise<RegisterResult> {
  const stores: Stores = { store, history, ...(keyer ? { keyer } : {}) };
  return linkage ? registerLinked(entry, origin, stores) : registerExact(entry, origin, stores);
}

/** The register and the history table, which every change to a person writes both of. */
interface Stores {
  store: RowRegister;
  history: HistoryWriter;
  /** seals a conflict's incoming identity without its ID, where a `different` decision would store it */
  keyer?: PersonKeyer;
}

/**
 * Stores a new person with what its creation's history needs (person-history.ts: derived when read, no item of its
 * own, so one write). False when the key is held already.
 */
function createPerson(
  { store }: Stores,
  entry: ChunkEntry,
  origin: RowOrigin,
  outcome: Outcome,
  applied: string,
): Promise<boolean> {
  const key = entry.personKey;
  return store.createPerson(key, entry.record, origin, applied, {
    lastChange: creationKey(key, origin),
    why: outcome,
  });
}

/** The entry a new person is created with, after its row tag: `new` (or as linkage placed it) and its form's digest. */
function createdEntry(tag: string, outcome: Outcome, record: PopulationRecord, link?: RowLink): string {
  const entry: AppliedEntry = { tag, outcome, digest: formDigest(record) };
  if (link?.score !== undefined) entry.score = link.score;
  if (link) entry.candidate = link.personKey;
  return formatEntry(entry).slice(tag.length + 1);
}

/** Exact keys only: a new person, or the held person under the same key. */
async function registerExact(entry: ChunkEntry, origin: RowOrigin, stores: Stores): Promise<RegisterResult> {
  const created = createdEntry(rowTag(origin), 'new', entry.record);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await createPerson(stores, entry, origin, 'new', created))
      return { outcome: 'new', personKey: entry.personKey };
    const held = await stores.store.getPerson(entry.personKey);
    if (!held) continue;
    // a person a reviewer or a link pass merged into another: rows under its key join that one
    const result = held.mergedInto
      ? await toMerged(entry, origin, stores, held)
      : await applyToHeld(entry, origin, stores, held);
    if (result) return result;
    // somebody changed the person in between: read again
  }
  throw new Error(`row ${origin.row}: the register kept changing under it (${MAX_ATTEMPTS} attempts)`);
}

/**
 * A row whose key is an alias or a merged person: it joins the person that key points to. A row that joined through
 * it before reports the person it joined, as that person's entries name it; one that created the key's person
 * (before it was merged) reports it as it did then; a form applied under this key before is a duplicate of it.
 */
async function toMerged(
  entry: ChunkEntry,
  origin: RowOrigin,
  stores: Stores,
  held: HeldPerson & { mergedInto?: string },
): Promise<RegisterResult | undefined> {
  const into = held.mergedInto as string;
  const earlier = earlierResult(held, rowTag(origin), entry.personKey, entry.record);
  if (earlier?.outcome === 'duplicate' || earlier?.outcome === 'updated') {
    const joined = await joinPerson(entry, origin, stores, into, earlier.link?.score);
    return joined ?? { ...earlier, personKey: into, link: { ...earlier.link, personKey: into } };
  }
  if (earlier) return earlier;
  const seen = seenBefore(held.applied.map(parseEntry), formDigest(entry.record));
  if (seen) return { outcome: 'duplicate', personKey: into, link: { personKey: into }, note: seen };
  return joinPerson(entry, origin, stores, into, undefined);
}

/** The row against the person held under its own key; undefined when the person changed meanwhile. */
async function applyToHeld(
  entry: ChunkEntry,
  origin: RowOrigin,
  stores: Stores,
  held: HeldPerson,
): Promise<RegisterResult | undefined> {
  const { store } = stores;
  const tag = rowTag(origin);
  const key = entry.personKey;
  const earlier = earlierResult(held, tag, key, entry.record);
  // this row was decided before a redelivery
  if (earlier) return earlier;
  const entries = held.applied.map(parseEntry);
  const digest = formDigest(entry.record);
  // the same form again: nothing to write, and the person keeps what later forms made it
  const seen = seenBefore(entries, digest);
  // a filed copy cannot tell whether the person was merged since, and a duplicate writes nothing to find out
  if (seen) return held.filed ? undefined : { outcome: 'duplicate', personKey: key, note: seen };
  const { outcome, changed } = matchHeldRecord(held.record, entry.record);
  if (outcome === 'conflict') {
    // a conflict is put before it is recorded: decided on the person as read, never on a filed copy
    if (held.filed) return undefined;
    const fields = identityDifferences(held.record, entry.record);
    await store.putConflict(conflictItem(entry, origin, key, fields, stores.keyer));
    if (await store.recordOutcome(key, held, formatEntry({ tag, outcome, digest })))
      return { outcome, personKey: key, note: noteOf(outcome, entries, fields) };
  } else if (outcome === 'updated') {
    const merged = mergeRecords(held.record, entry.record);
    const moved = moveOf(held.record, merged, changed);
    const applied = formatEntry({ tag, outcome, digest, changed, ...(moved ? { moved } : {}) });
    const written = await recordUpdate(stores, key, held, origin, changed, applied, merged);
    if (written)
      return {
        outcome,
        personKey: key,
        note: noteOf(outcome, entries, changed),
        ...(moved ? { moved } : {}),
      };
  } else if (await store.recordOutcome(key, held, formatEntry({ tag, outcome, digest }))) {
    return { outcome, personKey: key, note: noteOf(outcome, entries, []) };
  }
  return undefined;
}

/** A conflict as its agency's list keeps it for a reviewer (docs/corrections.md "Conflicts"). */
function conflictItem(
  entry: ChunkEntry,
  origin: RowOrigin,
  key: string,
  differing: readonly string[],
  keyer: PersonKeyer | undefined,
): StoredConflict {
  // the incoming form's person without the disputed ID: where a reviewer's `different` stores it
  const { personalId: _disputed, ...apart } = entry.record;
  return {
    id: reviewId(origin),
    agencyCode: origin.agencyCode,
    batchId: origin.batchId,
    row: origin.row,
    ...(entry.record.formId ? { formId: entry.record.formId } : {}),
    personKey: key,
    incoming: entry.record,
    differing: [...differing],
    ...(keyer ? { apartKey: personKey(apart, keyer) } : {}),
    ...(origin.uploadedBy ? { uploadedBy: origin.uploadedBy } : {}),
    createdAt: new Date().toISOString(),
    status: 'open',
  };
}

/**
 * An update and its history item, the item first (person-history.ts): one whose update does not land (the person
 * changed since it was read, or a filed copy was out of date) is in no person's chain, and the next try puts its own.
 */
async function recordUpdate(
  { store, history }: Stores,
  key: string,
  held: HeldPerson,
  origin: RowOrigin,
  changed: (keyof PopulationRecord)[],
  applied: string,
  merged: PopulationRecord,
): Promise<boolean> {
  const lastChange = await putChange(history, key, held, {
    change: rowTag(origin),
    outcome: 'updated',
    why: 'updated',
    changes: fieldChanges(held.record, merged, changed),
    by: rowActor(origin),
    agencyCode: origin.agencyCode,
    source: { batchId: origin.batchId, row: origin.row },
  });
  return store.recordOutcome(key, held, applied, merged, lastChange);
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
  stores: Stores,
  target: string,
  score: number | undefined,
  filed?: HeldPerson,
): Promise<RegisterResult | undefined> {
  const { store } = stores;
  const tag = rowTag(origin);
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
    const earlier = earlierResult(held, tag, key, entry.record);
    if (earlier) return { ...earlier, link: earlier.link ?? link };
    const entries = held.applied.map(parseEntry);
    const digest = formDigest(entry.record);
    const seen = seenBefore(entries, digest);
    if (seen && held.filed) continue; // read it: the copy cannot tell whether it was merged since
    if (seen) return { outcome: 'duplicate', personKey: key, link, note: seen };
    const { outcome, changed, merged } = joinLinkedRecord(held.record, entry.record, COMPARED_FIELDS);
    const moved = outcome === 'updated' ? moveOf(held.record, merged, changed) : undefined;
    const applied = formatEntry({
      tag,
      outcome,
      ...(score === undefined ? {} : { score }),
      digest,
      changed,
      ...(moved ? { moved } : {}),
    });
    const written =
      outcome === 'updated'
        ? await recordUpdate(stores, key, held, origin, changed, applied, merged)
        : await store.recordOutcome(key, held, applied);
    if (written)
      return {
        outcome,
        personKey: key,
        link,
        note: noteOf(outcome, entries, changed),
        ...(moved ? { moved } : {}),
      };
  }
  throw new Error(`row ${origin.row}: the register kept changing under it (${MAX_ATTEMPTS} attempts)`);
}

/** A redelivery of the row that put it on the review list: the side-by-side lines come from the item. */
async function withReview(
  result: RegisterResult,
  origin: RowOrigin,
  store: RowRegister,
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
async function registerLinked(entry: ChunkEntry, origin: RowOrigin, stores: Stores): Promise<RegisterResult> {
  const { store } = stores;
  const key = entry.personKey;
  const tag = rowTag(origin);
  const byId = personKeys.isById(key);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let held = byId ? await store.getPerson(key) : undefined;
    let candidates = held ? [] : await store.findCandidates(blockingKeys(entry.record));
    const own = byId ? undefined : candidates.find((candidate) => candidate.personKey === key);
    if (own) {
      // its own key came back, so the person is held: first from the blocking item's copy, which holds
      // while the person is as first stored; read only when it is not
      const filed = attempt === 0 ? filedPerson(own) : undefined;
      const result = filed && (await applyToHeld(entry, origin, stores, filed));
      if (result) return withReview(result, origin, store);
      held = await store.getPerson(key);
    }
    if (held?.mergedInto) {
      // an ID that joined a person before, or a person a reviewer merged: rows under its key go there
      const joined = await toMerged(entry, origin, stores, held);
      if (joined) return joined;
    } else if (held) {
      const result = await applyToHeld(entry, origin, stores, held);
      if (result) return withReview(result, origin, store);
      continue;
    }
    candidates = candidates.filter((candidate) => candidate.personKey !== key);
    const linked = linkRecord(entry.record, candidates);
    const best = linked.best;
    if (linked.decision === 'match' && best) {
      const filed = filedPerson(candidates.find((candidate) => candidate.personKey === best.personKey));
      const joined = await joinPerson(entry, origin, stores, best.personKey, roundScore(best.score), filed);
      if (joined) {
        // an ID key remembers where it went: the next form with this ID goes straight there
        if (byId)
          await store.putAlias(
            key,
            joined.personKey,
            origin,
            formatEntry({
              tag,
              outcome: joined.outcome,
              ...(joined.link?.score === undefined ? {} : { score: joined.link.score }),
              digest: formDigest(entry.record),
            }).slice(tag.length + 1),
          );
        return joined;
      }
    }
    const review = linked.decision === 'review' && best !== undefined;
    const outcome: Outcome = review ? 'probable_duplicate' : 'new';
    let link: RowLink | undefined;
    if (review) {
      const item = reviewItem({
        origin,
        ...(entry.formId ? { formId: entry.formId } : {}),
        personKey: key,
        record: entry.record,
        candidatePersonKey: best.personKey,
        candidate: candidates.find((candidate) => candidate.personKey === best.personKey),
        match: best,
      });
      await store.putReview(item);
      link = {
        personKey: best.personKey,
        score: item.score,
        review: { id: item.id, reasons: item.reasons, fields: item.fields },
      };
    }
    const applied = createdEntry(tag, outcome, entry.record, link);
    // filed before it is stored, so a stored person is always findable (a crash in between files it again)
    const created = `${tag}:${applied}`;
    await store.fileForLinkage(key, entry.record, filingKeys(entry.record), origin.agencyCode, created);
    if (await createPerson(stores, entry, origin, outcome, applied)) {
      return link ? { outcome, personKey: key, link } : { outcome, personKey: key };
    }
    // somebody stored this key meanwhile: go round again, and find it held
  }
  throw new Error(`row ${origin.row}: the register kept changing under it (${MAX_ATTEMPTS} attempts)`);
}
