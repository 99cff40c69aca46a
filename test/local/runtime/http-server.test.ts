import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildHttpApiEvent,
  type HttpApiEvent,
  type HttpServer,
  startHttpServer,
} from '../../../local/runtime/http-server.ts';
import { ErrorBody } from '../../../shared/api/schemas.ts';
import { setProceduresEnvironment } from '../../functions/events.ts';

const seen: HttpApiEvent[] = [];
let realLookup: ReturnType<typeof import('../../../functions/lookup/handler.ts').lookupHandler>;
let server: HttpServer;

beforeAll(async () => {
  // the lookup module makes its own store on import, from the environment
  setProceduresEnvironment();
  const { lookupHandler } = await import('../../../functions/lookup/handler.ts');
  realLookup = lookupHandler({ applications: { get: async () => undefined } });
  server = await startHttpServer({
    port: 0,
    region: 'ap-southeast-1',
    log: { info: () => undefined, error: () => undefined },
    timeouts: { agency: 0.2 },
    agencies: ['CA-GIALAI', 'X'],
    handlers: {
      lookup: async (event, context) => {
        seen.push(event);
        // the real function answers the $default route: the envelope AWS would send
        if (event.routeKey === '$default') return realLookup(event as never, context as never);
        if (event.rawPath === '/') throw new Error('boom');
        return { statusCode: 201, headers: { 'x-answer': 'yes' }, body: 'made' };
      },
      agency: async (event) => {
        seen.push(event);
        if (event.pathParameters?.batchId === 'slow')
          await new Promise((resolve) => setTimeout(resolve, 1000));
        return { listed: true };
      },
    },
  });
});
afterAll(async () => server?.stop());

const last = () => seen.at(-1) as HttpApiEvent;

describe('local HTTP API', () => {
  it('builds the API Gateway 2.0 event of the matched route and writes the result back', async () => {
    const answer = await fetch(`${server.url}/applications/A%2FB.1?x=1&x=2&y=%C3%A1`, {
      headers: { 'X-Request-Id': 'r1', cookie: 'a=1; b=2' },
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-answer')).toBe('yes');
    expect(await answer.text()).toBe('made');
    expect(last()).toMatchObject({
      version: '2.0',
      routeKey: 'GET /applications/{code}',
      rawPath: '/applications/A%2FB.1',
      rawQueryString: 'x=1&x=2&y=%C3%A1',
      queryStringParameters: { x: '1,2', y: 'á' },
      pathParameters: { code: 'A/B.1' },
      cookies: ['a=1', 'b=2'],
      headers: { 'x-request-id': 'r1' },
      requestContext: { http: { method: 'GET', path: '/applications/A%2FB.1' }, stage: '$default' },
      isBase64Encoded: false,
    });
    expect(last().requestContext.authorizer).toBeUndefined();
  });

  it('sends a route API Gateway would not have to the $default route, answered 404 in the envelope', async () => {
    for (const [method, path] of [
      ['GET', '/applications'],
      ['POST', '/applications/X'],
      ['GET', '/batches/a/b'],
    ] as const) {
      const answer = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'x-request-id': 'nowhere-1' },
      });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(ErrorBody.parse(await answer.json())).toEqual({
        error: {
          code: 'ROUTE_NOT_FOUND',
          message: 'No such route',
          messageVi: 'Không có địa chỉ này',
          requestId: 'nowhere-1',
        },
      });
      expect(answer.headers.get('x-dancu-local-hint')).toContain('x-dancu-agency: CODE');
      expect(last()).toMatchObject({ routeKey: '$default', rawPath: path });
      expect(last().pathParameters).toBeUndefined();
      expect(last().requestContext.authorizer).toBeUndefined();
    }
  });

  it('answers 403 on an IAM route without the local agency header, as an unsigned request in AWS', async () => {
    const answer = await fetch(`${server.url}/batches`);
    expect(answer.status).toBe(403);
    expect(await answer.json()).toEqual({ message: 'Forbidden' });
    expect(answer.headers.get('x-dancu-local-hint')).toBe(
      'local stack: the agency routes (POST /uploads, GET /batches, GET /batches/{batchId}, GET /review, POST /review/{id}) take the header x-dancu-agency: CODE (one of CA-GIALAI, X) in place of a SigV4 signature',
    );
  });

  it('refuses an agency the local stack does not know, 403 in the envelope, before any handler', async () => {
    const before = seen.length;
    const answer = await fetch(`${server.url}/batches`, { headers: { 'x-dancu-agency': 'CA-NOWHERE' } });
    expect(answer.status).toBe(403);
    const { error } = ErrorBody.parse(await answer.json());
    expect(error).toMatchObject({
      code: 'AGENCY_UNKNOWN',
      message: 'This agency is not known here',
      messageVi: 'Cơ quan này không có trên hệ thống',
    });
    expect(answer.headers.get('x-request-id')).toBe(error.requestId);
    expect(answer.headers.get('x-dancu-local-hint')).toContain('one of CA-GIALAI, X');
    expect(seen.length).toBe(before);
  });

  it('turns the local agency header into the IAM identity of the role dancu-agency-{code}, and drops it', async () => {
    const answer = await fetch(`${server.url}/batches`, { headers: { 'x-dancu-agency': 'CA-GIALAI' } });
    expect(await answer.json()).toEqual({ listed: true });
    expect(last().requestContext.authorizer?.iam?.userArn).toBe(
      'arn:aws:sts::000000000000:assumed-role/dancu-agency-CA-GIALAI/local',
    );
    expect(last().headers['x-dancu-agency']).toBeUndefined();
  });

  it('never builds an IAM identity on a citizen route', () => {
    const event = buildHttpApiEvent({ method: 'GET', url: '/', headers: {}, routeKey: 'GET /' });
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('answers 500 when the handler throws, and 500 when it runs out of time', async () => {
    expect((await fetch(`${server.url}/`)).status).toBe(500);
    const slow = await fetch(`${server.url}/batches/slow`, { headers: { 'x-dancu-agency': 'X' } });
    expect(slow.status).toBe(500);
  });
});
