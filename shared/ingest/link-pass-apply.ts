// The link pass's decide step, one candidate at a time: a person and its best candidate, checked against the register
// as it is now, then merged, put on the agency's review list, or left as they are (shared/ingest/link-pass.ts).
import { reviewId, rowOfEntry } from '../keys.ts';
import type { PassCandidate } from '../linkage/pass.ts';
import { decidePair, scoreMatch } from '../linkage/score.ts';
import type { DecideDone } from '../model/link-pass.ts';
import type { HistoryWriter, PassRegister } from '../model/ports.ts';
import type { HeldPerson } from '../model/register.ts';
import { type Decision, type MergeCounters, mergePerson } from './resolve-review.ts';
import { reviewItem } from './review-items.ts';

/** How far a merged candidate is followed (merges form short chains: each points at a person ranked before it). */
const MAX_HOPS = 4;

/**
 * `{batchId}#{row}` of a person's earliest kept row, the row a review item is filed under (a review's or a merge's
 * entry in `applied` names no row, and is passed over).
 */
export function firstRow(person: HeldPerson): { batchId: string; row: number } | undefined {
  for (const entry of person.applied) {
    const row = rowOfEntry(entry);
    if (row) return row;
  }
  return undefined;
}

/**
 * Applies a person's best candidate to the register as it is now, not as the scan saw it: both are read again
 * (the candidate followed to the person it has been merged into since, if it has) and scored again, and nothing
 * happens when the person has been merged, a reviewer kept the two apart, the decision changed, or the person has
 * a review item already (its id is the person's first row: a resolved one is not reopened).
 */
export async function applyCandidate(
  passId: string,
  { person: key, candidate: candidateKey }: PassCandidate,
  register: PassRegister,
  history: HistoryWriter,
  counters?: MergeCounters,
): Promise<keyof DecideDone> {
  const person = await register.getPerson(key);
  if (!person) return 'unchanged';
  const tag = `link#${passId}#${key}`;
  // the pass made the merge; the values it writes are the merged person's (its agency's)
  const pass: Decision = { by: { kind: 'link-pass', id: passId }, why: 'link-pass', source: { passId } };
  if (person.mergedInto) {
    // merged by an earlier try of this step, which may have died before the counters moved: mergePerson moves them
    if (counters) await mergePerson(register, history, key, person.mergedInto, tag, pass, counters);
    return 'unchanged';
  }
  // the candidate as it is now: merged since, it is the person it is part of now that the pass compares and joins
  const chain = [candidateKey];
  let candidate = await register.getPerson(candidateKey);
  while (candidate?.mergedInto && chain.length <= MAX_HOPS) {
    chain.push(candidate.mergedInto);
    candidate = await register.getPerson(candidate.mergedInto);
  }
  const target = chain.at(-1) as string;
  if (!candidate || candidate.mergedInto || target === key) return 'unchanged';
  if (chain.some((other) => person.keptApart?.includes(other)) || candidate.keptApart?.includes(key))
    return 'unchanged';
  const best = scoreMatch(person.record, candidate.record);
  const decision = decidePair(best, person.record, candidate.record);
  if (decision === 'match') {
    return (await mergePerson(register, history, key, target, tag, pass, counters)) ? 'merged' : 'unchanged';
  }
  const row = firstRow(person);
  if (decision !== 'review' || !row || !person.agencyCode) return 'unchanged';
  const origin = { ...row, agencyCode: person.agencyCode };
  if (await register.getReview(person.agencyCode, reviewId(origin))) return 'unchanged';
  await register.putReview(
    reviewItem({
      origin,
      ...(person.record.formId ? { formId: person.record.formId } : {}),
      personKey: key,
      record: person.record,
      candidatePersonKey: target,
      candidate,
      match: best,
    }),
  );
  return 'reviews';
}
