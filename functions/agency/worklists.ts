// GET /worklists/{commune} (issue 25, docs/coverage.md "Worklists"): a commune's rejected forms still waiting to be
// collected again and its probable duplicates and conflicts waiting for a decision, in the vintage asked (the agency's
// own by default, as GET /coverage), for an agency with the `viewer` role on the commune (the one jurisdiction rule);
// at the agency's own unit's code, the forms it sent that place in no commune. JSON, or CSV (UTF-8 with a BOM, for
// printing) when asked. A form's personal fields are shown to the agency that uploaded it alone.
import { ApiError } from '../../shared/api/errors.ts';
import { authorizeRoute } from '../../shared/api/permissions.ts';
import {
  LimitParam,
  NextTokenParam,
  UnitParam,
  VintageParam,
  WORKLIST_CSV_COLUMNS,
} from '../../shared/api/schemas.ts';
import { csvCell } from '../../shared/batch/ledger.ts';
import { OUTCOME_CODES, ROW_CODES } from '../../shared/domain/errors.ts';
import { unitRegistry, type Vintage } from '../../shared/domain/units.ts';
import { worklistKeys } from '../../shared/keys.ts';
import { actingAgency } from '../../shared/model/acting-agency.ts';
import type { WorklistItem, Worklists } from '../../shared/model/coverage.ts';
import type { AgencyLookup } from '../../shared/model/ports.ts';
import { type HttpEvent, json, NO_STORE, parameter } from '../commons/http.ts';
import { actingCaller } from './acting.ts';

const ROUTE = 'GET /worklists';

export interface WorklistDeps {
  agencies: AgencyLookup;
  worklists: Worklists;
}

/** A line's codes: a rejected form's row codes; a duplicate's or a conflict's outcome codes and warnings. */
const MESSAGES: Record<string, { vi: string; en: string } | undefined> = { ...ROW_CODES, ...OUTCOME_CODES };

/**
 * A worklist line as the API shows it: each code with its messages; the form's personal fields only to the agency
 * that uploaded it (another agency's line never carries them).
 */
function lineOf(item: WorklistItem, callerAgency: string) {
  return {
    kind: item.kind,
    agencyCode: item.agencyCode,
    batchId: item.batchId,
    row: item.row,
    formId: item.formId,
    commune2020: item.communes[0],
    commune2025: item.communes[1],
    codes: item.codes.map((code) => {
      const messages = MESSAGES[code];
      return { code, vi: messages?.vi ?? '', en: messages?.en ?? '' };
    }),
    ...(item.reviewId ? { reviewId: item.reviewId } : {}),
    ...(item.person && item.agencyCode === callerAgency ? { person: item.person } : {}),
  };
}

/** In WORKLIST_CSV_COLUMNS order; a person's cells are empty on another agency's line. */
function csvOf(lines: ReturnType<typeof lineOf>[]): string {
  const rows = lines.map((line) =>
    [
      line.agencyCode,
      line.batchId,
      String(line.row),
      line.formId,
      line.commune2020,
      line.commune2025,
      line.codes.map(({ code }) => code).join(' '),
      line.codes.map(({ vi }) => vi).join('; '),
      line.kind,
      line.codes.map(({ en }) => en).join('; '),
      line.reviewId ?? '',
      line.person?.fullName ?? '',
      line.person?.dateOfBirth ?? '',
      line.person?.permanentAddress ?? '',
      line.person?.currentAddress ?? '',
    ]
      .map(csvCell)
      .join(','),
  );
  return `\uFEFF${[WORKLIST_CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

export async function getWorklist({ agencies, worklists }: WorklistDeps, event: HttpEvent) {
  const { caller, agency } = await actingCaller(event, agencies, ROUTE);
  const query = event.queryStringParameters ?? {};
  const vintage: Vintage =
    query.vintage === undefined
      ? agency.unit.vintage
      : (Number(parameter(VintageParam, query.vintage, 'COVERAGE_VINTAGE_INVALID')) as Vintage);
  const code = parameter(UnitParam, event.pathParameters?.commune, 'WORKLIST_COMMUNE_INVALID');
  const commune = unitRegistry.unitOf(vintage, code);
  // a commune's list, or, at the agency's own unit, the forms it sent that place in no commune
  const ownUnit = agency.unit.vintage === vintage && agency.unit.code === code;
  if (commune?.level !== 'commune' && !(commune && ownUnit)) throw new ApiError('WORKLIST_COMMUNE_INVALID');
  const decision = authorizeRoute(
    { agency: actingAgency(agency), roles: caller.roles },
    ROUTE,
    { code, vintage },
    unitRegistry,
  );
  if (!decision.allowed) throw new ApiError(decision.code);
  const limit = parameter(LimitParam, query.limit, 'QUERY_INVALID');
  const nextToken =
    query.nextToken === undefined ? undefined : parameter(NextTokenParam, query.nextToken, 'QUERY_INVALID');
  const partition =
    commune.level === 'commune'
      ? worklistKeys.communePartition(vintage, code)
      : worklistKeys.unplacedPartition(agency.code);
  const page = await worklists.list(partition, limit, nextToken);
  if (!page) throw new ApiError('QUERY_INVALID');
  const items = page.items.map((item) => lineOf(item, agency.code));
  const accept = event.headers?.accept ?? '';
  if (query.format === 'csv' || accept.includes('text/csv')) {
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'cache-control': NO_STORE,
        'content-disposition': `attachment; filename="worklist-${vintage}-${code}.csv"`,
        ...(page.nextToken ? { 'x-next-token': page.nextToken } : {}),
      },
      body: csvOf(items),
    };
  }
  return json({
    commune: { code, vintage, name: commune.name },
    items,
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  });
}
