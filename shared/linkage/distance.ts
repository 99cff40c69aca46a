// The string distance for comparing short names. Written here rather than taken from npm: the candidate
// (damerau-levenshtein 1.0.8) is untyped CommonJS and offers no optimal-string-alignment variant with an early
// cut-off; it is tested against published values.

/**
 * Optimal string alignment distance (restricted Damerau–Levenshtein): insertions, deletions, substitutions
 * and transpositions of adjacent characters, each substring edited once. Returns `max + 1` as soon as the
 * distance must exceed `max`, so comparing against a small bound stays cheap.
 */
export function osaDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  let previous2 = new Array<number>(lb + 1).fill(0);
  let previous = Array.from({ length: lb + 1 }, (_, j) => j);
  let current = new Array<number>(lb + 1).fill(0);
  for (let i = 1; i <= la; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let d = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        d = Math.min(d, (previous2[j - 2] as number) + 1);
      }
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [previous2, previous, current] = [previous, current, previous2];
  }
  const distance = previous[lb] as number;
  return distance > max ? max + 1 : distance;
}
