import { describe, expect, it } from 'vitest';
import { API_CODES } from '../../shared/api/errors.ts';
import { openApiDocument } from '../../shared/api/openapi.ts';
import { WORKLIST_CSV_COLUMNS } from '../../shared/api/schemas.ts';
import { HTTP_FUNCTIONS } from '../../shared/resources.ts';
import { responseValidator } from './validator.ts';

const document = openApiDocument();

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with the JSON Schema 2020-12 dialect', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every route the API serves, and only those', () => {
    const routes = Object.values(HTTP_FUNCTIONS).flatMap((fn) => fn.routes.map((route) => route.path));
    expect(Object.keys(document.paths).sort()).toEqual(routes.sort());
  });

  it('marks exactly the agency routes as needing a token (not the pages, documents without data)', () => {
    for (const fn of Object.values(HTTP_FUNCTIONS)) {
      for (const route of fn.routes) {
        const operation = (document.paths as Record<string, Record<string, { security?: unknown }>>)[
          route.path
        ]?.[route.method.toLowerCase()];
        expect(Boolean(operation?.security), route.path).toBe(!fn.apis.includes('citizen') && !route.page);
      }
    }
  });

  it('has the response schemas, and its error responses name real codes', () => {
    expect(Object.keys(document.components.schemas).sort()).toEqual([
      'Application',
      'Batch',
      'BatchList',
      'Birth',
      'Conflict',
      'ConflictList',
      'Correction',
      'CorrectionList',
      'Coverage',
      'Error',
      'Label',
      'PersonHistory',
      'Review',
      'ReviewList',
      'UploadTicket',
      'Worklist',
    ]);
    const described = JSON.stringify(document.paths);
    for (const code of ['APPLICATION_CODE_INVALID', 'APPLICATION_NOT_FOUND', 'AGENCY_FORBIDDEN']) {
      expect(code in API_CODES).toBe(true);
      expect(described).toContain(code);
    }
  });

  it('gives the application code parameter its pattern', () => {
    const parameters = document.paths['/applications/{code}'].get.parameters;
    expect(JSON.stringify(parameters)).toContain('"pattern"');
  });

  it('asks for the birth year in a header, checked in shape, and gives one 404 for a wrong year or code', () => {
    const { parameters } = document.paths['/applications/{code}'].get;
    const responses = document.paths['/applications/{code}'].get.responses as Record<
      string,
      { description: string }
    >;
    expect(parameters).toContainEqual(
      expect.objectContaining({
        name: 'x-dancu-birth-year',
        in: 'header',
        schema: expect.objectContaining({ type: 'string', pattern: expect.any(String) }),
      }),
    );
    expect(parameters.some((parameter) => parameter.in === 'query')).toBe(false);
    expect(responses['400']?.description).toContain('APPLICATION_BIRTH_YEAR_INVALID');
    expect(responses['404']?.description).toMatch(/APPLICATION_NOT_FOUND.*birth year is wrong/);
  });

  it('compiles: every $ref resolves', () => {
    for (const name of Object.keys(document.components.schemas))
      expect(responseValidator(name)).toBeTypeOf('function');
  });

  it('does not let an ID number or full name through the citizen schema', () => {
    const validate = responseValidator('Application');
    const valid = {
      applicationCode: 'G09.20-20260609-0092637',
      procedureCode: '1.012784.H21',
      procedureName: 'x',
      agencyName: 'y',
      status: 4,
      statusLabel: { vi: 'Đang xử lý', en: 'Processing' },
      receivedAt: null,
      dueAt: null,
      overdue: false,
      resultDelivery: null,
      updatedAt: '2026-01-01T00:00:00Z',
      history: [],
      applicant: { maskedName: 'N*** A***' },
    };
    expect(validate(valid)).toBe(true);
    expect(validate({ ...valid, applicant: { maskedName: 'N*** A***', personalId: '064090123456' } })).toBe(
      false,
    );
    expect(validate({ ...valid, fullName: 'Nguyễn An' })).toBe(false);
  });

  it('documents a worklist as JSON and as CSV, a person only as its four fields, never the ID', () => {
    const answer = document.paths['/worklists/{commune}'].get.responses['200'] as {
      content: Record<string, { schema: { $ref?: string; type?: string; description?: string } }>;
      headers: Record<string, unknown>;
    };
    expect(answer.content['application/json']?.schema.$ref).toBe('#/components/schemas/Worklist');
    expect(answer.content['text/csv']?.schema).toMatchObject({ type: 'string' });
    expect(answer.content['text/csv']?.schema.description).toContain(WORKLIST_CSV_COLUMNS.join(', '));
    expect(Object.keys(answer.headers)).toEqual(['x-request-id', 'x-next-token']);
    const validate = responseValidator('Worklist');
    const line = {
      kind: 'rejected',
      agencyCode: 'CA-PLEIKU',
      batchId: 'b1',
      row: 1,
      formId: 'F1',
      commune2020: '23869',
      commune2025: '',
      codes: [{ code: 'SEX_INVALID', vi: 'x', en: 'y' }],
      person: { fullName: 'Lê Văn Ba', dateOfBirth: '1990-01-02', permanentAddress: 'Xã Ia Kla' },
    };
    const page = { commune: { code: '23869', vintage: 2020, name: 'Xã Ia Kla' }, items: [line] };
    expect(validate(page)).toBe(true);
    expect(validate({ ...page, items: [{ ...line, kind: 'other' }] })).toBe(false);
    expect(
      validate({ ...page, items: [{ ...line, person: { ...line.person, personalId: '064090123456' } }] }),
    ).toBe(false);
    expect(validate({ ...page, items: [{ ...line, person: { ...line.person, phone: '0912345678' } }] })).toBe(
      false,
    );
  });
});
