// API Gateway HTTP API on this machine: node:http on 127.0.0.1, routes of `shared/resources.ts` (HTTP_FUNCTIONS)
// matched as API Gateway matches them, each request turned into the payload-2.0 event API Gateway sends and
// handed to the same handler export that runs in Lambda; its result written back as API Gateway writes it.
// The agencies' routes are on two APIs in AWS, one authoriser each (shared/resources.ts HTTP_APIS); locally both are on
// this one server and the token picks the way in: a person's ID token (`Authorization: Bearer …`, from the local
// sign-in on this server's /oauth2/* paths, local/runtime/sign-in.ts) is checked as API Gateway's JWT authoriser checks
// Cognito's, its claims then in `requestContext.authorizer.jwt`; a machine's access token (client credentials) is
// checked by the machine authoriser's own rule (shared/api/machine-auth.ts) against the agencies table, its answer then
// in `requestContext.authorizer.lambda`. Without a token: 401, as API Gateway; a machine refused: 403. A request no
// route matches goes to the `$default` route's function, as in AWS. A refusal carries a hint in `x-dancu-local-hint`.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { decodeJwt } from 'jose';
import {
  type MachineAuthDeps,
  type MachineContext,
  machineAuthorization,
} from '../../shared/api/machine-auth.ts';
import { AGENCY_CODE_PATTERN } from '../../shared/api/schemas.ts';
import {
  DEFAULT_ROUTE_KEY,
  HTTP_APIS,
  HTTP_FUNCTIONS,
  type HttpFunctionId,
  type HttpRouteSpec,
} from '../../shared/resources.ts';
import { localName } from './account.ts';
import { invokeAlone } from './invocation.ts';
import { createLambdaContext } from './lambda-context.ts';
import { consoleLogger, describeError, type Logger } from './log.ts';
import {
  conventionalClient,
  createLocalSignIn,
  type LocalSignIn,
  localMachineClients,
  type MachineClient,
} from './sign-in.ts';
import { gatewayClaims, LOCAL_PEOPLE_CLIENT_ID } from './sign-in-tokens.ts';

const LOCAL_ACCOUNT = '000000000000';
/** Local-only advice on a refusal, in a header so the body stays the one AWS would send. */
const LOCAL_HINT_HEADER = 'x-dancu-local-hint';

export type HttpFunctionHandler = (event: HttpApiEvent, context: Context) => unknown;
export type HttpHandlers = Partial<Record<HttpFunctionId, HttpFunctionHandler>>;

/** API Gateway HTTP API payload format 2.0 (as `APIGatewayProxyEventV2WithIAMAuthorizer`). */
export interface HttpApiEvent {
  version: '2.0';
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  pathParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
    authorizer?: {
      /** API Gateway's JWT authoriser: the verified claims, every value a string (an array as `[a b]`) */
      jwt?: JwtAuthorizerContext;
      /** a Lambda authoriser's (simple response) context: the machine authoriser's */
      lambda?: MachineContext;
    };
  };
  body?: string;
  isBase64Encoded: boolean;
}

export interface JwtAuthorizerContext {
  claims: Record<string, string>;
  /** the route's authorisation scopes the token matched: null, as the people's routes ask for none */
  scopes: string[] | null;
}

interface CompiledRoute {
  functionId: HttpFunctionId;
  spec: HttpRouteSpec;
  /** behind a token (the people's and machines' APIs), or open (the citizens') */
  tokens: boolean;
  routeKey: string;
  pattern: RegExp;
  names: string[];
}

function compileRoutes(overrides: HttpServerOptions['routes'] = {}): CompiledRoute[] {
  return Object.values(HTTP_FUNCTIONS).flatMap((fn) =>
    (overrides[fn.id] ?? fn.routes).map((spec) => {
      const names: string[] = [];
      const source = spec.path
        .split('/')
        .map((segment) => {
          const parameter = /^\{(\w+)\}$/.exec(segment);
          if (!parameter?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(parameter[1]);
          return '([^/]+)';
        })
        .join('/');
      return {
        functionId: fn.id,
        spec,
        // a page's document needs no token (HttpRouteSpec.page); every other route of a token API does
        tokens: !spec.page && fn.apis.some((api) => HTTP_APIS[api].authorization !== 'none'),
        routeKey: `${spec.method} ${spec.path}`,
        pattern: new RegExp(`^${source}$`),
        names,
      };
    }),
  );
}

/** The route API Gateway would pick: exact paths before those with parameters. */
function matchRoute(routes: CompiledRoute[], method: string, path: string) {
  const candidates = routes.filter((route) => route.spec.method === method);
  const ordered = [
    ...candidates.filter((route) => route.names.length === 0),
    ...candidates.filter((route) => route.names.length > 0),
  ];
  for (const route of ordered) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    const pathParameters: Record<string, string> = {};
    route.names.forEach((name, i) => {
      pathParameters[name] = safeDecode(match[i + 1] ?? '');
    });
    return { route, pathParameters };
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Headers lower-cased, repeated ones joined with commas, cookies apart: as API Gateway builds them. */
function headersOf(request: IncomingMessage): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headersDistinct)) {
    if (!value) continue;
    if (name === 'cookie') cookies = value.flatMap((line) => line.split(/;\s*/)).filter(Boolean);
    else headers[name] = value.join(',');
  }
  return { headers, cookies };
}

export function buildHttpApiEvent(options: {
  method: string;
  url: string;
  headers: Record<string, string>;
  cookies?: string[];
  body?: Buffer;
  routeKey: string;
  pathParameters?: Record<string, string>;
  sourceIp?: string;
  jwt?: JwtAuthorizerContext;
  lambda?: MachineContext;
}): HttpApiEvent {
  const url = new URL(options.url, 'http://127.0.0.1');
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const requestId = randomUUID();
  const host = options.headers.host ?? '127.0.0.1';
  const event: HttpApiEvent = {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: options.headers,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: options.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '127.0.0.1',
        userAgent: options.headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: options.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (options.cookies && options.cookies.length > 0) event.cookies = options.cookies;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (options.pathParameters && Object.keys(options.pathParameters).length > 0) {
    event.pathParameters = options.pathParameters;
  }
  if (options.body && options.body.length > 0) {
    event.body = options.body.toString('base64');
    event.isBase64Encoded = true;
  }
  if (options.jwt) event.requestContext.authorizer = { jwt: options.jwt };
  if (options.lambda) event.requestContext.authorizer = { lambda: options.lambda };
  return event;
}

interface HttpResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/** A result as API Gateway reads it: a structured result, or any other value as a 200 JSON body. */
function write(response: ServerResponse, result: unknown, requestId: string): void {
  const structured =
    result !== null && typeof result === 'object' && 'statusCode' in result
      ? (result as HttpResult)
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  response.setHeader('apigw-requestid', requestId);
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    response.setHeader(name, String(value));
  if (structured.cookies?.length) response.setHeader('set-cookie', structured.cookies);
  response.statusCode = structured.statusCode ?? 200;
  const body = structured.body ?? '';
  response.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/** An answer API Gateway gives itself, in its own shape (an HTTP API cannot reshape it: docs/procedures.md). */
function gatewayError(response: ServerResponse, statusCode: number, message: string, hint?: string): void {
  response.statusCode = statusCode;
  response.setHeader('content-type', 'application/json');
  if (hint) response.setHeader(LOCAL_HINT_HEADER, hint);
  response.end(JSON.stringify({ message }));
}

const TOKEN_HINT =
  "local stack: the agency routes take Authorization: Bearer TOKEN, a person's ID token (npm run sign-in -- --agency CODE --role ROLE) or an agency system's access token (npm run sign-in -- --client ID --secret SECRET)";
/** API Gateway's answer to a JWT route without a valid token; why, in the local hint. */
function unauthorized(response: ServerResponse, reason: string): void {
  response.setHeader('www-authenticate', 'Bearer error="invalid_token"');
  gatewayError(
    response,
    401,
    'Unauthorized',
    `${TOKEN_HINT}; the token was refused: ${reason}`.replace(/[^\t\x20-\x7e]/g, '?'),
  );
}

export interface HttpServerOptions {
  /** 0 picks a free port */
  port: number;
  handlers: HttpHandlers;
  region: string;
  /** seconds, instead of each function's own (tests) */
  timeouts?: Partial<Record<HttpFunctionId, number>>;
  /** the agency codes the local sign-in signs people in for; any code when not given */
  agencies?: readonly string[];
  /** the local sign-in's machine clients (default one per agency of `agencies`: local/runtime/sign-in.ts) */
  machineClients?: readonly MachineClient[];
  /** where the machine authoriser finds a client's agency (the agencies table); default: `machineClients`, active */
  clientLookup?: MachineAuthDeps['clients'];
  /** routes in place of a function's own in shared/resources.ts (tests) */
  routes?: Partial<Record<HttpFunctionId, HttpRouteSpec[]>>;
  log?: Logger;
}

export interface HttpServer {
  url: string;
  /** the local sign-in served on this server (its issuer is `url`) */
  signIn: LocalSignIn;
  stop(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const log = options.log ?? consoleLogger;
  const routes = compileRoutes(options.routes);
  // the sign-in's issuer is the server's URL, known once it listens; no request arrives before
  let signIn: LocalSignIn | undefined;
  let clientLookup: MachineAuthDeps['clients'] = { get: async () => undefined };
  // the citizen API's $default route: a request no route matches (the agencies' APIs are elsewhere in AWS)
  const defaultFunction = Object.values(HTTP_FUNCTIONS).find(
    (spec) => spec.defaultRoute && spec.apis.includes('citizen'),
  )?.id;
  const hint = TOKEN_HINT;

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!signIn) return gatewayError(response, 503, 'Service Unavailable');
    if (await signIn.serve(request, response, url)) return;
    const matched = matchRoute(routes, method, url.pathname);
    // API Gateway sends a request no route matches to the $default route, without path parameters
    const found =
      matched ??
      (defaultFunction ? { route: { functionId: defaultFunction, routeKey: DEFAULT_ROUTE_KEY } } : undefined);
    const handler = found && options.handlers[found.route.functionId];
    if (!found || !handler) return gatewayError(response, 404, 'Not Found', hint);
    if (!matched) response.setHeader(LOCAL_HINT_HEADER, hint);
    const { headers, cookies } = headersOf(request);
    let jwt: JwtAuthorizerContext | undefined;
    let lambda: MachineContext | undefined;
    if (matched?.route.tokens) {
      const bearer = headers.authorization;
      if (tokenUseOf(bearer) === 'access') {
        // the machine API: its authoriser's rule, as functions/authorizer runs it
        const decision = await machineAuthorization(bearer, { verifier: signIn, clients: clientLookup });
        if (!decision.allowed) {
          request.resume();
          return gatewayError(
            response,
            403,
            'Forbidden',
            `${TOKEN_HINT}; the machine was refused: ${decision.reason}`,
          );
        }
        lambda = decision.context;
      } else {
        const verdict = await signIn.verifyBearer(bearer, {
          audience: LOCAL_PEOPLE_CLIENT_ID,
          tokenUse: 'id',
        });
        if (!verdict.ok) {
          request.resume();
          return unauthorized(response, verdict.reason);
        }
        jwt = { claims: gatewayClaims(verdict.claims), scopes: null };
      }
    }
    const chunks: Buffer[] = [];
    // most requests (GETs) have no body: no need to wait for one
    if (request.headers['content-length'] || request.headers['transfer-encoding']) {
      for await (const chunk of request) chunks.push(chunk as Buffer);
    } else request.resume();
    const event = buildHttpApiEvent({
      method,
      url: request.url ?? '/',
      headers,
      cookies,
      body: Buffer.concat(chunks),
      routeKey: found.route.routeKey,
      ...(matched ? { pathParameters: matched.pathParameters } : {}),
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      ...(jwt ? { jwt } : {}),
      ...(lambda ? { lambda } : {}),
    });
    const spec = HTTP_FUNCTIONS[found.route.functionId];
    const timeoutMs = (options.timeouts?.[spec.id] ?? spec.timeoutSeconds) * 1000;
    const context = createLambdaContext({
      functionName: localName(spec.id),
      region: options.region,
      memoryMb: spec.memoryMb,
      timeoutMs,
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        invokeAlone(context, () => handler(event, context)),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      write(response, result, event.requestContext.requestId);
    } catch (error) {
      log.error(`${localName(spec.id)}: ${event.routeKey} failed: ${describeError(error)}`);
      gatewayError(response, 500, 'Internal Server Error');
    } finally {
      clearTimeout(timer);
    }
  }

  const server = createServer((request, response) => {
    serve(request, response).catch((error) => {
      log.error(`http: ${describeError(error)}`);
      if (!response.headersSent) gatewayError(response, 500, 'Internal Server Error');
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const agencies = options.agencies?.filter((code) => AGENCY_CODE_PATTERN.test(code));
  const machineClients = options.machineClients ?? localMachineClients(agencies ?? []);
  signIn = await createLocalSignIn({ issuer: url, ...(agencies ? { agencies } : {}), machineClients });
  clientLookup =
    options.clientLookup ??
    (() => {
      const byId = new Map(machineClients.map((c) => [c.clientId, c]));
      return {
        get: async (clientId: string) => {
          // the agency's standing is the agency function's to check, as in AWS
          const client = byId.get(clientId) ?? (agencies ? undefined : conventionalClient(clientId));
          return client && { clientId, agency: client.agency, active: true };
        },
      };
    })();
  return {
    url,
    signIn,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      }),
  };
}

/** The `token_use` a bearer token says it is, unverified: only to pick the API it is for (both are checked after). */
function tokenUseOf(header: string | undefined): unknown {
  const token = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(header?.trim() ?? '')?.[1];
  if (!token) return undefined;
  try {
    return decodeJwt(token).token_use;
  } catch {
    return undefined;
  }
}
