// What GET /coverage and `npm run coverage` show of a unit (docs/coverage.md, "The numbers out"): its counts, its
// expected residents and one line per unit directly below, in the vintage asked. Counter items and references are
// kept in the vintage their codes were read in; this module moves them into the vintage of the view, and only where
// the unit list says a unit lies wholly within another: a 2020 commune split by the 2025 reorganisation (or a 2025
// commune formed from several 2020 ones) is never divided by guess, but shown as its own "not assigned" line under
// the smallest unit known to hold all of it. No AWS here: the reads come in through the ports.
import type { UnitLevel, UnitRegistry, Vintage } from '#domain/units.ts';
import {
  type CounterItem,
  type Counts,
  type CoverageCounters,
  type ProvinceReference,
  type ReferencePopulations,
  zeroCounts,
} from '../model/coverage.ts';

/** The figures of one unit (or one not-assigned line). */
export interface CoverageFigures {
  unit: { code: string; level: UnitLevel; name: string; vintage?: Vintage };
  /** persons belonging to it (their newest accepted form): collected, expected and the share */
  permanent: { residents: number | null; collected: number; percent: number | null };
  /** persons living in it while belonging elsewhere */
  temporary: { residents: number | null; collected: number };
  /** forms, by the commune their own permanent address names */
  forms: Pick<Counts, 'received' | 'rejected' | 'recollected' | 'duplicate' | 'updated' | 'conflict'>;
  /** forms that could not be placed, uploaded by agencies whose unit lies within this one */
  unplaced: number;
  /**
   * a not-assigned line above this unit overlaps it (a split commune a part of which lies here): its figures are
   * in that line, not in this unit's
   */
  partial?: true;
  /** a code of the other vintage that no single unit of the view holds whole: its own line */
  notAssigned?: true;
  /** a not-assigned line whose parts lie in several provinces of the view: shown in each, counted in none */
  acrossProvinces?: true;
}

export interface CoverageView extends CoverageFigures {
  vintage: Vintage;
  /** the as-of date of the expected residents (the earliest, when several references were read); null: none */
  asOf: string | null;
  /** the expected residents were read in the other vintage and moved into this one as far as units went whole */
  residentsMapped: boolean;
  children: CoverageFigures[];
}

/** The province partitions a view reads: its own province, and the other vintage's provinces that overlap it. */
export interface ProvinceRef {
  vintage: Vintage;
  province: string;
}

export type CoverageUnits = Pick<
  UnitRegistry,
  | 'unitOf'
  | 'childrenOf'
  | 'ancestorsOf'
  | 'successors2025Of'
  | 'parts2020Of'
  | 'province2025Of'
  | 'provinces2020Of'
>;

const other = (vintage: Vintage): Vintage => (vintage === 2020 ? 2025 : 2020);

/** A unit and those above it, the province first; empty for a code the vintage does not know. */
function chainOf(units: CoverageUnits, vintage: Vintage, code: string): string[] {
  if (!units.unitOf(vintage, code)) return [];
  return [
    ...units
      .ancestorsOf(vintage, code)
      .map((unit) => unit.code)
      .reverse(),
    code,
  ];
}

/** The smallest unit holding all of `codes` (by their chains); undefined when they share no province. */
function commonUnit(units: CoverageUnits, vintage: Vintage, codes: readonly string[]): string | undefined {
  let common: string[] | undefined;
  for (const code of codes) {
    const chain = chainOf(units, vintage, code);
    if (chain.length === 0) return undefined;
    if (!common) {
      common = chain;
      continue;
    }
    let same = 0;
    while (same < common.length && same < chain.length && common[same] === chain[same]) same++;
    common = common.slice(0, same);
  }
  return common?.at(-1);
}

/** The province of a unit in its vintage (itself for a province). */
const provinceOf = (units: CoverageUnits, vintage: Vintage, code: string) => chainOf(units, vintage, code)[0];

/** The provinces of vintage `view` that a province of the other vintage lies in (one, or several it was split from). */
function provincesIn(units: CoverageUnits, view: Vintage, province: string): string[] {
  if (view === 2025) {
    const into = units.province2025Of(province);
    return into ? [into] : [];
  }
  return units.provinces2020Of(province);
}

/**
 * Where a unit of `vintage` lies in vintage `view`: the smallest unit known to hold it whole (`within`), or none,
 * with the view's provinces it touches; and the units of the view it overlaps (`pieces`).
 */
interface Placing {
  within?: string;
  provinces: string[];
  pieces: string[];
}

function placeIn(units: CoverageUnits, view: Vintage, vintage: Vintage, code: string, home: string): Placing {
  const unit = units.unitOf(vintage, code);
  if (vintage === view) {
    if (unit) return { within: code, provinces: [], pieces: [code] };
    // a code its own vintage does not know (an item written before a list was corrected): its province holds it
    return units.unitOf(view, home)
      ? { within: home, provinces: [home], pieces: [] }
      : { provinces: [], pieces: [] };
  }
  // the view's provinces the item's own province lies in: the last word when nothing nearer is known
  const homes = provincesIn(units, view, home);
  const fallback = (pieces: string[]): Placing => {
    const touched = [
      ...new Set(pieces.map((piece) => provinceOf(units, view, piece)).filter((p) => p !== undefined)),
    ];
    const provinces = touched.length > 0 ? touched : homes;
    return provinces.length === 1 ? { within: provinces[0], provinces, pieces } : { provinces, pieces };
  };
  if (!unit) return fallback([]);
  if (unit.level === 'province') return fallback(provincesIn(units, view, code));
  if (unit.level === 'district') {
    // a 2020 district: where its communes all went
    const placings = units
      .childrenOf(vintage, code)
      .map((child) => placeIn(units, view, vintage, child.code, home));
    const pieces = [...new Set(placings.flatMap((placing) => placing.pieces))];
    const within = placings.every((placing) => placing.within !== undefined)
      ? commonUnit(
          units,
          view,
          placings.map((placing) => placing.within ?? ''),
        )
      : undefined;
    return within ? { within, provinces: [], pieces } : fallback(pieces);
  }
  if (view === 2020) {
    // a 2025 commune lies within the smallest 2020 unit holding every unit it was formed from (a piece of one 2020
    // commune: within that commune)
    const pieces = units.parts2020Of(code).map((part) => part.code);
    const within = pieces.length > 0 ? commonUnit(units, 2020, pieces) : undefined;
    return within ? { within, provinces: [], pieces } : fallback(pieces);
  }
  // a 2020 commune lies within the 2025 commune it went into whole; split, within what holds all its pieces
  const parts = units.successors2025Of(code);
  const pieces = parts.map((part) => part.code);
  const [only] = parts;
  if (parts.length === 1 && only?.full) return { within: only.code, provinces: [], pieces };
  // a single part of it is not all of it: where the rest went is not listed
  const within = parts.length > 1 ? commonUnit(units, 2025, pieces) : undefined;
  return within ? { within, provinces: [], pieces } : fallback(pieces);
}

/** One line of the view: a commune of the view's vintage, or a not-assigned code of the other vintage. */
interface Line {
  code: string;
  vintage: Vintage;
  /** a commune of the view (else a line of its own, not assigned to one) */
  assigned: boolean;
  /** the chain of the unit holding it, province first; empty for a line across provinces */
  chain: string[];
  /** the view's provinces an across-provinces line is shown in */
  across: string[];
  /** the chains of the units of the view it overlaps (a not-assigned line) */
  pieces: string[][];
  counts: Counts;
  residents?: { permanent: number; temporary: number };
}

const add = (into: Counts, counts: Counts) => {
  for (const key of Object.keys(into) as (keyof Counts)[]) into[key] += counts[key];
};

/**
 * collected ÷ residents × 100, two decimals, half up, in whole numbers: in floating point 57 / 800 × 10,000 is
 * 712.4999…, and an exact half (7.125 %) would round down. Negative counts (a recount under way) round the same way.
 */
const percentOf = (collected: number, residents: number | null) =>
  residents ? Math.floor((collected * 20_000 + residents) / (2 * residents)) / 100 : null;

function lineName(units: CoverageUnits, line: Line, view: Vintage): string {
  const unit = units.unitOf(line.vintage, line.code);
  const name = unit?.name ?? line.code;
  if (!unit) return `${name} (${line.vintage}, unknown)`;
  if (line.vintage === 2020 && view === 2025 && unit.level === 'commune') {
    // split between 2025 communes, or merged away before 2025 lists knew it
    return units.successors2025Of(line.code).length > 0
      ? `${name} (2020, split, not assigned)`
      : `${name} (2020, not assigned)`;
  }
  return `${name} (${line.vintage}, not assigned)`;
}

/** The province partitions of counter items a view of `code` reads: its own, and the other vintage's overlapping. */
export function coverageProvinces(units: CoverageUnits, vintage: Vintage, code: string): ProvinceRef[] {
  const province = provinceOf(units, vintage, code);
  if (!province) return [];
  return [
    { vintage, province },
    ...provincesIn(units, other(vintage), province).map((p) => ({ vintage: other(vintage), province: p })),
  ];
}

export interface RollupInput {
  vintage: Vintage;
  /** a unit of `vintage` */
  unit: string;
  /** the counter items of the partitions `coverageProvinces` names */
  items: readonly CounterItem[];
  /** the newest references of the same partitions: the view's vintage's are used when there are any */
  references: readonly ProvinceReference[];
}

/** The view of a unit; undefined for a code its vintage does not know. */
export function rollup(units: CoverageUnits, input: RollupInput): CoverageView | undefined {
  const { vintage: view } = input;
  const target = units.unitOf(view, input.unit);
  if (!target) return undefined;
  const lines = new Map<string, Line>();
  const lineOf = (vintage: Vintage, code: string, home: string): Line => {
    const placing = placeIn(units, view, vintage, code, home);
    const within = placing.within;
    // a commune of the view is its own line; anything else is held only by a bigger unit: a line of its own
    const own = within !== undefined && units.unitOf(view, within)?.level === 'commune';
    const key = own ? `${view}:${within}` : `${vintage}:${code}`;
    let line = lines.get(key);
    if (!line) {
      line = {
        code: own ? within : code,
        vintage: own ? view : vintage,
        assigned: own,
        chain: within ? chainOf(units, view, within) : [],
        across: within ? [] : placing.provinces,
        pieces: own ? [] : placing.pieces.map((piece) => chainOf(units, view, piece)),
        counts: zeroCounts(),
      };
      lines.set(key, line);
    }
    return line;
  };

  const unplaced: { chain: string[]; forms: number }[] = [];
  for (const { place, counts } of input.items) {
    if (place.kind === 'unplaced') {
      const { within } = placeIn(units, view, place.vintage, place.agencyUnit, place.province);
      // an agency unit no unit of the view holds whole: its unplaced forms are in no unit of this view
      if (within) unplaced.push({ chain: chainOf(units, view, within), forms: counts.received });
      continue;
    }
    if (place.kind === 'notAssigned') {
      // a commune of the other list the form could not assign in this one (shared/coverage/places.ts): its own line
      const vintage = other(place.vintage);
      const home =
        units.ancestorsOf(vintage, place.code).find((unit) => unit.level === 'province')?.code ??
        place.province;
      add(lineOf(vintage, place.code, home).counts, counts);
      continue;
    }
    add(lineOf(place.vintage, place.code, place.province).counts, counts);
  }

  const own = input.references.filter((reference) => reference.vintage === view);
  const references =
    own.length > 0 ? own : input.references.filter((reference) => reference.vintage !== view);
  for (const reference of references) {
    for (const [code, figures] of Object.entries(reference.communes)) {
      const line = lineOf(reference.vintage, code, reference.province);
      line.residents ??= { permanent: 0, temporary: 0 };
      line.residents.permanent += figures.permanent;
      line.residents.temporary += figures.temporary;
    }
  }

  const all = [...lines.values()];
  const figuresOf = (code: string, inside: (line: Line) => boolean, base: CoverageFigures['unit']) => {
    const counts = zeroCounts();
    let residents: { permanent: number; temporary: number } | undefined;
    for (const line of all.filter(inside)) {
      add(counts, line.counts);
      if (line.residents) {
        residents ??= { permanent: 0, temporary: 0 };
        residents.permanent += line.residents.permanent;
        residents.temporary += line.residents.temporary;
      }
    }
    const partial = all.some(
      (line) => !line.assigned && !inside(line) && line.pieces.some((chain) => chain.includes(code)),
    );
    return figures(base, counts, residents, 0, partial);
  };
  const unplacedIn = (code: string) =>
    unplaced.filter((entry) => entry.chain.includes(code)).reduce((sum, entry) => sum + entry.forms, 0);

  const unitBase = (code: string) => {
    const unit = units.unitOf(view, code);
    return { code, level: unit?.level ?? 'commune', name: unit?.name ?? code };
  };
  const children: CoverageFigures[] = [];
  for (const child of units.childrenOf(view, target.code)) {
    const viewed = figuresOf(child.code, (line) => line.chain.includes(child.code), unitBase(child.code));
    viewed.unplaced = unplacedIn(child.code);
    children.push(viewed);
  }
  // the lines held by this unit and nothing below it: split or merged across its children
  for (const line of all) {
    const here = !line.assigned && line.chain.at(-1) === target.code;
    const across = line.across.includes(target.code);
    if (!here && !across) continue;
    const unit = {
      code: line.code,
      level: 'commune' as const,
      name: lineName(units, line, view),
      vintage: line.vintage,
    };
    const viewed = figures(unit, line.counts, line.residents, 0, false);
    viewed.notAssigned = true;
    if (across) viewed.acrossProvinces = true;
    children.push(viewed);
  }

  const total = figuresOf(target.code, (line) => line.chain.includes(target.code), {
    code: target.code,
    level: target.level,
    name: target.name,
  });
  total.unplaced = unplacedIn(target.code);
  const dates = references.map((reference) => reference.asOf).sort();
  return {
    ...total,
    vintage: view,
    asOf: dates[0] ?? null,
    residentsMapped: own.length === 0 && references.length > 0,
    children,
  };
}

function figures(
  unit: CoverageFigures['unit'],
  counts: Counts,
  residents: { permanent: number; temporary: number } | undefined,
  unplaced: number,
  partial: boolean,
): CoverageFigures {
  const figures: CoverageFigures = {
    unit,
    permanent: {
      residents: residents?.permanent ?? null,
      collected: counts.permanent,
      percent: percentOf(counts.permanent, residents?.permanent ?? null),
    },
    temporary: { residents: residents?.temporary ?? null, collected: counts.temporary },
    forms: {
      received: counts.received,
      rejected: counts.rejected,
      recollected: counts.recollected,
      duplicate: counts.duplicate,
      updated: counts.updated,
      conflict: counts.conflict,
    },
    unplaced,
  };
  if (partial) figures.partial = true;
  return figures;
}

/** What a view reads: the counter items and the newest references. */
export interface CoverageReads {
  counters: Pick<CoverageCounters, 'province'>;
  references: Pick<ReferencePopulations, 'newest'>;
}

/**
 * Reads and rolls up the view of a unit (GET /coverage, `npm run coverage`): one Query per province partition (one
 * to three), and the newest reference of each; the other vintage's only when the view's own has none.
 */
export async function coverageView(
  reads: CoverageReads,
  units: CoverageUnits,
  vintage: Vintage,
  unit: string,
): Promise<CoverageView | undefined> {
  const provinces = coverageProvinces(units, vintage, unit);
  if (provinces.length === 0) return undefined;
  // every count is made in both lists (shared/coverage/places.ts): the view's own partition holds them all, a commune
  // its list cannot assign as a not-assigned item
  const [own] = provinces;
  const [items, references] = await Promise.all([
    own ? reads.counters.province(own.vintage, own.province) : Promise.resolve([]),
    (async () => {
      const [own, ...rest] = provinces;
      const first = own ? await reads.references.newest(own.vintage, own.province) : undefined;
      if (first) return [first];
      const others = await Promise.all(rest.map((p) => reads.references.newest(p.vintage, p.province)));
      return others.filter((reference) => reference !== undefined);
    })(),
  ]);
  return rollup(units, { vintage, unit, items, references });
}
