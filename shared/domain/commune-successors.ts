// Where each commune of the 2020-era lists went on 1 July 2025: for rolling counts up to 2025 units. Kept out of
// reference.ts, which every function bundle holds: validation needs only the valid codes (communes.packed.json),
// and this table is 240 KB of JSON.
import table from '../data/commune-successors.json' with { type: 'json' };

/** A 2025 commune an older one went into: `whole` when all of it did, else a part (the old commune was split). */
export interface CommuneSuccessor {
  code: string;
  whole: boolean;
}

const successors = table.successors as Record<string, string[]>;

/**
 * The 2025 communes a commune code of the 2020 list (or an interim one) went into, several for a split commune;
 * a 2025 code that kept its number is among its own successors. Empty when the mapping does not know the code.
 */
export function successorsOf(code: string): CommuneSuccessor[] {
  const list = Object.hasOwn(successors, code) ? successors[code] : undefined;
  return (list ?? []).map((entry) => ({ code: entry.slice(0, 5), whole: entry.endsWith(':full') }));
}
