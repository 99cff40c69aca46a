// The match score of two records: the sum of their comparison levels' weights (bits of evidence that they
// are the same person), and what the register does with it.
import {
  COMPARED_FIELDS,
  type ComparedField,
  type ComparisonVector,
  compareDates,
  compareIds,
  comparePlaces,
  compareRecords,
  type LinkableRecord,
} from './compare.ts';
import { LEVEL_WEIGHTS, type LevelWeights } from './weights.ts';

export type LinkDecision = 'match' | 'review' | 'distinct';

/**
 * The review reason of a pair whose IDs differ by one substituted digit or two transposed neighbours (issue 22),
 * first among a pair's reasons: its code, then what the reviewer reads.
 */
export const ID_ONE_DIGIT_REASON = 'ID_ONE_DIGIT: Số định danh khác một chữ số / ID differs by one digit';

export interface LinkThresholds {
  /** at or above: the same person, merged automatically */
  upper: number;
  /** at or above (and below upper): a probable duplicate for a person to review */
  lower: number;
}

/** Chosen on generated data for auto-merge precision ≥ 0.995 and recall with review ≥ 0.97 (docs/linkage.md). */
// lower 8 (4 before issue 22): the both-parents key brings siblings of one sex and decade together, who score about
// 6 (parents and places agree, name and date differ); no true pair the bench finds scores between 4 and 8 that often
export const LINK_THRESHOLDS: LinkThresholds = { upper: 14, lower: 8 };

export interface MatchScore {
  /** bits: the sum of the levels' weights */
  score: number;
  levels: ComparisonVector;
  /** one line per field that moved the score, strongest first: "dateOfBirth swap +5.1" */
  reasons: string[];
}

/** How strongly two records say they are one person, and why. */
export function scoreMatch(
  incoming: LinkableRecord,
  candidate: LinkableRecord,
  weights: LevelWeights = LEVEL_WEIGHTS,
): MatchScore {
  const levels = compareRecords(incoming, candidate);
  let score = 0;
  const parts: [ComparedField, string, number][] = [];
  for (const field of COMPARED_FIELDS) {
    const level = levels[field];
    const weight = (weights[field] as Record<string, number>)[level] ?? 0;
    score += weight;
    if (weight !== 0) parts.push([field, level, weight]);
  }
  parts.sort((a, b) => Math.abs(b[2]) - Math.abs(a[2]) || a[0].localeCompare(b[0]));
  const reasons = parts.map(
    ([field, level, weight]) => `${field} ${level} ${weight > 0 ? '+' : ''}${weight.toFixed(1)}`,
  );
  // a reason of its own, first, for the reviewer: two valid IDs one keystroke apart are one ID mistyped, or two people
  if (levels.personalId === 'slip') reasons.unshift(ID_ONE_DIGIT_REASON);
  return { score, levels, reasons };
}

const BEST = new WeakMap<LevelWeights, Record<ComparedField, number>>();

/** Each field's highest weight (what it adds at best). */
function bestWeights(weights: LevelWeights): Record<ComparedField, number> {
  let best = BEST.get(weights);
  if (!best) {
    best = Object.fromEntries(
      COMPARED_FIELDS.map((field) => [
        field,
        Math.max(...Object.values(weights[field] as Record<string, number>)),
      ]),
    ) as Record<ComparedField, number>;
    BEST.set(weights, best);
  }
  return best;
}

/**
 * Whether two records certainly score below `floor`: the cheap fields (date, sex, ID, places) scored, the three
 * names counted at their best weight. Exact, never a guess: when it says yes, scoreMatch gives less than `floor`.
 * The link pass asks it before scoring a pair: most pairs in a large group (one family name, sex and birthday)
 * are two people whose IDs or places differ, and the names are the costly comparisons.
 */
export function scoreBelow(
  a: LinkableRecord,
  b: LinkableRecord,
  floor: number,
  weights: LevelWeights = LEVEL_WEIGHTS,
): boolean {
  const best = bestWeights(weights);
  const relative = (field: 'fatherName' | 'motherName') =>
    a[field] && b[field] ? best[field] : weights[field].missing;
  const bound =
    weights.dateOfBirth[compareDates(a.dateOfBirth, b.dateOfBirth)] +
    weights.sex[a.sex === b.sex ? 'exact' : 'different'] +
    weights.personalId[compareIds(a.personalId, b.personalId)] +
    weights.birthRegistrationPlace[comparePlaces(a.birthRegistrationPlace, b.birthRegistrationPlace)] +
    weights.hometown[comparePlaces(a.hometown, b.hometown)] +
    best.fullName +
    relative('fatherName') +
    relative('motherName');
  // a hair below the floor: the bound adds the weights in another order than scoreMatch, so a pair scoring the
  // floor exactly could differ from it in the last bit
  return bound < floor - 1e-9;
}

/**
 * Two IDs one apart in the last digit: consecutive numbers, as twins registered together may be issued. A one-digit
 * difference anywhere else is a keystroke, not an issuing order.
 */
function consecutiveIds(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || a.length !== b.length || a.slice(0, -1) !== b.slice(0, -1)) return false;
  return Math.abs(a.charCodeAt(a.length - 1) - b.charCodeAt(b.length - 1)) === 1;
}

/**
 * Levels that stop an automatic merge whatever the score. The name is what tells twins and siblings apart
 * (the same household agrees on every other field, which an additive score cannot see), so a different
 * name, or given names a slip apart (Hằng/Hồng: a typo, or a twin), go to a person; so does a different
 * date of birth (a father and his namesake son) and two different IDs (an ID names one person). Except when the
 * two IDs are one keystroke apart (not consecutive numbers): a twin has an ID of its own, so valid IDs a slip apart
 * say that the names are one person's written twice, and the score alone decides.
 */
export function mergeBlockers(levels: ComparisonVector, ids?: { a?: string; b?: string }): ComparedField[] {
  const blockers: ComparedField[] = [];
  const idSlip = levels.personalId === 'slip' && ids !== undefined && !consecutiveIds(ids.a, ids.b);
  if ((levels.fullName === 'different' || levels.fullName === 'givenTypo') && !idSlip)
    blockers.push('fullName');
  if (levels.dateOfBirth === 'different') blockers.push('dateOfBirth');
  if (levels.personalId === 'different') blockers.push('personalId');
  return blockers;
}

/** What a score means for the register: at most `review` when a merge blocker is present. */
export function decide(
  score: number,
  levels?: ComparisonVector,
  thresholds: LinkThresholds = LINK_THRESHOLDS,
  ids?: { a?: string; b?: string },
): LinkDecision {
  if (score >= thresholds.upper) return levels && mergeBlockers(levels, ids).length > 0 ? 'review' : 'match';
  return score >= thresholds.lower ? 'review' : 'distinct';
}

/** `decide` for a scored pair of records: their IDs say whether a name that differs may still merge. */
export function decidePair(
  match: Pick<MatchScore, 'score' | 'levels'>,
  a: Pick<LinkableRecord, 'personalId'>,
  b: Pick<LinkableRecord, 'personalId'>,
  thresholds?: LinkThresholds,
): LinkDecision {
  return decide(match.score, match.levels, thresholds, { a: a.personalId, b: b.personalId });
}
