// API Gateway HTTP API events for handler tests, built by the local adapter that serves them on 127.0.0.1.
import { buildHttpApiEvent } from '../../local/runtime/http-server.ts';
import { lambdaContext } from './events.ts';

/** Who calls an agency route in a test: a person of `agency` with `roles` (default every role but approver, platform). */
export interface TestCaller {
  agency?: string;
  roles?: string[];
  /** a machine (the machine authoriser's context) instead of a person (the JWT authoriser's claims) */
  machine?: boolean;
  /** the person's `sub` (default `person-of-{agency}`) */
  subject?: string;
}

/** The authoriser's context API Gateway would pass for `caller`. */
export function authorizerOf({
  agency,
  roles = ['uploader', 'reviewer', 'viewer'],
  machine,
  subject,
}: TestCaller) {
  if (!agency) return {};
  if (machine) return { lambda: { agency, roles: roles.join(' '), clientId: `client-${agency}` } };
  return {
    jwt: {
      claims: {
        token_use: 'id',
        sub: subject ?? `person-of-${agency}`,
        'custom:agency': agency,
        'cognito:groups': `[${roles.join(' ')}]`,
      },
      scopes: null,
    },
  };
}

export function get(
  path: string,
  routeKey: string,
  options: {
    pathParameters?: Record<string, string>;
    headers?: Record<string, string>;
  } & TestCaller = {},
) {
  return buildHttpApiEvent({
    method: 'GET',
    url: path,
    headers: { host: 'api.example', ...options.headers },
    routeKey,
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...authorizerOf(options),
  });
}

/** A POST with a JSON body, as API Gateway passes it (base64). */
export function post(
  path: string,
  routeKey: string,
  body: unknown,
  options: { pathParameters?: Record<string, string> } & TestCaller = {},
) {
  return buildHttpApiEvent({
    method: 'POST',
    url: path,
    headers: { host: 'api.example', 'content-type': 'application/json' },
    routeKey,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...authorizerOf(options),
  });
}

export { lambdaContext };

export interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export const bodyOf = (answer: unknown) => JSON.parse((answer as Answer).body);
export const headersOf = (answer: unknown) => (answer as Answer).headers;
