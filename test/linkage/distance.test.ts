import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { osaDistance } from '../../shared/linkage/distance.ts';

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
