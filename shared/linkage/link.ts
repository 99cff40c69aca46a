// Linking an incoming record to the register: the best of the candidates its blocking keys found.
import type { LinkableRecord } from './compare.ts';
import { decidePair, type LinkDecision, type LinkThresholds, type MatchScore, scoreMatch } from './score.ts';

/** A record the register holds, as a blocking query returns it. */
export interface HeldCandidate {
  personKey: string;
  record: LinkableRecord;
}

export interface LinkResult {
  /** `distinct` when there was no candidate */
  decision: LinkDecision;
  /** the best-scoring candidate, with its score, levels and reasons */
  best?: MatchScore & { personKey: string };
  /** how many distinct persons were scored */
  candidates: number;
}

export interface LinkOptions {
  thresholds?: LinkThresholds;
  /** persons a reviewer has kept apart from this record's person: never proposed again */
  keptApart?: ReadonlySet<string>;
}

/**
 * The best-scoring candidate and what to do with it. Candidates are deduplicated by person key (a person
 * filed under several keys is scored once); equal scores go to the smaller person key, so the result does
 * not depend on the order the queries returned.
 */
export function linkRecord(
  incoming: LinkableRecord,
  candidates: Iterable<HeldCandidate>,
  { thresholds, keptApart }: LinkOptions = {},
): LinkResult {
  const seen = new Set<string>();
  let best: (MatchScore & { personKey: string }) | undefined;
  let bestRecord: LinkableRecord | undefined;
  for (const candidate of candidates) {
    if (seen.has(candidate.personKey) || keptApart?.has(candidate.personKey)) continue;
    seen.add(candidate.personKey);
    const scored = scoreMatch(incoming, candidate.record);
    if (
      !best ||
      scored.score > best.score ||
      (scored.score === best.score && candidate.personKey < best.personKey)
    ) {
      best = { ...scored, personKey: candidate.personKey };
      bestRecord = candidate.record;
    }
  }
  if (!best) return { decision: 'distinct', candidates: 0 };
  return {
    decision: decidePair(best, incoming, bestRecord as LinkableRecord, thresholds),
    best,
    candidates: seen.size,
  };
}
