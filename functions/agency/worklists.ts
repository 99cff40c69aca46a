// GET /worklists/{commune} (issue 25, docs/coverage.md "Worklists"): the rejected forms of a commune still waiting to
// be collected again, in the vintage asked (the agency's own by default, as GET /coverage), for an agency with the
// `viewer` role on the commune (the one jurisdiction rule). JSON, or CSV (UTF-8 with a BOM, for printing) when asked.
// No personal field is kept on a worklist item, so none is shown, whoever uploaded the form.
import { ApiError } from '../../shared/api/errors.ts';
import { authorizeRoute } from '../../shared/api/permissions.ts';
import { LimitParam, NextTokenParam, UnitParam, VintageParam } from '../../shared/api/schemas.ts';
import { csvCell } from '../../shared/batch/ledger.ts';
import { ROW_CODES } from '../../shared/domain/errors.ts';
import { unitRegistry, type Vintage } from '../../shared/domain/units.ts';
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

/** A worklist line as the API shows it: each code with its Vietnamese message. */
function lineOf(item: WorklistItem) {
  return {
    agencyCode: item.agencyCode,
    batchId: item.batchId,
    row: item.row,
    formId: item.formId,
    commune2020: item.communes[0],
    commune2025: item.communes[1],
    codes: item.codes.map((code) => ({
      code,
      vi: (ROW_CODES as Record<string, { vi: string }>)[code]?.vi ?? '',
    })),
  };
}

const CSV_HEADER = [
  'agencyCode',
  'batchId',
  'row',
  'formId',
  'commune2020',
  'commune2025',
  'codes',
  'messages',
];

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
    ]
      .map(csvCell)
      .join(','),
  );
  return `\uFEFF${[CSV_HEADER.join(','), ...rows].join('\r\n')}\r\n`;
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
  if (commune?.level !== 'commune') throw new ApiError('WORKLIST_COMMUNE_INVALID');
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
  const page = await worklists.list(vintage, code, limit, nextToken);
  if (!page) throw new ApiError('QUERY_INVALID');
  const items = page.items.map(lineOf);
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
