// A reviewer's decision on a probable duplicate, applied to the register: keep the two persons apart (both
// remember it), or merge the reviewed record into the candidate person (its key then points there). Each change
// to a person puts its history item first (person-history.ts). Safe to repeat: each step checks what an earlier
// attempt did.
import { joinLinkedRecord } from '#domain/identity.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { departure, moveOf } from '../coverage/moves.ts';
import { CoverageTally } from '../coverage/tally.ts';
import { COMPARED_FIELDS } from '../linkage/compare.ts';
import type { ReviewResolution } from '../linkage/review.ts';
import type { CounterDelta, CoverageCounters } from '../model/coverage.ts';
import type { ChangeActor, PersonChange } from '../model/history.ts';
import type { HistoryWriter, MergingRegister, ReviewingRegister } from '../model/ports.ts';
import type { HeldPerson, StoredReview } from '../model/register.ts';
import { formatEntry, parseEntry } from './applied-entry.ts';
import { fieldChanges, putChange } from './person-history.ts';

/** Who made a decision and where it came from, as the history of the persons it changes records it. */
export interface Decision {
  by: ChangeActor;
  /** `review` or `link-pass` */
  why: string;
  /** the agency that decided (a link pass: none; the merged person's agency supplied its values) */
  agencyCode?: string;
  source: Pick<PersonChange, 'reviewId' | 'request' | 'passId' | 'batchId' | 'row'>;
}

export type ResolveResult =
  | { status: 'resolved'; review: StoredReview }
  | { status: 'notFound' }
  | { status: 'alreadyResolved'; review: StoredReview };

const MAX_ATTEMPTS = 20;
const MAX_HOPS = 4;

export async function resolveReview(
  store: ReviewingRegister,
  history: HistoryWriter,
  agencyCode: string,
  id: string,
  resolution: ReviewResolution,
  caller: { by: ChangeActor; request?: string },
  counters?: MergeCounters,
): Promise<ResolveResult> {
  const review = await store.getReview(agencyCode, id);
  if (!review) return { status: 'notFound' };
  if (review.resolution && review.resolution !== resolution) return { status: 'alreadyResolved', review };
  const tag = `review#${review.id}`;
  const decision: Decision = {
    by: caller.by,
    why: 'review',
    agencyCode,
    source: { reviewId: review.id, ...(caller.request ? { request: caller.request } : {}) },
  };
  if (resolution === 'keepApart') {
    await keepApart(store, history, review.personKey, review.candidatePersonKey, tag, decision);
    await keepApart(store, history, review.candidatePersonKey, review.personKey, tag, decision);
  } else {
    await mergePerson(store, history, review.personKey, review.candidatePersonKey, tag, decision, counters);
  }
  if (!(await store.resolveReview(agencyCode, id, resolution))) {
    const now = await store.getReview(agencyCode, id);
    return now ? { status: 'alreadyResolved', review: now } : { status: 'notFound' };
  }
  return {
    status: 'resolved',
    review: { ...review, resolution, resolvedAt: new Date().toISOString() },
  };
}

/**
 * Person `key` remembers that a reviewer kept it apart from `other`, with the history item of it first (a review's,
 * or a conflict's `different`).
 */
export async function keepApart(
  store: Pick<ReviewingRegister, 'getPerson' | 'addKeptApart'>,
  history: HistoryWriter,
  key: string,
  other: string,
  tag: string,
  decision: Decision,
): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const held = await store.getPerson(key);
    if (!held || held.keptApart?.includes(other)) return;
    const lastChange = await putChange(history, key, held, {
      ...decision,
      change: tag,
      outcome: 'kept_apart',
      changes: { keptApart: { to: other } },
      source: { ...decision.source, other },
    });
    if (await store.addKeptApart(key, other, held.version, lastChange)) return;
  }
  throw new Error(`keep apart: the person kept changing (${MAX_ATTEMPTS} attempts)`);
}

/**
 * Merges person `from` into person `into` (or the person `into` has itself been merged into since): `from`'s
 * record fills and updates the other's as a linked row would, the merge is remembered there as `{tag}:merged`,
 * and `from` then points there, only if it is still as read (so fields a row or another merge added to it meanwhile
 * are carried over on the next round). Safe to repeat with the same tag, and side by side with other merges. False
 * when there was nothing to merge: either person is gone, `from` is merged already, or the two are one.
 */
export async function mergePerson(
  store: MergingRegister,
  history: HistoryWriter,
  from: string,
  into: string,
  tag: string,
  decision: Decision,
  counters?: MergeCounters,
): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const source = await store.getPerson(from);
    if (!source) return false;
    if (source.mergedInto) {
      // merged by an earlier attempt of this merge, which may have died before the counters moved: they move now
      // (once: the items remember the tag), from what that attempt kept on the person it merged into
      if (counters) await moveMerged(store, counters, source, tag);
      return false;
    }
    let target = into;
    let held = await store.getPerson(target);
    for (let hops = 0; held?.mergedInto && hops < MAX_HOPS; hops++) {
      target = held.mergedInto;
      held = await store.getPerson(target);
    }
    if (!held) return false;
    if (target === from) return false; // merged the other way round already
    const { outcome, merged, changed } = joinLinkedRecord(held.record, source.record, COMPARED_FIELDS);
    // written once per tag, and again only when `from` brought something new since (a retry after it changed)
    let entry = held.applied.find((applied) => applied.startsWith(`${tag}:`));
    if (!entry || outcome === 'updated') {
      // where the merge moves the person it joins, kept with it: a retry moves the counters by the same
      const moved = outcome === 'updated' ? moveOf(held.record, merged, changed) : undefined;
      entry = formatEntry({ tag, outcome: 'merged', ...(moved ? { moved } : {}) });
      // the merged person's version in the key: a retry after it changed merges (and records) what it holds now
      const joined = await putChange(history, target, held, {
        ...decision,
        change: `${tag}#${source.version}`,
        outcome: 'merged',
        changes: outcome === 'updated' ? fieldChanges(held.record, merged, changed) : {},
        // the values it wrote are the merged person's, whoever decided
        ...(source.agencyCode ? { agencyCode: source.agencyCode } : {}),
        source: { ...decision.source, other: from },
      });
      const record = outcome === 'updated' ? merged : undefined;
      if (!(await store.recordOutcome(target, held, entry, record, joined))) continue;
    }
    // the counters before the pointer: a merge seen done (above) is one whose counters may still have to move
    if (counters) await counters.apply(tag, mergeDeltas(source.record, entry));
    const decidedBy = decision.agencyCode ?? source.agencyCode;
    const pointed = await putChange(history, from, source, {
      ...decision,
      // a link pass decides for no agency: the pointer is shown to the merged person's own, as its values were
      ...(decidedBy ? { agencyCode: decidedBy } : {}),
      change: tag,
      outcome: 'merged_into',
      changes: { mergedInto: { to: target } },
      source: { ...decision.source, other: target },
    });
    if (await store.markMerged(from, target, source.version, pointed)) return true;
  }
  // no tag in the message: a link pass's names the person key, which may be a personal ID
  throw new Error(`merge: the persons kept changing (${MAX_ATTEMPTS} attempts)`);
}

/** The coverage counters a merge moves (issue 18): once per merge, by its tag. */
export type MergeCounters = Pick<CoverageCounters, 'apply'>;

/** A merge's moves: the merged person counts no more; the person it joined moves if the merge changed its address. */
function mergeDeltas(record: PopulationRecord, entry: string): CounterDelta[] {
  const tally = new CoverageTally(undefined);
  tally.move(departure(record));
  const { moved } = parseEntry(entry);
  if (moved) tally.move(moved);
  return tally.result();
}

/** The counters of a merge an earlier attempt finished, from the entry it kept on the person it merged into. */
async function moveMerged(
  store: MergingRegister,
  counters: MergeCounters,
  source: HeldPerson,
  tag: string,
): Promise<void> {
  let key = source.mergedInto;
  for (let hops = 0; key && hops <= MAX_HOPS; hops++) {
    const held = await store.getPerson(key);
    const entry = held?.applied.find((applied) => applied.startsWith(`${tag}:`));
    if (entry) {
      await counters.apply(tag, mergeDeltas(source.record, entry));
      return;
    }
    key = held?.mergedInto;
  }
}
