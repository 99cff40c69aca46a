// Who acts on an agency route: the caller the authoriser passed (shared/api/caller.ts), its agency held and active in
// the agencies table, and one of the route's roles on the agency's own unit (shared/api/permissions.ts,
// shared/domain/jurisdiction.ts). Every agency route asks this first.
import { type Caller, callerOf } from '../../shared/api/caller.ts';
import { ApiError } from '../../shared/api/errors.ts';
import { type AgencyRouteKey, authorizeOwnUnit } from '../../shared/api/permissions.ts';
import { actingAgency } from '../../shared/model/acting-agency.ts';
import type { Agency } from '../../shared/model/agency.ts';
import { agencyRefusal } from '../../shared/model/agency-refusal.ts';
import type { AgencyLookup } from '../../shared/model/ports.ts';
import type { HttpEvent } from '../commons/http.ts';

export async function actingCaller(
  event: HttpEvent,
  agencies: AgencyLookup,
  route: AgencyRouteKey,
): Promise<{ caller: Caller; agency: Agency }> {
  const caller = callerOf(event);
  if (!caller) throw new ApiError('CALLER_NOT_AGENCY');
  const agency = await agencies.get(caller.agency);
  const refusal = agencyRefusal(agency);
  if (refusal || !agency) throw new ApiError(refusal ?? 'AGENCY_UNKNOWN');
  const decision = authorizeOwnUnit({ agency: actingAgency(agency), roles: caller.roles }, route);
  if (!decision.allowed) throw new ApiError(decision.code);
  return { caller, agency };
}

/** The caller's agency code, once `actingCaller` lets it act on `route`. */
export async function callerAgency(
  event: HttpEvent,
  agencies: AgencyLookup,
  route: AgencyRouteKey,
): Promise<string> {
  return (await actingCaller(event, agencies, route)).caller.agency;
}
