// GET /coverage (issue 18, docs/coverage.md "The numbers out"): a unit's persons collected against its expected
// residents, its forms and one line per unit below, in the vintage asked. The caller needs the `viewer` role on the
// unit, as the one jurisdiction rule decides it (an agency reads its own unit and those within; a national agency
// any). Reads one to three province partitions of counter items and their newest references.
import { ApiError } from '../../shared/api/errors.ts';
import { authorizeRoute } from '../../shared/api/permissions.ts';
import { UnitParam, VintageParam } from '../../shared/api/schemas.ts';
import { type CoverageReads, coverageView } from '../../shared/coverage/rollup.ts';
import { COUNTRY } from '../../shared/domain/jurisdiction.ts';
import { unitRegistry, type Vintage } from '../../shared/domain/units.ts';
import { actingAgency } from '../../shared/model/acting-agency.ts';
import type { AgencyLookup } from '../../shared/model/ports.ts';
import { type HttpEvent, json, parameter } from '../commons/http.ts';
import { actingCaller } from './acting.ts';

export interface CoverageDeps {
  agencies: AgencyLookup;
  coverage: CoverageReads;
}

export async function getCoverage({ agencies, coverage }: CoverageDeps, event: HttpEvent) {
  const { caller, agency } = await actingCaller(event, agencies, 'GET /coverage');
  const query = event.queryStringParameters ?? {};
  const vintage: Vintage =
    query.vintage === undefined
      ? agency.unit.vintage
      : (Number(parameter(VintageParam, query.vintage, 'COVERAGE_VINTAGE_INVALID')) as Vintage);
  // no unit named: the agency's own, read in its own vintage (a national agency has no view of the whole country)
  const own = query.unit === undefined;
  if (own && (agency.unit.code === COUNTRY || vintage !== agency.unit.vintage)) {
    throw new ApiError('COVERAGE_UNIT_INVALID');
  }
  const code = own ? agency.unit.code : parameter(UnitParam, query.unit, 'COVERAGE_UNIT_INVALID');
  if (!unitRegistry.unitOf(vintage, code)) throw new ApiError('COVERAGE_UNIT_INVALID');
  const actor = { agency: actingAgency(agency), roles: caller.roles };
  const decision = authorizeRoute(actor, 'GET /coverage', { code, vintage }, unitRegistry);
  if (!decision.allowed) throw new ApiError(decision.code);
  const view = await coverageView(coverage, unitRegistry, vintage, code);
  if (!view) throw new ApiError('COVERAGE_UNIT_INVALID');
  return json(view);
}
