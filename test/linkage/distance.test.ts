import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler, osaDistance } from '../../shared/linkage/distance.ts';

describe('jaro and jaroWinkler', () => {
  // the published examples: Winkler (1990) and the Wikipedia article on Jaro–Winkler distance
  it.each([
    ['MARTHA', 'MARHTA', 0.9444, 0.9611],
    ['DWAYNE', 'DUANE', 0.8222, 0.84],
    ['DIXON', 'DICKSONX', 0.7667, 0.8133],
    ['CRATE', 'TRACE', 0.7333, 0.7333],
  ])('%s / %s: Jaro %f, Jaro–Winkler %f', (a, b, j, jw) => {
    expect(jaro(a, b)).toBeCloseTo(j, 4);
    expect(jaroWinkler(a, b)).toBeCloseTo(jw, 4);
  });

  it('is 1 for equal strings and 0 with nothing in common or an empty side', () => {
    expect(jaroWinkler('hung', 'hung')).toBe(1);
    expect(jaro('abc', 'xyz')).toBe(0);
    expect(jaro('', 'abc')).toBe(0);
  });

  it('is symmetric and within [0, 1]', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const x = jaroWinkler(a, b);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1 + 1e-12);
        expect(jaro(a, b)).toBeCloseTo(jaro(b, a), 12);
      }),
    );
  });
});

describe('osaDistance', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['abcdef', 'abcdfe', 1],
    ['nguyen', 'ngyuen', 1],
    ['a cat', 'an act', 2],
    // the optimal-string-alignment variant edits a substring once: CA → ABC costs 3 (true Damerau–Levenshtein: 2)
    ['CA', 'ABC', 3],
    ['', 'abc', 3],
    ['hung', 'hung', 0],
  ])('%s / %s: %i', (a, b, d) => {
    expect(osaDistance(a, b)).toBe(d);
    expect(osaDistance(b, a)).toBe(d);
  });

  it('stops at max + 1 once the distance must exceed the bound', () => {
    expect(osaDistance('kitten', 'sitting', 1)).toBe(2);
    expect(osaDistance('abc', 'abcdefgh', 2)).toBe(3);
    expect(osaDistance('kitten', 'sitting', 3)).toBe(3);
  });

  it('is a symmetric count bounded by the longer length, zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (a, b) => {
        const d = osaDistance(a, b);
        expect(d).toBe(osaDistance(b, a));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d === 0).toBe(a === b);
      }),
    );
  });
});
