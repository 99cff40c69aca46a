// API Gateway HTTP API events for handler tests, built by the local adapter that serves them on 127.0.0.1.
import { buildHttpApiEvent } from '../../local/runtime/http-server.ts';
import { lambdaContext } from './events.ts';

export function get(
  path: string,
  routeKey: string,
  options: {
    pathParameters?: Record<string, string>;
    headers?: Record<string, string>;
    agency?: string;
  } = {},
) {
  return buildHttpApiEvent({
    method: 'GET',
    url: path,
    headers: { host: 'api.example', ...options.headers },
    routeKey,
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(options.agency ? { agency: options.agency } : {}),
  });
}

/** A POST with a JSON body, as API Gateway passes it (base64). */
export function post(
  path: string,
  routeKey: string,
  body: unknown,
  options: { pathParameters?: Record<string, string>; agency?: string } = {},
) {
  return buildHttpApiEvent({
    method: 'POST',
    url: path,
    headers: { host: 'api.example', 'content-type': 'application/json' },
    routeKey,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(options.agency ? { agency: options.agency } : {}),
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
