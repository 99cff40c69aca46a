// A reviewer's decision on a probable duplicate, applied to the register: keep the two persons apart (both
// remember it), or merge the reviewed record into the candidate person (its key then points there).
// Safe to repeat: each step checks what an earlier attempt did.
import { joinLinkedRecord } from '#domain/identity.ts';
import { COMPARED_FIELDS } from '../linkage/compare.ts';
import type { ReviewResolution } from '../linkage/review.ts';
import type { RegisterStore, StoredReview } from '../store/register-store.ts';

export type ResolveResult =
  | { status: 'resolved'; review: StoredReview }
  | { status: 'notFound' }
  | { status: 'alreadyResolved'; review: StoredReview };

const MAX_ATTEMPTS = 20;
const MAX_HOPS = 4;

export async function resolveReview(
  store: RegisterStore,
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
async function mergeInto(store: RegisterStore, review: StoredReview): Promise<void> {
  await mergePerson(store, review.personKey, review.candidatePersonKey, `review#${review.id}`);
}

/**
 * Merges person `from` into person `into` (or the person `into` has itself been merged into since): `from`'s
 * record fills and updates the other's as a linked row would, the merge is remembered there as `{tag}:merged`,
 * and `from` then points there. Safe to repeat with the same tag. False when there was nothing to merge: either
 * person is gone, or the two are already one.
 */
export async function mergePerson(
  store: RegisterStore,
  from: string,
  into: string,
  tag: string,
): Promise<boolean> {
  const reviewed = await store.getPerson(from);
  if (!reviewed) return false;
  let target = into;
  for (let attempt = 0, hops = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const held = await store.getPerson(target);
    if (!held) return false;
    if (held.mergedInto && hops < MAX_HOPS) {
      target = held.mergedInto;
      hops++;
      continue;
    }
    if (target === from) return false; // merged the other way round already
    if (!held.applied.some((entry) => entry.startsWith(`${tag}:`))) {
      const { outcome, merged } = joinLinkedRecord(held.record, reviewed.record, COMPARED_FIELDS);
      const entry = `${tag}:merged`;
      const written = await store.recordOutcome(
        target,
        held,
        entry,
        outcome === 'updated' ? merged : undefined,
      );
      if (!written) continue;
    }
    await store.markMerged(from, target);
    return true;
  }
  throw new Error(`${tag}: the person merged into kept changing (${MAX_ATTEMPTS} attempts)`);
}
