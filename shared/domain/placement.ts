// Where a person counts (issue 18, coverage): the commune of their permanent address, and, when they live elsewhere,
// the commune of their current address, where they are a temporary resident. A form gives each address as a commune
// code, as text, or both; a code is read in the vintage that holds it, the text is resolved against the official
// units (address-resolver.ts). Never a guess: what cannot be told is `unplaced`, with its reason, and counted apart.
// Like the resolver, this reads the unit data: the functions that validate records must not import it.
import { resolveAddress, type UnitRef, type UnplacedReason } from './address-resolver.ts';
import { successors2025Of, unitOf, type Vintage } from './units.ts';

export type PlacementMiss =
  /** neither a code nor a text */
  | 'no-address'
  /** a code no list holds, and no text to place instead */
  | 'code-unknown'
  /** a code both lists hold (a different commune in each), and no text that picks one */
  | 'code-ambiguous'
  /** the text alone, unplaced by the resolver for this reason */
  | `text-${Exclude<UnplacedReason, 'empty'>}`;

export type Placement =
  | {
      status: 'placed';
      commune: UnitRef;
      /** what placed it: the code (its text agreeing or absent), the text alone, or the text choosing the code's vintage */
      by: 'code' | 'text' | 'code-and-text';
      /** the code and the text name different communes: placed by the code, which an officer typed from a list */
      textDisagrees?: true;
    }
  | { status: 'unplaced'; reason: PlacementMiss };

const VINTAGES: readonly Vintage[] = [2020, 2025];

/** The communes a code names, one per vintage whose list holds it as a commune. */
function communesOfCode(code: string): UnitRef[] {
  return VINTAGES.filter((vintage) => unitOf(vintage, code)?.level === 'commune').map((vintage) => ({
    code,
    vintage,
  }));
}

/**
 * Whether two communes are one place: the same code in the same vintage, or a 2020 commune that went whole into the
 * 2025 one. A 2020 commune split among several 2025 communes is the same as none of them: which part is not known.
 */
export function sameCommune(a: UnitRef, b: UnitRef): boolean {
  if (a.vintage === b.vintage) return a.code === b.code;
  const [old, now] = a.vintage === 2020 ? [a, b] : [b, a];
  const parts = successors2025Of(old.code);
  return parts.length === 1 && parts[0]?.full === true && parts[0].code === now.code;
}

/** One address, its code and its text, placed in a commune or not. */
export function placeAddress(code: string | undefined, text: string | undefined): Placement {
  const given = code?.trim() ?? '';
  const written = text?.trim() ?? '';
  if (!given && !written) return { status: 'unplaced', reason: 'no-address' };
  const fromText = written ? resolveAddress(written, { vintage: 'either' }) : undefined;
  const byText = fromText?.status === 'placed' ? fromText.commune : undefined;
  const candidates = given ? communesOfCode(given) : [];
  if (candidates.length === 1) {
    const [commune] = candidates as [UnitRef];
    if (byText && !sameCommune(commune, byText)) {
      return { status: 'placed', commune, by: 'code', textDisagrees: true };
    }
    return { status: 'placed', commune, by: 'code' };
  }
  if (candidates.length > 1) {
    // 23869 is Ia Kla in 2020 and Ia Dơk in 2025: the text says which, or nothing does
    const chosen =
      byText &&
      (candidates.find(
        (candidate) => candidate.vintage === byText.vintage && candidate.code === byText.code,
      ) ??
        candidates.find((candidate) => sameCommune(candidate, byText)));
    return chosen
      ? { status: 'placed', commune: chosen, by: 'code-and-text' }
      : { status: 'unplaced', reason: 'code-ambiguous' };
  }
  if (byText) return { status: 'placed', commune: byText, by: 'text' };
  if (fromText?.status !== 'unplaced' || fromText.reason === 'empty') {
    return { status: 'unplaced', reason: given ? 'code-unknown' : 'no-address' };
  }
  return { status: 'unplaced', reason: `text-${fromText.reason}` };
}

export interface PersonAddresses {
  permanent_commune_code?: string;
  permanent_address?: string;
  current_commune_code?: string;
  current_address?: string;
}

export interface PersonPlacement {
  /** the commune the person belongs to: their permanent address */
  permanent: Placement;
  /**
   * where they live when that is another commune (a temporary resident there): absent when they live at their
   * permanent address, when no current address is given, or when it cannot be told apart from the permanent one
   */
  temporary?: Placement & { status: 'placed' };
}

/** Where a person counts: their permanent commune, and the commune they live in when it is another. */
export function placePerson(record: PersonAddresses): PersonPlacement {
  const permanent = placeAddress(record.permanent_commune_code, record.permanent_address);
  const current = placeAddress(record.current_commune_code, record.current_address);
  if (current.status !== 'placed') return { permanent };
  if (permanent.status === 'placed' && sameCommune(permanent.commune, current.commune)) return { permanent };
  // a 2020 commune split in 2025 beside one of its parts: maybe the same place; never counted twice by guess
  if (permanent.status === 'placed' && mayBeSame(permanent.commune, current.commune)) return { permanent };
  return { permanent, temporary: current };
}

/** A 2020 commune split among several 2025 communes, and one of those: the same place or not, unknown. */
function mayBeSame(a: UnitRef, b: UnitRef): boolean {
  if (a.vintage === b.vintage) return false;
  const [old, now] = a.vintage === 2020 ? [a, b] : [b, a];
  return successors2025Of(old.code).some((part) => part.code === now.code);
}

/**
 * The rule the issue adds once the resolver exists: the current commune code and the current address text name
 * different communes (both placed, not one place). A warning: the code is kept.
 */
export function currentAddressDisagrees(record: PersonAddresses): boolean {
  const placed = placeAddress(record.current_commune_code, record.current_address);
  return placed.status === 'placed' && placed.textDisagrees === true;
}
