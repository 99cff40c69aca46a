// Whether an agency's caller may do a kind of work on an administrative unit: the one rule every agency route and the
// split's uploader check call (docs/jurisdiction.md). The units come in as a port, so that a function that decides
// only about the agency's own unit (the split) bundles no unit data.
import type { JurisdictionCode } from './errors.ts';
import { type AgencyKind, PERSONAL_DATA_ROLES, type Role, WRITE_ROLES } from './roles.ts';
import type { UnitRegistry, Vintage } from './units.ts';

/** The unit of a national agency (the platform team, a ministry's department): every unit of both vintages. */
export const COUNTRY = 'VN';

/** The agency a caller acts for, as the agencies table holds it. */
export interface ActingAgency {
  code: string;
  /** the unit it serves, read in `vintage`; COUNTRY for a national agency */
  unit: string;
  vintage: Vintage;
  kind: AgencyKind;
  active: boolean;
}

export interface Actor {
  agency: ActingAgency;
  roles: readonly Role[];
}

/** A unit named by code and vintage: a code alone means nothing (52 is Bình Định in 2020, Gia Lai in 2025). */
export interface UnitRef {
  code: string;
  vintage: Vintage;
}

/** What the rule reads of the unit registry (shared/domain/units.ts `unitRegistry`). */
export type JurisdictionUnits = Pick<
  UnitRegistry,
  'unitOf' | 'childrenOf' | 'ancestorsOf' | 'successors2025Of' | 'parts2020Of' | 'province2025Of'
>;

/**
 * Why an agency may act: its own unit; a unit below it; anything (a national agency); a unit of the other vintage
 * that lies wholly within its unit; a 2020 commune split by the 2025 reorganisation, a part of which its 2025
 * commune received (read roles only); reference data and operations (the platform role).
 */
export type JurisdictionBasis = 'own-unit' | 'below' | 'country' | 'held-whole' | 'split-part' | 'platform';

export type JurisdictionDecision =
  | { allowed: true; basis: JurisdictionBasis }
  | { allowed: false; code: JurisdictionCode };

const deny = (code: JurisdictionCode): JurisdictionDecision => ({ allowed: false, code });
const allow = (basis: JurisdictionBasis): JurisdictionDecision => ({ allowed: true, basis });

/**
 * The part of the rule no unit enters: the agency may act, the caller holds the role, the platform role is the
 * platform agency's alone and the platform agency holds no personal-data role. A denial, or undefined to go on.
 */
function standing({ agency, roles }: Actor, role: Role): JurisdictionDecision | undefined {
  if (!agency.active) return deny('AGENCY_DISABLED');
  if (!roles.includes(role)) return deny('ROLE_MISSING');
  if (role === 'platform' && agency.kind !== 'platform') return deny('PLATFORM_ROLE_OUTSIDE_PLATFORM');
  if (agency.kind === 'platform' && PERSONAL_DATA_ROLES.has(role)) return deny('PLATFORM_NO_PERSONAL_DATA');
  return undefined;
}

/** Whether `actor` may do the work `role` is for on `target`: THE rule (docs/jurisdiction.md). */
export function decideJurisdiction(
  actor: Actor,
  role: Role,
  target: UnitRef,
  units: JurisdictionUnits,
): JurisdictionDecision {
  const { agency } = actor;
  const denied = standing(actor, role);
  if (denied) return denied;
  if (role === 'platform') {
    return target.code === COUNTRY || units.unitOf(target.vintage, target.code)
      ? allow('platform')
      : deny('UNIT_UNKNOWN');
  }
  if (target.code === agency.unit && (target.vintage === agency.vintage || target.code === COUNTRY)) {
    return allow('own-unit');
  }
  if (!units.unitOf(target.vintage, target.code)) return deny('UNIT_UNKNOWN');
  if (agency.unit === COUNTRY) return allow('country');
  if (!units.unitOf(agency.vintage, agency.unit)) return deny('AGENCY_UNIT_UNKNOWN');
  if (target.vintage === agency.vintage) {
    const below = units.ancestorsOf(target.vintage, target.code).some((unit) => unit.code === agency.unit);
    return below ? allow('below') : deny('OUTSIDE_JURISDICTION');
  }
  const held = agency.vintage === 2025 ? held2020In2025 : held2025In2020;
  const share = held(agency.unit, target.code, units);
  if (share === 'whole') return allow('held-whole');
  if (!WRITE_ROLES.has(role) && splitPartOf(agency, target, units)) return allow('split-part');
  return deny(share === 'part' ? 'UNIT_NOT_WHOLLY_HELD' : 'OUTSIDE_JURISDICTION');
}

/**
 * The same rule for the agency's own unit, with no unit data: what the split asks of an upload under the agency's
 * prefix (active, the role held, not the platform agency).
 */
export function decideOwnUnit(actor: Actor, role: Role): JurisdictionDecision {
  // decideJurisdiction with the agency's own unit as the target: nothing but its standing can deny it (and this way
  // the split bundles none of the unit logic)
  return standing(actor, role) ?? allow(role === 'platform' ? 'platform' : 'own-unit');
}

/** How much of a unit of the other vintage lies within an agency's unit. */
type Share = 'whole' | 'part' | 'none';

function share(inside: number, outside: number, unknown: boolean): Share {
  if (inside === 0) return 'none';
  return outside === 0 && !unknown ? 'whole' : 'part';
}

/** A 2020 unit and the units below it (a 2020 unit is never more than a province of about 700 communes). */
function subtree2020(code: string, units: JurisdictionUnits): string[] {
  const codes = [code];
  for (let at = 0; at < codes.length; at++) {
    for (const child of units.childrenOf(2020, codes[at] ?? '')) codes.push(child.code);
  }
  return codes;
}

/**
 * How much of 2020 unit `code2020` lies in 2025 unit `unit2025`. A 2025 province holds it whole when the 2020
 * province went into it and every commune below went to communes of it (one commune of the mapping crosses
 * provinces); a 2025 commune when every 2020 commune below went whole into it. A 2020 commune the mapping does not
 * place (merged away before 2025) is placed in no 2025 commune: only its province's agency holds it.
 */
function held2020In2025(unit2025: string, code2020: string, units: JurisdictionUnits): Share {
  const agencyLevel = units.unitOf(2025, unit2025)?.level;
  const province2020 = units.ancestorsOf(2020, code2020).at(-1)?.code ?? code2020;
  let inside = 0;
  let outside = 0;
  let unknown = false;
  if (agencyLevel === 'province') {
    if (units.province2025Of(province2020) === unit2025) inside++;
    else outside++;
  }
  for (const code of subtree2020(code2020, units)) {
    const unit = units.unitOf(2020, code);
    if (!unit || unit.level === 'province') continue;
    const pieces = units.successors2025Of(code);
    if (pieces.length === 0) {
      // a district went by its communes; a commune with no successor is not placed
      if (units.childrenOf(2020, code).length === 0) unknown = true;
      continue;
    }
    for (const piece of pieces) {
      const there =
        agencyLevel === 'province'
          ? units.unitOf(2025, piece.code)?.parent === unit2025
          : piece.code === unit2025;
      // a partial piece leaves the rest of the old commune in its other pieces, which this loop sees too
      if (there) inside++;
      else outside++;
    }
  }
  return share(inside, outside, agencyLevel === 'commune' && unknown);
}

/** How much of 2025 unit `code2025` lies in 2020 unit `unit2020`: each 2020 part it was formed from, inside or not. */
function held2025In2020(unit2020: string, code2025: string, units: JurisdictionUnits): Share {
  const target = units.unitOf(2025, code2025);
  const parts =
    target?.level === 'province'
      ? [code2025, ...units.childrenOf(2025, code2025).map((commune) => commune.code)]
      : [code2025];
  let inside = 0;
  let outside = 0;
  for (const code of parts) {
    for (const part of units.parts2020Of(code)) {
      const within =
        part.code === unit2020 || units.ancestorsOf(2020, part.code).some((unit) => unit.code === unit2020);
      if (within) inside++;
      else outside++;
    }
  }
  return share(inside, outside, false);
}

/** A 2020 commune split by the reorganisation, a part of which went into the 2025 commune the agency serves. */
function splitPartOf(agency: ActingAgency, target: UnitRef, units: JurisdictionUnits): boolean {
  if (agency.vintage !== 2025 || target.vintage !== 2020) return false;
  if (units.unitOf(2020, target.code)?.level !== 'commune') return false;
  return units.successors2025Of(target.code).some((piece) => !piece.full && piece.code === agency.unit);
}
