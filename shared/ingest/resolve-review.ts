// A reviewer's decision on a probable duplicate, applied to the register: keep the two persons apart (both
// remember it), or merge the reviewed record into the candidate person (its key then points there).
// Safe to repeat: each step checks what an earlier attempt did.
import { joinLinkedRecord } from '#domain/identity.ts';
import { COMPARED_FIELDS } from '../linkage/compare.ts';
import type { ReviewResolution } from '../linkage/review.ts';
import type { MergingRegister, ReviewingRegister } from '../model/ports.ts';
import type { StoredReview } from '../model/register.ts';

export type ResolveResult =
  | { status: 'resolved'; review: StoredReview }
  | { status: 'notFound' }
  | { status: 'alreadyResolved'; review: StoredReview };

const MAX_ATTEMPTS = 20;
const MAX_HOPS = 4;

export async function resolveReview(
  store: ReviewingRegister,
  agencyCode: string,
  id: string,
  resolution: ReviewResolution,
): Promise<ResolveResult> {
  const review = await store.getReview(agencyCode, id);
  if (!review) return { status: 'notFound' };
  if (review.resolution && review.resolution !== resolution) return { status: 'alreadyResolved', review };
  if (resolution === 'keepApart') {
    await store.addKeptApart(review.personKey, review.candidatePersonKey);
    await store.addKeptApart(review.candidatePersonKey, review.personKey);
  } else {
    await mergeInto(store, review);
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

/** The reviewed person's record fills and updates the candidate's (as a linked row would), then points there. */
async function mergeInto(store: MergingRegister, review: StoredReview): Promise<void> {
  await mergePerson(store, review.personKey, review.candidatePersonKey, `review#${review.id}`);
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
  from: string,
  into: string,
  tag: string,
): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const source = await store.getPerson(from);
    if (!source || source.mergedInto) return false;
    let target = into;
    let held = await store.getPerson(target);
    for (let hops = 0; held?.mergedInto && hops < MAX_HOPS; hops++) {
      target = held.mergedInto;
      held = await store.getPerson(target);
    }
    if (!held) return false;
    if (target === from) return false; // merged the other way round already
    const { outcome, merged } = joinLinkedRecord(held.record, source.record, COMPARED_FIELDS);
    // written once per tag, and again only when `from` brought something new since (a retry after it changed)
    if (!held.applied.some((entry) => entry.startsWith(`${tag}:`)) || outcome === 'updated') {
      const entry = `${tag}:merged`;
      if (!(await store.recordOutcome(target, held, entry, outcome === 'updated' ? merged : undefined)))
        continue;
    }
    if (await store.markMerged(from, target, source.version)) return true;
  }
  // no tag in the message: a link pass's names the person key, which may be a personal ID
  throw new Error(`merge: the persons kept changing (${MAX_ATTEMPTS} attempts)`);
}
