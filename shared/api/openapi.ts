// The OpenAPI 3.1 document of the HTTP API, made from the zod schemas the handlers use. zod 4's own
// z.toJSONSchema emits JSON Schema 2020-12, which is OpenAPI 3.1's dialect, so no extra library is needed.
import * as z from 'zod/mini';
import { objectKeys } from '../keys.ts';
import { BIRTH_YEAR_HEADER, CODE_ALONE_UNTIL } from '../procedures/lookup-factor.ts';
import { DECISION_CODES } from './decision-errors.ts';
import {
  ConflictDecisionBody,
  ConflictList,
  ConflictStatusParam,
  ConflictView,
  CorrectionDecisionBody,
  CorrectionIdParam,
  CorrectionList,
  CorrectionStatusParam,
  CorrectionView,
} from './decision-schemas.ts';
import { API_CODES as COMMON_CODES } from './errors.ts';

// every code the API answers with: the common ones and the decisions function's own
const API_CODES = { ...COMMON_CODES, ...DECISION_CODES };

import {
  AgencyParam,
  ApplicationCodeParam,
  ApplicationView,
  BatchIdParam,
  BatchList,
  BatchView,
  BirthView,
  BirthYearParam,
  CoverageView,
  ErrorBody,
  Label,
  LimitParam,
  NextTokenParam,
  PersonHistoryView,
  PersonKeyParam,
  RegistrationIdParam,
  ReviewIdParam,
  ReviewList,
  ReviewResolutionBody,
  ReviewView,
  UnitParam,
  UploadFileName,
  UploadTicket,
  VintageParam,
  WORKLIST_CSV_COLUMNS,
  WorklistView,
} from './schemas.ts';

const registry = z.registry<{ id: string }>();
for (const [id, schema] of Object.entries({
  Application: ApplicationView,
  Batch: BatchView,
  BatchList,
  Birth: BirthView,
  Correction: CorrectionView,
  CorrectionList,
  Conflict: ConflictView,
  ConflictList,
  Coverage: CoverageView,
  Error: ErrorBody,
  Label,
  PersonHistory: PersonHistoryView,
  Review: ReviewView,
  ReviewList,
  UploadTicket,
  Worklist: WorklistView,
})) {
  registry.add(schema, { id });
}

const parameterSchema = (schema: z.ZodMiniType, io: 'input' | 'output' = 'input') => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io }) as Record<string, unknown>;
  return rest;
};

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(id) } },
});
const errors = (...codes: (keyof typeof API_CODES)[]) =>
  Object.fromEntries(
    [...new Set(codes.map((code) => API_CODES[code].status))].map((status) => [
      String(status),
      json(
        'Error',
        codes
          .filter((code) => API_CODES[code].status === status)
          .map((code) => code)
          .join(', '),
      ),
    ]),
  );
// a person's ID token on the people's API, or an agency system's access token on the machines' API
const agencySecurity = [{ person: [] }, { machine: [] }];
const requestIdHeader = {
  'x-request-id': {
    description: 'The request id, also in error bodies and logs',
    schema: { type: 'string' },
  },
};
/** A route's answers: 200 with the schema `id` (and the request id header), then the errors of its codes. */
const responses = (id: string, description: string, ...codes: (keyof typeof API_CODES)[]) => ({
  '200': { ...json(id, description), headers: requestIdHeader },
  ...errors(...codes),
});
/**
 * A 200 that may also be CSV (`?format=csv` or `Accept: text/csv`): UTF-8 with a byte-order mark, CRLF lines, the next
 * page's token in a header.
 */
const withCsv = (answers: ReturnType<typeof responses>, columns: readonly string[]) => ({
  ...answers,
  '200': {
    ...answers['200'],
    content: {
      ...answers['200'].content,
      'text/csv': {
        schema: {
          type: 'string',
          description: `UTF-8 with a byte-order mark, CRLF line ends; the columns ${columns.join(', ')}`,
        },
      },
    },
    headers: {
      ...answers['200'].headers,
      'x-next-token': {
        description: "CSV only: the next page's nextToken, when there is one",
        schema: { type: 'string' },
      },
    },
  },
});
/** A list's query: whose items (the caller's agency), any `filters`, how many, and where the last page ended. */
const listParameters = (nextToken: z.ZodMiniType, ...filters: object[]) => [
  {
    name: 'agency',
    in: 'query',
    required: false,
    description: "the caller's agency code (the default); any other is refused",
    schema: parameterSchema(AgencyParam),
  },
  ...filters,
  { name: 'limit', in: 'query', required: false, schema: parameterSchema(LimitParam) },
  { name: 'nextToken', in: 'query', required: false, schema: parameterSchema(nextToken) },
];

export function openApiDocument() {
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}` });
  for (const schema of Object.values(schemas)) {
    delete (schema as { $schema?: string }).$schema;
    delete (schema as { $id?: string }).$id;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'dancu',
      version: '1',
      description:
        'Administrative-procedure status for citizens, batch status for agencies (docs/procedures.md). ' +
        'Errors are { error: { code, message, messageVi, requestId } }; an unknown route is 404 ROUTE_NOT_FOUND. ' +
        'API Gateway answers some requests itself, in its own shape { message }: 401 for a missing or invalid ' +
        'token on an agency route (403 for a machine its authoriser refuses), 429 when throttled.',
    },
    components: {
      schemas,
      securitySchemes: {
        person: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A person of an agency: the Cognito ID token of the hosted sign-in (code + PKCE, MFA), on the people’s API (PeopleApiUrl); its custom:agency and cognito:groups (roles) decide',
        },
        machine: {
          type: 'oauth2',
          description:
            'An agency’s system: an access token of the client-credentials grant (a client made by npm run agencies -- add-client), on the machines’ API (MachineApiUrl)',
          flows: {
            clientCredentials: {
              tokenUrl: '/oauth2/token',
              scopes: {
                'dancu/upload': 'upload addresses under the agency’s prefix',
                'dancu/read': 'its batches, and the coverage of its unit',
              },
            },
          },
        },
      },
    },
    paths: {
      '/applications/{code}': {
        get: {
          operationId: 'getApplication',
          summary: 'Where an application stands (citizens)',
          parameters: [
            {
              name: 'code',
              in: 'path',
              required: true,
              description: 'Mã hồ sơ, e.g. 000.00.12.H21-250115-0001 (checked after trim and upper case)',
              // what the code must be once trimmed and upper-cased
              schema: parameterSchema(ApplicationCodeParam, 'output'),
            },
            {
              name: BIRTH_YEAR_HEADER,
              in: 'header',
              // optional in shape only: without it, only an application stored before the factor answers
              required: false,
              description:
                "The applicant's birth year, four digits (e.g. 1990): the lookup's second factor. A header, not " +
                'a query parameter, so it is in no URL. Without it only an application stored without a birth ' +
                `year answers, until ${CODE_ALONE_UNTIL.toISOString()}.`,
              schema: parameterSchema(BirthYearParam),
            },
          ],
          responses: {
            ...responses(
              'Application',
              'The application',
              'APPLICATION_CODE_INVALID',
              'APPLICATION_BIRTH_YEAR_INVALID',
              'INTERNAL_ERROR',
            ),
            '404': json(
              'Error',
              'APPLICATION_NOT_FOUND: no application has this code, or the birth year is wrong or missing; ' +
                'one answer for both, so it does not tell whether the code exists',
            ),
          },
        },
      },
      '/uploads': {
        post: {
          operationId: 'createUpload',
          summary: `A presigned S3 PUT for one file under the caller's own ${objectKeys.uploadPrefix('{agency}')} prefix, valid 15 minutes (role uploader)`,
          security: agencySecurity,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { fileName: parameterSchema(UploadFileName) },
                  required: ['fileName'],
                  additionalProperties: false,
                },
              },
            },
          },
          responses: {
            '201': { ...json('UploadTicket', 'Where and how to PUT the file'), headers: requestIdHeader },
            ...errors(
              'UPLOAD_BODY_INVALID',
              'UPLOAD_NAME_INVALID',
              'CALLER_NOT_AGENCY',
              'AGENCY_UNKNOWN',
              'AGENCY_DISABLED',
              'ROLE_MISSING',
              'PLATFORM_NO_PERSONAL_DATA',
              'INTERNAL_ERROR',
            ),
          },
        },
      },
      '/batches/{batchId}': {
        get: {
          operationId: 'getBatch',
          summary: "A batch's status and counts (agencies: their own batches only)",
          security: agencySecurity,
          parameters: [
            { name: 'batchId', in: 'path', required: true, schema: parameterSchema(BatchIdParam) },
          ],
          responses: responses(
            'Batch',
            'The batch',
            'BATCH_ID_INVALID',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'BATCH_NOT_FOUND',
            'INTERNAL_ERROR',
          ),
        },
      },
      '/batches': {
        get: {
          operationId: 'listBatches',
          summary: "An agency's batches, newest first (agencies: their own only)",
          security: agencySecurity,
          parameters: listParameters(NextTokenParam),
          responses: responses(
            'BatchList',
            'The batches',
            'AGENCY_CODE_INVALID',
            'QUERY_INVALID',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'AGENCY_FORBIDDEN',
            'INTERNAL_ERROR',
          ),
        },
      },
      '/coverage': {
        get: {
          operationId: 'getCoverage',
          summary:
            "A unit's coverage: persons collected against expected residents, forms, one line per unit below (role viewer, on units within the agency's own)",
          security: agencySecurity,
          parameters: [
            {
              name: 'unit',
              in: 'query',
              required: false,
              description:
                "a province, 2020 district or commune code of the vintage; the agency's own unit when omitted (a national agency names one)",
              schema: parameterSchema(UnitParam),
            },
            {
              name: 'vintage',
              in: 'query',
              required: false,
              description: "the list of units the code is read in; the agency's own vintage when omitted",
              schema: parameterSchema(VintageParam),
            },
          ],
          responses: responses(
            'Coverage',
            'The coverage of the unit',
            'COVERAGE_UNIT_INVALID',
            'COVERAGE_VINTAGE_INVALID',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'ROLE_MISSING',
            'PLATFORM_NO_PERSONAL_DATA',
            'OUTSIDE_JURISDICTION',
            'UNIT_NOT_WHOLLY_HELD',
            'INTERNAL_ERROR',
          ),
        },
      },
      '/births/{registrationId}': {
        get: {
          operationId: 'getBirth',
          summary:
            'A birth the caller’s agency registered (role uploader or viewer), with the personal ID number issued to the child (docs/ids.md); another agency’s registration is answered as unknown',
          security: agencySecurity,
          parameters: [
            {
              name: 'registrationId',
              in: 'path',
              required: true,
              schema: parameterSchema(RegistrationIdParam),
            },
          ],
          responses: responses(
            'Birth',
            'The registration and the number issued',
            'BIRTH_ID_INVALID',
            'BIRTH_NOT_FOUND',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'ROLE_MISSING',
            'PLATFORM_NO_PERSONAL_DATA',
          ),
        },
      },
      '/persons/{key}/history': {
        get: {
          operationId: 'getPersonHistory',
          summary:
            'The changes made to a person, oldest first (role reviewer; a person the caller’s agency registered or changed): field, from, to, when, which batch and row or request, why and who; values another agency supplied are masked as on review items, and another agency’s change does not show where it came from (docs/data-model.md, the history table)',
          security: agencySecurity,
          parameters: [{ name: 'key', in: 'path', required: true, schema: parameterSchema(PersonKeyParam) }],
          responses: responses(
            'PersonHistory',
            'The person’s changes',
            'PERSON_KEY_INVALID',
            'PERSON_NOT_FOUND',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'ROLE_MISSING',
            'PLATFORM_NO_PERSONAL_DATA',
          ),
        },
      },
      '/worklists/{commune}': {
        get: {
          operationId: 'getWorklist',
          summary:
            "A commune's worklist, JSON or CSV (role viewer, on communes within the agency's own): its rejected forms still waiting to be collected again, and its probable duplicates and conflicts waiting for a decision; at the agency's own unit's code, the forms it sent that place in no commune. A form's personal fields only on the uploading agency's own lines",
          security: agencySecurity,
          parameters: [
            {
              name: 'commune',
              in: 'path',
              required: true,
              description:
                "a commune code of the vintage, or the agency's own unit's code (its unplaced forms)",
              schema: parameterSchema(UnitParam),
            },
            {
              name: 'vintage',
              in: 'query',
              required: false,
              description: "the list of units the code is read in; the agency's own vintage when omitted",
              schema: parameterSchema(VintageParam),
            },
            {
              name: 'format',
              in: 'query',
              required: false,
              description:
                'csv: UTF-8 CSV with a BOM, for printing (as Accept: text/csv); the next page in x-next-token',
              schema: { type: 'string', enum: ['csv'] },
            },
            { name: 'limit', in: 'query', required: false, schema: parameterSchema(LimitParam) },
            { name: 'nextToken', in: 'query', required: false, schema: parameterSchema(NextTokenParam) },
          ],
          responses: withCsv(
            responses(
              'Worklist',
              "The commune's worklist",
              'WORKLIST_COMMUNE_INVALID',
              'COVERAGE_VINTAGE_INVALID',
              'QUERY_INVALID',
              'CALLER_NOT_AGENCY',
              'AGENCY_UNKNOWN',
              'AGENCY_DISABLED',
              'ROLE_MISSING',
              'PLATFORM_NO_PERSONAL_DATA',
              'OUTSIDE_JURISDICTION',
              'UNIT_NOT_WHOLLY_HELD',
              'INTERNAL_ERROR',
            ),
            WORKLIST_CSV_COLUMNS,
          ),
        },
      },
      '/review': {
        get: {
          operationId: 'listReview',
          summary:
            "An agency's probable duplicates, both records side by side with the reasons (agencies: their own only)",
          security: agencySecurity,
          parameters: listParameters(ReviewIdParam, {
            name: 'batchId',
            in: 'query',
            required: false,
            description: "one batch's items only",
            schema: parameterSchema(BatchIdParam),
          }),
          responses: responses(
            'ReviewList',
            'The review list',
            'AGENCY_CODE_INVALID',
            'BATCH_ID_INVALID',
            'QUERY_INVALID',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'AGENCY_FORBIDDEN',
            'INTERNAL_ERROR',
          ),
        },
      },
      '/review/{id}': {
        post: {
          operationId: 'resolveReview',
          summary:
            'Resolves a probable duplicate: merge it into the candidate person, or keep the two apart (remembered)',
          security: agencySecurity,
          parameters: [{ name: 'id', in: 'path', required: true, schema: parameterSchema(ReviewIdParam) }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: parameterSchema(ReviewResolutionBody) } },
          },
          responses: responses(
            'Review',
            'The resolved item',
            'REVIEW_ID_INVALID',
            'REVIEW_BODY_INVALID',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'REVIEW_NOT_FOUND',
            'REVIEW_ALREADY_RESOLVED',
            'INTERNAL_ERROR',
          ),
        },
      },
      '/corrections': {
        get: {
          operationId: 'listCorrections',
          summary:
            "An agency's identity corrections (issue 19): the caller's own agency's, or with `agency=` one whose " +
            "unit lies below the caller's; `status=pending` for those waiting for a second officer",
          security: agencySecurity,
          parameters: [
            { name: 'agency', in: 'query', required: false, schema: parameterSchema(AgencyParam) },
            { name: 'status', in: 'query', required: false, schema: parameterSchema(CorrectionStatusParam) },
            { name: 'limit', in: 'query', required: false, schema: parameterSchema(LimitParam) },
            { name: 'nextToken', in: 'query', required: false, schema: parameterSchema(CorrectionIdParam) },
          ],
          responses: responses(
            'CorrectionList',
            'The corrections',
            'AGENCY_CODE_INVALID',
            'QUERY_INVALID',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'AGENCY_FORBIDDEN',
            'ROLE_MISSING',
            'OUTSIDE_JURISDICTION',
            'INTERNAL_ERROR',
          ),
        },
      },
      '/corrections/{id}': {
        post: {
          operationId: 'decideCorrection',
          summary:
            'Approves or rejects an identity correction, as a second officer: a signed-in person holding the ' +
            'approver role in the submitting agency or a unit above it, never its submitter nor a system. An ' +
            'approval applies it if the old value is still held',
          security: agencySecurity,
          parameters: [
            { name: 'id', in: 'path', required: true, schema: parameterSchema(CorrectionIdParam) },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: parameterSchema(CorrectionDecisionBody) } },
          },
          responses: responses(
            'Correction',
            'The decided correction',
            'CORRECTION_ID_INVALID',
            'CORRECTION_BODY_INVALID',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'AGENCY_FORBIDDEN',
            'ROLE_MISSING',
            'OUTSIDE_JURISDICTION',
            'CORRECTION_APPROVER_NOT_PERSON',
            'CORRECTION_SELF_APPROVAL',
            'CORRECTION_NOT_FOUND',
            'CORRECTION_ALREADY_DECIDED',
            'CORRECTION_STALE',
            'INTERNAL_ERROR',
          ),
        },
      },
      '/conflicts': {
        get: {
          operationId: 'listConflicts',
          summary:
            "An agency's conflicts (issue 19): rows whose personal ID is held for a person with another identity, " +
            "the form's values and the held person's side by side (masked where another agency registered the " +
            "person); the caller's own agency's, or with `agency=` one whose unit lies below the caller's",
          security: agencySecurity,
          parameters: [
            { name: 'agency', in: 'query', required: false, schema: parameterSchema(AgencyParam) },
            { name: 'status', in: 'query', required: false, schema: parameterSchema(ConflictStatusParam) },
            { name: 'limit', in: 'query', required: false, schema: parameterSchema(LimitParam) },
            { name: 'nextToken', in: 'query', required: false, schema: parameterSchema(ReviewIdParam) },
          ],
          responses: responses(
            'ConflictList',
            'The conflicts',
            'AGENCY_CODE_INVALID',
            'QUERY_INVALID',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'AGENCY_FORBIDDEN',
            'ROLE_MISSING',
            'OUTSIDE_JURISDICTION',
            'INTERNAL_ERROR',
          ),
        },
      },
      '/conflicts/{id}': {
        post: {
          operationId: 'decideConflict',
          summary:
            'Decides a conflict once, as a reviewer of the uploading agency or a unit above it: keep the held ' +
            'values; take the incoming ones (a signed-in person only: pending identity corrections a second officer ' +
            'approves); or different persons (the form stored apart, without the ID, and both kept apart)',
          security: agencySecurity,
          parameters: [{ name: 'id', in: 'path', required: true, schema: parameterSchema(ReviewIdParam) }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: parameterSchema(ConflictDecisionBody) } },
          },
          responses: responses(
            'Conflict',
            'The decided conflict',
            'CONFLICT_ID_INVALID',
            'CONFLICT_BODY_INVALID',
            'CALLER_NOT_AGENCY',
            'AGENCY_UNKNOWN',
            'AGENCY_DISABLED',
            'AGENCY_FORBIDDEN',
            'ROLE_MISSING',
            'OUTSIDE_JURISDICTION',
            'CONFLICT_TAKER_NOT_PERSON',
            'CONFLICT_NOT_FOUND',
            'CONFLICT_ALREADY_DECIDED',
            'CONFLICT_PERSON_UNKNOWN',
            'CONFLICT_APART_UNKNOWN',
            'INTERNAL_ERROR',
          ),
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': {} } } },
        },
      },
      '/': {
        get: {
          operationId: 'getCitizenPage',
          summary: 'The citizen lookup page (Vietnamese, English switch)',
          responses: { '200': { description: 'HTML', content: { 'text/html': {} } } },
        },
      },
      '/app/coverage': {
        get: {
          operationId: 'getCoveragePage',
          summary:
            "The coverage page for agencies' people (Vietnamese, English switch), on the people API. The document " +
            'needs no token and holds no data: its script signs in with the hosted UI (code + PKCE), then reads ' +
            'GET /coverage and GET /worklists/{commune} with the ID token. `?unit=&vintage=` opens a unit, ' +
            '`?worklist={commune}&vintage=` a commune’s worklist.',
          responses: { '200': { description: 'HTML', content: { 'text/html': {} } } },
        },
      },
    },
  };
}
