// The Fellegi–Sunter table: for each field and level, m = P(level | same person) and u = P(level | different
// persons among blocked candidates); the level's weight is log2(m/u) bits. Values live in weights.json,
// derived by `npm run bench:linkage -- --derive` (see estimate.ts and docs/linkage.md).
// zod/mini, as shared/domain/record.ts: the register bundles this
import * as z from 'zod/mini';
import { COMPARED_FIELDS, COMPARISON_LEVELS, type ComparedField, type ComparisonLevel } from './compare.ts';
import table from './weights.json' with { type: 'json' };

const probability = z.number().check(z.positive(), z.maximum(1));
const Probabilities = z.object({ m: probability, u: probability });

/** One field's levels with their m and u. */
const FieldWeights = z.record(z.string(), Probabilities);

/** The table as stored: field → level → { m, u }, plus where it came from. */
export const WeightTable = z.object({
  derivedFrom: z.string(),
  fields: z.record(z.string(), FieldWeights),
});
export type WeightTable = z.infer<typeof WeightTable>;

/** Per field, per level: the weight in bits. */
export type LevelWeights = { [F in ComparedField]: Record<ComparisonLevel<F>, number> };

/** Weights in bits from a table, checking that every field and level has its m and u. */
export function levelWeights(weightTable: WeightTable): LevelWeights {
  const weights = {} as Record<string, Record<string, number>>;
  for (const field of COMPARED_FIELDS) {
    const levels: Record<string, number> = {};
    for (const level of COMPARISON_LEVELS[field]) {
      const p = weightTable.fields[field]?.[level];
      if (!p) throw new Error(`weights: no m/u for ${field}=${level}`);
      levels[level] = Math.log2(p.m / p.u);
    }
    weights[field] = levels;
  }
  return weights as LevelWeights;
}

/** The table the scorer uses. */
export const WEIGHT_TABLE = WeightTable.parse(table);
export const LEVEL_WEIGHTS = levelWeights(WEIGHT_TABLE);
