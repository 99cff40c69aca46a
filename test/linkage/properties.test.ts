import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { blockingKeys, filingKeys } from '../../shared/linkage/blocking.ts';
import { COMPARED_FIELDS, type LinkableRecord } from '../../shared/linkage/compare.ts';
import { scoreMatch } from '../../shared/linkage/score.ts';
import { generateLinkageRegister } from '../../tools/synthetic/linkage.ts';
import { applyNoise, NOISE_KINDS, type NoiseKind } from '../../tools/synthetic/noise.ts';
import { Rng } from '../../tools/synthetic/rng.ts';

const register = generateLinkageRegister({ rows: 2000, seed: 'properties', duplicateRate: 0.2 });
const records = register.map((row) => row.record);
const anyRecord = fc.integer({ min: 0, max: records.length - 1 }).map((i) => records[i] as PopulationRecord);
const anyNoise = fc.constantFrom(...NOISE_KINDS);

/** The record with a kind of noise applied (itself when the kind does not apply), from a seed. */
function noisy(record: PopulationRecord, kind: NoiseKind, seed: number): PopulationRecord {
  const context = {
    rng: new Rng(seed),
    newAddress: () => 'Tổ 5, Phường Trà Bá, Thành phố Pleiku, Tỉnh Gia Lai',
  };
  return applyNoise(kind, record, context) ?? record;
}

const nfd = (record: PopulationRecord) =>
  applyNoise('nfd', record, { rng: new Rng(0), newAddress: () => '' });

describe('scoring', () => {
  it('is symmetric: a pair scores the same whichever record arrives first', () => {
    fc.assert(
      fc.property(anyRecord, anyRecord, anyNoise, fc.nat(), (a, b, kind, seed) => {
        const c = noisy(a, kind, seed);
        expect(scoreMatch(c, a).score).toBeCloseTo(scoreMatch(a, c).score, 9);
        expect(scoreMatch(a, b).score).toBeCloseTo(scoreMatch(b, a).score, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('gives NFD and NFC text the same score and levels', () => {
    fc.assert(
      fc.property(anyRecord, anyNoise, fc.nat(), (a, kind, seed) => {
        const b = noisy(a, kind, seed);
        const nfc = scoreMatch(b, a);
        const decomposed = scoreMatch(nfd(b) as PopulationRecord, nfd(a) as PopulationRecord);
        expect(decomposed.levels).toEqual(nfc.levels);
        expect(decomposed.score).toBeCloseTo(nfc.score, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('reads only the compared fields: a projection onto them scores the same as the whole record', () => {
    const project = (r: PopulationRecord): LinkableRecord =>
      Object.fromEntries(COMPARED_FIELDS.map((field) => [field, r[field]])) as LinkableRecord;
    fc.assert(
      fc.property(anyRecord, anyNoise, fc.nat(), (a, kind, seed) => {
        const b = noisy(a, kind, seed);
        expect(scoreMatch(project(b), project(a))).toEqual(scoreMatch(b, a));
        expect(blockingKeys(project(b))).toEqual(blockingKeys(b));
      }),
      { numRuns: 200 },
    );
  });

  it('scores a record against itself above any noisy copy of it', () => {
    fc.assert(
      fc.property(anyRecord, anyNoise, fc.nat(), (a, kind, seed) => {
        expect(scoreMatch(a, a).score).toBeGreaterThanOrEqual(scoreMatch(noisy(a, kind, seed), a).score);
      }),
      { numRuns: 300 },
    );
  });
});

describe('blocking keys', () => {
  it.each(['nfd', 'tonePlacement', 'dayMonthSwap', 'strippedDiacritics'] as const)(
    'are unchanged by %s',
    (kind) => {
      fc.assert(
        fc.property(anyRecord, fc.nat(), (a, seed) => {
          expect(blockingKeys(noisy(a, kind, seed))).toEqual(blockingKeys(a));
          expect(filingKeys(noisy(a, kind, seed))).toEqual(filingKeys(a));
        }),
        { numRuns: 200 },
      );
    },
  );

  it('are at most three to look up, and always found among the keys the same record is filed under', () => {
    fc.assert(
      fc.property(anyRecord, (a) => {
        const lookups = blockingKeys(a);
        expect(lookups.length).toBeLessThanOrEqual(3);
        expect(new Set(filingKeys(a))).toEqual(new Set([...filingKeys(a), ...lookups]));
        expect(lookups.join(' ')).not.toMatch(/\d{4}-\d{2}-\d{2}|nguyen/i);
      }),
      { numRuns: 200 },
    );
  });
});
