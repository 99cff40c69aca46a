// Which role each agency route needs, and on which unit: the table the routes, the tests and docs/operations.md
// read. The rule that decides is shared/domain/jurisdiction.ts (docs/jurisdiction.md).
import type { JurisdictionCode } from '../domain/errors.ts';
import {
  type Actor,
  decideJurisdiction,
  decideOwnUnit,
  type JurisdictionDecision,
  type JurisdictionUnits,
  type UnitRef,
} from '../domain/jurisdiction.ts';
import type { Role } from '../domain/roles.ts';

/**
 * The unit a request acts on: `own-unit` the caller's agency's unit; `query` the `unit` and `vintage` the request
 * names (the agency's own when it names none); `item` the unit of the thing the path names (a batch: its uploading
 * agency's unit; a review item or a correction: the commune of the person's record).
 */
export type RouteTarget = 'own-unit' | 'query' | 'item';

export interface RoutePermission {
  /** any of these roles will do */
  roles: readonly Role[];
  target: RouteTarget;
}

export const ROUTE_PERMISSIONS = {
  'POST /uploads': { roles: ['uploader'], target: 'own-unit' },
  'GET /batches': { roles: ['uploader', 'viewer'], target: 'own-unit' },
  'GET /batches/{batchId}': { roles: ['uploader', 'viewer'], target: 'item' },
  'GET /review': { roles: ['reviewer'], target: 'query' },
  'POST /review/{id}': { roles: ['reviewer'], target: 'item' },
  'GET /corrections': { roles: ['approver', 'uploader', 'viewer'], target: 'query' },
  'POST /corrections/{id}': { roles: ['approver'], target: 'item' },
  'GET /conflicts': { roles: ['reviewer'], target: 'query' },
  'POST /conflicts/{id}': { roles: ['reviewer'], target: 'item' },
  'GET /coverage': { roles: ['viewer'], target: 'query' },
  'GET /worklists': { roles: ['viewer'], target: 'query' },
  'GET /births/{registrationId}': { roles: ['uploader', 'viewer'], target: 'own-unit' },
  'GET /persons/{key}/history': { roles: ['reviewer'], target: 'own-unit' },
} as const satisfies Record<string, RoutePermission>;

export type AgencyRouteKey = keyof typeof ROUTE_PERMISSIONS;

export function isAgencyRoute(routeKey: string): routeKey is AgencyRouteKey {
  return Object.hasOwn(ROUTE_PERMISSIONS, routeKey);
}

/**
 * Whether `actor` may call `route` on `target` (resolved as the route's `target` says): allowed when any of its
 * roles is; else the denial for the first role the actor holds, ROLE_MISSING when it holds none.
 */
export function authorizeRoute(
  actor: Actor,
  route: AgencyRouteKey,
  target: UnitRef,
  units: JurisdictionUnits,
): JurisdictionDecision {
  return anyRole(route, (role) => decideJurisdiction(actor, role, target, units));
}

/** `authorizeRoute` on the agency's own unit, which needs no unit data (the agency function, the split). */
export function authorizeOwnUnit(actor: Actor, route: AgencyRouteKey): JurisdictionDecision {
  return anyRole(route, (role) => decideOwnUnit(actor, role));
}

function anyRole(route: AgencyRouteKey, decide: (role: Role) => JurisdictionDecision): JurisdictionDecision {
  let denial: JurisdictionDecision | undefined;
  for (const role of ROUTE_PERMISSIONS[route].roles) {
    const decision = decide(role);
    if (decision.allowed) return decision;
    if (decision.code !== 'ROLE_MISSING') denial ??= decision;
  }
  return denial ?? { allowed: false, code: 'ROLE_MISSING' };
}

/** The HTTP status of each denial: an unknown unit is not found, the rest forbidden. */
export const JURISDICTION_STATUS: Record<JurisdictionCode, number> = {
  AGENCY_DISABLED: 403,
  ROLE_MISSING: 403,
  PLATFORM_ROLE_OUTSIDE_PLATFORM: 403,
  PLATFORM_NO_PERSONAL_DATA: 403,
  AGENCY_UNIT_UNKNOWN: 403,
  UNIT_UNKNOWN: 404,
  OUTSIDE_JURISDICTION: 403,
  UNIT_NOT_WHOLLY_HELD: 403,
};
