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
      expect(answer.headers.get('x-dancu-local-hint')).toContain('Authorization: Bearer');
      expect(last()).toMatchObject({ routeKey: '$default', rawPath: path });
      expect(last().pathParameters).toBeUndefined();
      expect(last().requestContext.authorizer).toBeUndefined();
    }
  });

  it('answers 401 on an agency route without a token, as API Gateway, before any handler', async () => {
    const before = seen.length;
    for (const authorization of [undefined, 'Bearer nope', 'Basic abc']) {
      const answer = await fetch(
        `${server.url}/batches`,
        authorization ? { headers: { authorization } } : {},
      );
      expect(answer.status).toBe(401);
      expect(await answer.json()).toEqual({ message: 'Unauthorized' });
      expect(answer.headers.get('x-dancu-local-hint')).toContain('npm run sign-in');
    }
    expect(seen.length).toBe(before);
  });

  it('opens a page’s document without a token, with no authoriser context, as the people API’s page route', async () => {
    const answer = await fetch(`${server.url}/app/coverage?unit=64`);
    expect(answer.status).toBe(200);
    expect(last()).toMatchObject({ routeKey: 'GET /app/coverage', rawQueryString: 'unit=64' });
    expect(last().requestContext.authorizer).toBeUndefined();
    // the data it shows still needs the token
    expect((await fetch(`${server.url}/coverage?unit=64`)).status).toBe(401);
  });

  it('hands a person’s ID token on as the JWT authoriser does: its claims, every value a string', async () => {
    const idToken = await server.signIn.idToken({ agency: 'CA-GIALAI', roles: ['viewer', 'uploader'] });
    const answer = await fetch(`${server.url}/batches`, { headers: { authorization: `Bearer ${idToken}` } });
    expect(await answer.json()).toEqual({ listed: true });
    expect(last().requestContext.authorizer?.jwt?.claims).toMatchObject({
      'custom:agency': 'CA-GIALAI',
      'cognito:groups': '[viewer uploader]',
      token_use: 'id',
    });
    expect(last().requestContext.authorizer?.lambda).toBeUndefined();
  });

  it('hands a machine’s access token on as the machine authoriser does: its agency, roles by scope, client', async () => {
    const token = await server.signIn.accessToken({
      clientId: 'dancu-local-machine-X',
      scopes: ['dancu/read'],
    });
    const answer = await fetch(`${server.url}/batches`, { headers: { authorization: `Bearer ${token}` } });
    expect(await answer.json()).toEqual({ listed: true });
    expect(last().requestContext.authorizer?.lambda).toEqual({
      agency: 'X',
      roles: 'viewer',
      clientId: 'dancu-local-machine-X',
    });
  });

  it('refuses a machine its authoriser does not know, or one with no dancu scope: 403, before any handler', async () => {
    const before = seen.length;
    for (const [clientId, scopes] of [
      ['someone-else', ['dancu/read']],
      ['dancu-local-machine-X', ['openid']],
    ] as const) {
      const token = await server.signIn.accessToken({ clientId, scopes });
      const answer = await fetch(`${server.url}/batches`, { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(403);
      expect(await answer.json()).toEqual({ message: 'Forbidden' });
    }
    expect(seen.length).toBe(before);
  });

  it('never builds an authoriser context on a citizen route', () => {
    const event = buildHttpApiEvent({ method: 'GET', url: '/', headers: {}, routeKey: 'GET /' });
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('answers 500 when the handler throws, and 500 when it runs out of time', async () => {
    expect((await fetch(`${server.url}/`)).status).toBe(500);
    const idToken = await server.signIn.idToken({ agency: 'X', roles: ['viewer'] });
    const slow = await fetch(`${server.url}/batches/slow`, {
      headers: { authorization: `Bearer ${idToken}` },
    });
    expect(slow.status).toBe(500);
  });
});
