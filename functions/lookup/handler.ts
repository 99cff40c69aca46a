// Citizens' routes of the HTTP API: the lookup page, the OpenAPI document and `GET /applications/{code}`.
// The code's and birth year's shapes are checked before anything is read; the answer holds only what citizenView
// lets out. A wrong birth year and an unknown code are one 404 (shared/procedures/lookup-factor.ts).

import { ApiError } from '../../shared/api/errors.ts';
import { openApiDocument } from '../../shared/api/openapi.ts';
import { ApplicationCodeParam, BirthYearParam } from '../../shared/api/schemas.ts';
import type { Applications } from '../../shared/model/ports.ts';
import { citizenView } from '../../shared/procedures/application.ts';
import { BIRTH_YEAR_HEADER, holdsFactor } from '../../shared/procedures/lookup-factor.ts';
import { CITIZEN_PAGE, CITIZEN_PAGE_POLICY } from '../../shared/web/citizen-page.ts';
import { type HttpEvent, httpApi, json, parameter } from '../commons/http.ts';
import { applications } from '../commons/procedures.ts';

/** What a lookup reads: an application's state. */
export interface LookupDeps {
  applications: Pick<Applications, 'get'>;
}

// made on the first request for it, not at cold start
let openApi: string | undefined;
function openApiBody(): string {
  openApi ??= JSON.stringify(openApiDocument());
  return openApi;
}
const PUBLIC_FOR_5_MINUTES = 'public, max-age=300';

async function getApplication(store: LookupDeps['applications'], event: HttpEvent) {
  const code = parameter(ApplicationCodeParam, event.pathParameters?.code, 'APPLICATION_CODE_INVALID');
  const given = event.headers?.[BIRTH_YEAR_HEADER];
  const birthYear =
    given === undefined ? undefined : parameter(BirthYearParam, given, 'APPLICATION_BIRTH_YEAR_INVALID');
  const application = await store.get(code);
  const now = new Date();
  // an unknown code and a wrong year: one answer from one throw (holdsFactor compares in both cases)
  if (!holdsFactor(application, code, birthYear, now)) throw new ApiError('APPLICATION_NOT_FOUND');
  return json(citizenView(application, now));
}

export function lookupHandler(deps: LookupDeps) {
  return httpApi(
    [
      {
        method: 'GET',
        path: '/applications/{code}',
        handler: (event: HttpEvent) => getApplication(deps.applications, event),
      },
      {
        method: 'GET',
        path: '/openapi.json',
        handler: async () => ({
          statusCode: 200,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'cache-control': PUBLIC_FOR_5_MINUTES,
          },
          body: openApiBody(),
        }),
      },
      {
        method: 'GET',
        path: '/',
        handler: async () => ({
          statusCode: 200,
          headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': PUBLIC_FOR_5_MINUTES },
          body: CITIZEN_PAGE,
        }),
      },
    ],
    // set only where CloudFront fronts the API (infra/constructs/citizen-edge.ts)
    { pagePolicy: CITIZEN_PAGE_POLICY, edgeSecret: process.env.EDGE_SECRET },
  );
}

export const handler = lookupHandler({ applications: applications() });
