import { describe, expect, it } from 'vitest';
import type { ComparisonVector } from '../../shared/linkage/compare.ts';
import { estimateWeights, type LabelledPair } from '../../shared/linkage/estimate.ts';
import { LEVEL_WEIGHTS, levelWeights, WEIGHT_TABLE } from '../../shared/linkage/weights.ts';

const agreeing: ComparisonVector = {
  fullName: 'exact',
  dateOfBirth: 'exact',
  sex: 'exact',
  birthRegistrationPlace: 'exact',
  hometown: 'exact',
  fatherName: 'exact',
  motherName: 'missing',
  personalId: 'missing',
};

function pairs(match: boolean, count: number, levels: Partial<ComparisonVector>): LabelledPair[] {
  return Array.from({ length: count }, () => ({ levels: { ...agreeing, ...levels }, match }));
}

describe('estimateWeights', () => {
  const table = estimateWeights(
    [
      ...pairs(true, 900, {}),
      ...pairs(true, 100, { dateOfBirth: 'swap' }),
      ...pairs(false, 500, { dateOfBirth: 'different', fullName: 'different' }),
      ...pairs(false, 500, { dateOfBirth: 'year', fullName: 'different' }),
    ],
    'test',
  );

  it('counts levels among matches (m) and non-matches (u), smoothed', () => {
    // (900 + 0.5) / (1000 + 0.5 × 5 levels)
    expect(table.fields.dateOfBirth?.swap?.m).toBeCloseTo(100.5 / 1002.5, 4);
    expect(table.fields.dateOfBirth?.different?.u).toBeCloseTo(500.5 / 1002.5, 4);
  });

  it('never goes below 1/1000, and pins missing to m = u', () => {
    expect(table.fields.dateOfBirth?.different?.m).toBe(0.001);
    expect(table.fields.motherName?.missing).toEqual({ m: 1, u: 1 });
  });

  it('gives exact at least the weight of any other level of the field', () => {
    const weights = levelWeights(table);
    for (const levels of Object.values(weights)) {
      const values = Object.values(levels as Record<string, number>);
      const exact = (levels as Record<string, number>).exact;
      if (exact !== undefined) expect(exact).toBeGreaterThanOrEqual(Math.max(...values) - 1e-9);
    }
  });

  it('refuses a table that lacks a level', () => {
    const { fullName: _, ...rest } = table.fields;
    expect(() => levelWeights({ ...table, fields: rest })).toThrow(/fullName/);
  });
});

describe('the stored weights', () => {
  it('cover every level, say where they came from, and point the right way', () => {
    expect(WEIGHT_TABLE.derivedFrom).toMatch(/bench\/linkage --derive/);
    expect(LEVEL_WEIGHTS.fullName.exact).toBeGreaterThan(0);
    expect(LEVEL_WEIGHTS.fullName.different).toBeLessThan(0);
    expect(LEVEL_WEIGHTS.dateOfBirth.different).toBeLessThan(0);
    expect(LEVEL_WEIGHTS.personalId.slip).toBeGreaterThan(0);
    expect(LEVEL_WEIGHTS.personalId.different).toBeLessThan(0);
    expect(LEVEL_WEIGHTS.motherName.missing).toBe(0);
  });
});
