// The administrative units of each vintage, their names and parents, and how the 2020 units became the 2025 ones.
// A code means nothing without its vintage: 52 is Bình Định in 2020 and Gia Lai in 2025. The data (393 KB of
// shared/data/units.json) is indexed on the first call; the functions that validate records must not import this
// module (reference.ts holds what they need).
import { unitsData } from '../data/units-data.ts';

export type Vintage = 2020 | 2025;
/** 2020: province (2 digits), district (3), commune (5). 2025: province and commune: districts were abolished. */
export type UnitLevel = 'province' | 'district' | 'commune';

export interface Unit {
  code: string;
  vintage: Vintage;
  level: UnitLevel;
  /** the official name, its type included: `Thành phố Pleiku` */
  name: string;
  /** Tỉnh, Thành phố Trung ương, Quận, Huyện, Thị xã, Thành phố, Phường, Thị trấn, Xã, Đặc khu */
  type: string;
  /** the unit directly above, of the same vintage; none for a province */
  parent?: string;
  /**
   * a commune in neither the 2020 nor the 2025 list, known only as a part of a 2025 commune (formed between the two
   * lists): its parent is its province, its district is not known
   */
  interim?: true;
}

/** A unit of the other vintage that one went into or was formed from: `full` whole, else a part of it. */
export interface UnitPart {
  code: string;
  full: boolean;
}

/** Everything the registry answers, for a caller that takes it as a port (shared/domain/jurisdiction.ts). */
export interface UnitRegistry {
  unitOf(vintage: Vintage, code: string): Unit | undefined;
  childrenOf(vintage: Vintage, code: string): Unit[];
  ancestorsOf(vintage: Vintage, code: string): Unit[];
  successors2025Of(code2020: string): UnitPart[];
  parts2020Of(code2025: string): UnitPart[];
  province2025Of(code2020: string): string | undefined;
  provinces2020Of(code2025: string): string[];
}

interface Index {
  units: Record<Vintage, Map<string, Unit>>;
  children: Record<Vintage, Map<string, Unit[]>>;
  levels: Record<Vintage, Map<UnitLevel, Unit[]>>;
  /** 2020 code → the 2025 units it went into */
  successors: Map<string, UnitPart[]>;
  /** 2025 code → the 2020 units it was formed from */
  parts: Map<string, UnitPart[]>;
}

let index: Index | undefined;

function listIn<K, V>(map: Map<K, V[]>, key: K): V[] {
  const list = map.get(key);
  if (list) return list;
  const created: V[] = [];
  map.set(key, created);
  return created;
}

function build(): Index {
  const data = unitsData();
  const built: Index = {
    units: { 2020: new Map(), 2025: new Map() },
    children: { 2020: new Map(), 2025: new Map() },
    levels: { 2020: new Map(), 2025: new Map() },
    successors: new Map(),
    parts: new Map(),
  };
  const add = (
    vintage: Vintage,
    level: UnitLevel,
    row: string,
    parent?: string,
    interim?: true,
  ): string[] => {
    const [code = '', typeAt = '', bare = '', ...rest] = row.split('|');
    const type = data.types[Number(typeAt)] ?? '';
    const name = bare.startsWith('=') ? bare.slice(1) : `${type} ${bare}`;
    const unit: Unit = { code, vintage, level, name, type };
    if (parent !== undefined) unit.parent = parent;
    if (interim) unit.interim = true;
    built.units[vintage].set(code, unit);
    listIn(built.levels[vintage], level).push(unit);
    if (parent !== undefined) listIn(built.children[vintage], parent).push(unit);
    return [code, ...rest];
  };
  const link = (code2020: string, code2025: string, full: boolean) => {
    listIn(built.successors, code2020).push({ code: code2025, full });
    listIn(built.parts, code2025).push({ code: code2020, full });
  };
  const groups = (table: Record<string, string[]>) => Object.entries(table);

  for (const row of data.provinces2020) add(2020, 'province', row);
  for (const [province, rows] of groups(data.districts2020))
    for (const row of rows) add(2020, 'district', row, province);
  for (const [district, rows] of groups(data.communes2020))
    for (const row of rows) add(2020, 'commune', row, district);
  for (const [province, rows] of groups(data.communesInterim)) {
    for (const row of rows) add(2020, 'commune', row, province, true);
  }
  for (const row of data.provinces2025) {
    const [code = '', old = ''] = add(2025, 'province', row);
    for (const code2020 of old.split(' ')) link(code2020, code, true);
  }
  for (const [province, rows] of groups(data.communes2025)) {
    for (const row of rows) {
      const [code = '', parts = ''] = add(2025, 'commune', row, province);
      for (const part of parts.split(' ')) {
        const full = !part.endsWith('*');
        link(full ? part : part.slice(0, -1), code, full);
      }
    }
  }
  return built;
}

const indexed = (): Index => {
  index ??= build();
  return index;
};

/** The unit a code names in a vintage; undefined when it names none. */
export function unitOf(vintage: Vintage, code: string): Unit | undefined {
  return indexed().units[vintage].get(code);
}

/** The units directly below, in code order (a 2020 province's interim communes after its districts). */
export function childrenOf(vintage: Vintage, code: string): Unit[] {
  return [...(indexed().children[vintage].get(code) ?? [])];
}

/** The units above, nearest first (a 2020 commune: its district, then its province); empty for an unknown code. */
export function ancestorsOf(vintage: Vintage, code: string): Unit[] {
  const ancestors: Unit[] = [];
  let unit = unitOf(vintage, code);
  while (unit?.parent !== undefined) {
    unit = unitOf(vintage, unit.parent);
    if (unit) ancestors.push(unit);
  }
  return ancestors;
}

/** Every unit of a level in a vintage, in the data's order (none: a 2025 district). */
export function unitsAt(vintage: Vintage, level: UnitLevel): Unit[] {
  return [...(indexed().levels[vintage].get(level) ?? [])];
}

/**
 * The 2025 units a 2020 unit went into as one listed part: a province its 2025 province (whole); a commune (or an
 * interim one) the 2025 communes it went into, whole or, when it was split, each a part; an island district with no
 * communes (Côn Đảo 755…) its special zone. Empty for a district with communes (they went, not it) and for the
 * communes the mapping does not know (most were merged away before 2025).
 */
export function successors2025Of(code2020: string): UnitPart[] {
  return (indexed().successors.get(code2020) ?? []).map((part) => ({ ...part }));
}

/** The 2020 units a 2025 unit was formed from: a province its 2020 provinces, a commune its 2020 parts. */
export function parts2020Of(code2025: string): UnitPart[] {
  return (indexed().parts.get(code2025) ?? []).map((part) => ({ ...part }));
}

/** The 2025 province a 2020 province became part of (each went whole into one). */
export function province2025Of(code2020: string): string | undefined {
  if (unitOf(2020, code2020)?.level !== 'province') return undefined;
  return indexed().successors.get(code2020)?.[0]?.code;
}

/** The 2020 provinces a 2025 province was formed from. */
export function provinces2020Of(code2025: string): string[] {
  if (unitOf(2025, code2025)?.level !== 'province') return [];
  return parts2020Of(code2025).map((part) => part.code);
}

/** The registry as one object, for the callers that take it as a port. */
export const unitRegistry: UnitRegistry = {
  unitOf,
  childrenOf,
  ancestorsOf,
  successors2025Of,
  parts2020Of,
  province2025Of,
  provinces2020Of,
};

/** Where the data comes from, for a page or report that shows it (a bundle's copy leaves it out: bundling.ts). */
export const unitsSource = (): string => (unitsData() as { source?: string }).source ?? '';
