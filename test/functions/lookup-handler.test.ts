// The citizens' routes on the applications fake: what a lookup answers, and what it never reads or lets out.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApplicationView, ErrorBody } from '../../shared/api/schemas.ts';
import { applicationOf, protectEvent } from '../../shared/procedures/application.ts';
import { ProcedureEvent } from '../../shared/procedures/event.ts';
import { CODE_ALONE_UNTIL } from '../../shared/procedures/lookup-factor.ts';
import { MemoryApplications } from '../fakes/applications.ts';
import { CODE, procedureEvent } from '../procedures/fixtures.ts';
import { setProceduresEnvironment } from './events.ts';
import { bodyOf, get, headersOf, lambdaContext } from './http.ts';

setProceduresEnvironment();
let lookupHandler: typeof import('../../functions/lookup/handler.ts').lookupHandler;

const application = applicationOf(
  [
    procedureEvent(1, 2, {
      dueAt: '2025-01-20T10:00:00Z',
      applicant: {
        fullName: 'Lê Thị Hoa',
        personalId: '064190123456',
        phone: '0912345678',
        birthYear: 1990,
      },
    }),
    procedureEvent(2, 4),
  ].map((event) => protectEvent(ProcedureEvent.parse(event))),
);
let applications: MemoryApplications;
let handler: ReturnType<typeof lookupHandler>;
const lookup = (code: string, headers: Record<string, string> = { 'x-dancu-birth-year': '1990' }) =>
  handler(
    get(`/applications/${encodeURIComponent(code)}`, 'GET /applications/{code}', {
      pathParameters: { code },
      headers,
    }) as never,
    lambdaContext(),
  );

beforeAll(async () => {
  ({ lookupHandler } = await import('../../functions/lookup/handler.ts'));
});
beforeEach(async () => {
  applications = new MemoryApplications();
  await applications.saveState(application);
  handler = lookupHandler({ applications });
});

describe('GET /applications/{code}', () => {
  it('answers the application as a citizen may see it', async () => {
    const answer = await lookup(CODE.toLowerCase());
    expect(answer).toMatchObject({ statusCode: 200 });
    const body = ApplicationView.parse(bodyOf(answer));
    expect(body).toMatchObject({
      applicationCode: CODE,
      status: 4,
      statusLabel: { vi: 'Đang xử lý', en: 'Processing' },
      overdue: true,
      applicant: { maskedName: 'L*** T*** H***' },
    });
    expect(body.history.map((entry) => entry.status)).toEqual([2, 4]);
    expect((answer as { body: string }).body).not.toMatch(/Lê Thị Hoa|064190123456|0912345678|agencyCode/);
  });

  it('sets security headers, CORS, the request id and no caching', async () => {
    const headers = headersOf(
      await lookup(CODE, {
        'x-dancu-birth-year': '1990',
        'x-request-id': 'trace-42',
        origin: 'https://portal.example',
      }),
    );
    expect(headers).toMatchObject({
      'x-request-id': 'trace-42',
      'cache-control': 'no-store',
      'Access-Control-Allow-Origin': '*',
      'Strict-Transport-Security': expect.stringContaining('max-age='),
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': expect.stringContaining("frame-ancestors 'none'"),
      'Referrer-Policy': 'no-referrer',
    });
  });

  it('does not echo a request id that is not a plain token', async () => {
    const headers = headersOf(await lookup(CODE, { 'x-request-id': 'a\nb<script>' }));
    expect(headers['x-request-id']).not.toContain('<');
  });

  it.each([
    'nope',
    'DROP TABLE applications',
    '000.00.12.H21-250115',
    `${'A'.repeat(40)}-250115-0001`,
    '../../etc/passwd',
    '000.00.12.H21-250115-0001 OR 1=1',
  ])('answers 400 for %j before reading anything', async (code) => {
    const reads = vi.spyOn(applications, 'get');
    const answer = await lookup(code);
    expect(answer).toMatchObject({ statusCode: 400 });
    expect(ErrorBody.parse(bodyOf(answer)).error).toMatchObject({
      code: 'APPLICATION_CODE_INVALID',
      messageVi: expect.stringContaining('Mã hồ sơ'),
    });
    expect(reads).not.toHaveBeenCalled();
  });

  it('answers 404 for a well-formed unknown code', async () => {
    const answer = await lookup('G09.20-20260609-0092637');
    expect(answer).toMatchObject({ statusCode: 404 });
    expect(bodyOf(answer).error.code).toBe('APPLICATION_NOT_FOUND');
  });

  it('answers a wrong birth year, or none, exactly as an unknown code: one status, one body, one set of headers', async () => {
    const ask = (code: string, year?: string) =>
      lookup(code, { 'x-request-id': 'same-id', ...(year ? { 'x-dancu-birth-year': year } : {}) });
    const unknown = await ask('G09.20-20260609-0092637', '1990');
    expect(unknown).toMatchObject({ statusCode: 404 });
    expect(ErrorBody.parse(bodyOf(unknown)).error).toEqual({
      code: 'APPLICATION_NOT_FOUND',
      message: 'No application has this code and birth year',
      messageVi: 'Không tìm thấy hồ sơ với mã và năm sinh này',
      requestId: 'same-id',
    });
    for (const wrong of [await ask(CODE, '1991'), await ask(CODE, ' 1980 '), await ask(CODE)]) {
      expect(wrong).toEqual(unknown);
    }
  });

  it.each(['199', '19900', 'abcd', '1899', '2101', '1990; DROP'])(
    'answers 400 for birth year %j before reading anything',
    async (year) => {
      const reads = vi.spyOn(applications, 'get');
      const answer = await lookup(CODE, { 'x-dancu-birth-year': year });
      expect(answer).toMatchObject({ statusCode: 400 });
      expect(bodyOf(answer).error.code).toBe('APPLICATION_BIRTH_YEAR_INVALID');
      expect(reads).not.toHaveBeenCalled();
    },
  );

  describe('an application stored before the birth year was sent', () => {
    afterEach(() => vi.useRealTimers());
    const legacy = applicationOf([protectEvent(ProcedureEvent.parse(procedureEvent(1, 2)))]);

    it('is looked up by code alone until CODE_ALONE_UNTIL', async () => {
      vi.useFakeTimers({ now: CODE_ALONE_UNTIL.getTime() - 1, toFake: ['Date'] });
      await applications.saveState({ ...legacy, eventCount: 99 });
      expect(await lookup(CODE, {})).toMatchObject({ statusCode: 200 });
      expect(await lookup(CODE, { 'x-dancu-birth-year': '1975' })).toMatchObject({ statusCode: 200 });
    });

    it('answers 404 as an unknown code from CODE_ALONE_UNTIL', async () => {
      vi.useFakeTimers({ now: CODE_ALONE_UNTIL.getTime(), toFake: ['Date'] });
      await applications.saveState({ ...legacy, eventCount: 99 });
      const answer = await lookup(CODE, {});
      expect(answer).toMatchObject({ statusCode: 404 });
      expect(bodyOf(answer).error.code).toBe('APPLICATION_NOT_FOUND');
    });
  });

  it('answers 500 with a code and no internals when DynamoDB fails', async () => {
    vi.spyOn(applications, 'get').mockRejectedValue(new Error('secret internals'));
    const answer = await lookup(CODE);
    expect(answer).toMatchObject({ statusCode: 500 });
    expect(bodyOf(answer).error.code).toBe('INTERNAL_ERROR');
    expect((answer as { body: string }).body).not.toContain('secret');
  });
});

describe('other routes of the lookup function', () => {
  it('serves the page with its own Content-Security-Policy', async () => {
    const answer = await handler(get('/', 'GET /') as never, lambdaContext());
    expect(answer).toMatchObject({ statusCode: 200 });
    const headers = headersOf(answer);
    expect(headers['content-type']).toMatch(/^text\/html/);
    expect(headers['Content-Security-Policy']).toMatch(/script-src 'sha256-[^']+'; style-src 'sha256-/);
    expect((answer as { body: string }).body).toContain('<label for="code"');
  });

  it('serves the OpenAPI document', async () => {
    const answer = await handler(get('/openapi.json', 'GET /openapi.json') as never, lambdaContext());
    expect(bodyOf(answer).openapi).toBe('3.1.0');
  });

  it('answers an unknown route with a coded 404', async () => {
    const answer = await handler(get('/nowhere', '$default') as never, lambdaContext());
    expect(answer).toMatchObject({ statusCode: 404 });
    expect(bodyOf(answer).error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('answers the $default route in the whole envelope, even on a path it serves otherwise', async () => {
    for (const path of ['/nowhere', '/openapi.json', '/applications/000.00.12.H21-250115-0001']) {
      const answer = await handler(
        get(path, '$default', { headers: { 'x-request-id': 'unknown-1' } }) as never,
        lambdaContext(),
      );
      expect(answer, path).toMatchObject({ statusCode: 404 });
      expect(headersOf(answer)['x-request-id']).toBe('unknown-1');
      expect(ErrorBody.parse(bodyOf(answer))).toEqual({
        error: {
          code: 'ROUTE_NOT_FOUND',
          message: 'No such route',
          messageVi: 'Không có địa chỉ này',
          requestId: 'unknown-1',
        },
      });
    }
  });
});

describe('behind CloudFront (EDGE_SECRET set)', () => {
  const secret = 'edge-0123456789abcdef0123456789abcdef';
  let edged: ReturnType<typeof lookupHandler>;
  beforeEach(() => {
    vi.stubEnv('EDGE_SECRET', secret);
    edged = lookupHandler({ applications });
    vi.unstubAllEnvs();
  });
  const call = (headers: Record<string, string>) =>
    edged(
      get(`/applications/${encodeURIComponent(CODE)}`, 'GET /applications/{code}', {
        pathParameters: { code: CODE },
        headers: { 'x-dancu-birth-year': '1990', ...headers },
      }) as never,
      lambdaContext(),
    );

  it('serves a request that carries the edge’s header', async () => {
    expect(await call({ 'x-dancu-edge': secret })).toMatchObject({ statusCode: 200 });
  });

  it.each([
    ['no header', {}],
    ['a wrong value', { 'x-dancu-edge': `${secret.slice(0, -1)}x` }],
    ['a prefix of it', { 'x-dancu-edge': secret.slice(0, 10) }],
    ['an empty value', { 'x-dancu-edge': '' }],
  ])('refuses %s with EDGE_REQUIRED before reading anything', async (_, headers) => {
    const get = vi.spyOn(applications, 'get');
    const answer = await call(headers);
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(ErrorBody.parse(bodyOf(answer)).error.code).toBe('EDGE_REQUIRED');
    expect(get).not.toHaveBeenCalled();
  });

  it('refuses the page too: nothing of the citizen API is served around the WAF', async () => {
    const answer = await edged(get('/', 'GET /') as never, lambdaContext());
    expect(answer).toMatchObject({ statusCode: 403 });
  });
});
