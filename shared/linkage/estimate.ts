// Estimating m and u from labelled candidate pairs (the generator knows who is who). u comes from the
// non-matching pairs that blocking actually brings together, not from random pairs: siblings and namesakes
// share parents, dates and places far more often than strangers do, and they are the pairs to tell apart.
import { COMPARED_FIELDS, COMPARISON_LEVELS, type ComparisonVector } from './compare.ts';
import type { WeightTable } from './weights.ts';

export interface LabelledPair {
  levels: ComparisonVector;
  /** ground truth: the two records are about the same person */
  match: boolean;
}

/** Additive smoothing: a level never seen in one class still gets a finite weight. */
const PSEUDO_COUNT = 0.5;
/** The generator cannot show every real-world slip: no level is treated as rarer than 1 in 1000 (±10 bits). */
const FLOOR = 0.001;

/** m and u per field and level, smoothed; `missing` is pinned to m = u (no evidence either way). */
export function estimateWeights(pairs: readonly LabelledPair[], derivedFrom: string): WeightTable {
  const fields: WeightTable['fields'] = {};
  const matches = pairs.filter((pair) => pair.match);
  const nonMatches = pairs.filter((pair) => !pair.match);
  for (const field of COMPARED_FIELDS) {
    const levels = COMPARISON_LEVELS[field] as readonly string[];
    const share = (group: readonly LabelledPair[], level: string): number => {
      let count = 0;
      for (const pair of group) if (pair.levels[field] === level) count++;
      return Math.max(FLOOR, (count + PSEUDO_COUNT) / (group.length + PSEUDO_COUNT * levels.length));
    };
    const entry: Record<string, { m: number; u: number }> = {};
    for (const level of levels) {
      if (level === 'missing') {
        entry[level] = { m: 1, u: 1 };
        continue;
      }
      entry[level] = { m: round(share(matches, level)), u: round(share(nonMatches, level)) };
    }
    fields[field] = exactStrongest(entry);
  }
  return { derivedFrom, fields };
}

/**
 * No near agreement may outweigh an exact one. Among blocked pairs it can (an exact name is common among
 * the namesakes a date block brings together, a stripped one is not), which would make a clean copy score
 * below a noisy one; exact then takes the strongest level's weight (its u lowered to match).
 */
function exactStrongest(
  entry: Record<string, { m: number; u: number }>,
): Record<string, { m: number; u: number }> {
  const exact = entry.exact;
  if (!exact) return entry;
  const strongest = Math.max(...Object.values(entry).map(({ m, u }) => Math.log2(m / u)));
  if (Math.log2(exact.m / exact.u) >= strongest) return entry;
  return { ...entry, exact: { m: exact.m, u: roundDown(exact.m / 2 ** strongest) } };
}

/** Four significant digits, rounded down, so that a weight computed from it is never below the target. */
function roundDown(p: number): number {
  const rounded = round(p);
  return rounded <= p ? rounded : round(rounded - 10 ** (Math.floor(Math.log10(p)) - 3));
}

function round(p: number): number {
  return Number(p.toPrecision(4));
}
