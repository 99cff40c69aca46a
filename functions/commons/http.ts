// What every HTTP route shares, as middy middlewares around @middy/http-router: a request id echoed in
// `x-request-id` and in error bodies, JSON errors with codes (vi/en), CORS, and security headers.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddyHandlerObject } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpRouterHandler, { type Route } from '@middy/http-router';
import httpSecurityHeaders from '@middy/http-security-headers';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod/mini';
import type { CallerEvent } from '../../shared/api/caller.ts';
import { cameThroughEdge, EDGE_HEADER } from '../../shared/api/edge.ts';
import { type ApiCodeName, ApiError, errorEnvelope } from '../../shared/api/errors.ts';
import { DEFAULT_ROUTE_KEY } from '../../shared/api/route-keys.ts';
import { logger } from './logger.ts';

export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    /** the people's API: a JWT's claims; the machines': the machine authoriser's answer (shared/api/caller.ts) */
    authorizer?: NonNullable<CallerEvent['requestContext']>['authorizer'];
  };
};
export type HttpResult = APIGatewayProxyStructuredResultV2;
type HttpRoute = Route<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;
type Middleware = middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context, { requestId?: string }>;

/** Nothing to cache: an application's status changes. */
export const NO_STORE = 'no-store';
/** A document any cache must check with the origin before using (a page, new at each deployment). */
export const NO_CACHE = 'no-cache';

export function json(body: unknown, cacheControl = NO_STORE, statusCode = 200): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': cacheControl },
    body: JSON.stringify(body),
  };
}

/** A parameter parsed with its schema, or the coded 400 for it. */
export function parameter<T extends z.ZodMiniType>(
  schema: T,
  value: unknown,
  code: ApiCodeName | ApiError<string>,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw typeof code === 'string' ? new ApiError(code) : code;
  return parsed.data;
}

// a caller's own id is echoed if it is a harmless token, so it can follow a request through its own logs
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdOf(event: HttpEvent, awsRequestId: string): string {
  const given = event.headers?.['x-request-id'];
  if (given && CALLER_REQUEST_ID.test(given)) return given;
  return event.requestContext?.requestId ?? awsRequestId;
}

function withHeader(response: unknown, name: string, value: string): void {
  const result = response as HttpResult | undefined;
  if (result && typeof result === 'object') result.headers = { ...result.headers, [name]: value };
}

const requestIds = (): Middleware => ({
  before: (request) => {
    const requestId = requestIdOf(request.event, request.context.awsRequestId);
    request.internal.requestId = requestId;
    logger.setCorrelationId(requestId);
    logger.appendKeys({ requestId, route: request.event.routeKey });
  },
  after: (request) => {
    withHeader(request.response, 'x-request-id', String(request.internal.requestId));
    logger.resetKeys();
  },
  onError: (request) => {
    withHeader(request.response, 'x-request-id', String(request.internal.requestId));
    logger.resetKeys();
  },
});

/** Any error as `{ error: { code, message, messageVi, requestId } }`; an unexpected one as a logged 500. */
const jsonErrors = (): Middleware => ({
  onError: (request) => {
    const error = request.error;
    let answer: ApiError<string>;
    if (error instanceof ApiError) answer = error;
    else if ((error as { statusCode?: number } | null)?.statusCode === 404)
      answer = new ApiError('ROUTE_NOT_FOUND');
    else {
      logger.error('request failed', { error: (error as Error | null)?.name ?? String(error) });
      answer = new ApiError('INTERNAL_ERROR');
    }
    const { status, body } = errorEnvelope(
      answer,
      String(request.internal.requestId ?? request.context.awsRequestId),
    );
    request.response = json(body, NO_STORE, status);
  },
});

/** An HTML page's own Content-Security-Policy instead of the one for JSON (runs after the security headers). */
const pagePolicy = (policy: string | undefined): Middleware => ({
  after: (request) => {
    const headers = request.response?.headers;
    if (policy && headers && String(headers['content-type']).startsWith('text/html')) {
      headers['Content-Security-Policy'] = policy;
    }
  },
});

/** Behind CloudFront, a request without the edge's header went around the WAF: refused before anything is read. */
const edgeOnly = (secret: string | undefined): Middleware => ({
  before: (request) => {
    if (!cameThroughEdge(secret, request.event.headers?.[EDGE_HEADER])) throw new ApiError('EDGE_REQUIRED');
  },
});

export interface HttpApiOptions {
  /** Content-Security-Policy of the HTML this function serves (its inline script and style by hash) */
  pagePolicy?: string;
  /** the value of `x-dancu-edge` CloudFront sends (EDGE_SECRET); unset, every request is served */
  edgeSecret?: string;
}

/** The handler of an HTTP API Lambda: the routes, wrapped in the middlewares every route shares. */
export function httpApi(routes: HttpRoute[], options: HttpApiOptions = {}) {
  const router = httpRouterHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>({
    routes,
    notFoundResponse: () => {
      throw new ApiError('ROUTE_NOT_FOUND');
    },
  });
  // the $default route (the API's unmatched requests) answers 404, never one of this function's own routes
  const dispatch = (event: APIGatewayProxyEventV2, context: Context, abort: MiddyHandlerObject) => {
    if (event.routeKey === DEFAULT_ROUTE_KEY) throw new ApiError('ROUTE_NOT_FOUND');
    return router(event, context, abort);
  };
  // after and onError run in the reverse order of use: errors first, then headers, then the request id
  return middy<HttpEvent, HttpResult, Error, Context, { requestId?: string }>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestIds())
    .use(pagePolicy(options.pagePolicy))
    .use(
      httpSecurityHeaders({
        // the API is read from other sites' pages too (CORS below); its JSON is not secret to a page
        crossOriginResourcePolicy: { policy: 'cross-origin' },
        crossOriginEmbedderPolicy: false,
        reportTo: false,
      }),
    )
    .use(httpCors({ origin: '*', methods: 'GET,POST', exposeHeaders: 'x-request-id', maxAge: 600 }))
    .use(jsonErrors())
    .use(edgeOnly(options.edgeSecret))
    .handler(dispatch as never);
}
