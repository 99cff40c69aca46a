// An upload through an upload URL (POST /uploads, issue 17): the ticket the agency function answers, and the PUT of
// a file with it. Used by `npm start`'s demo, `npm run upload` and the integration tests (test/integration/harness.ts).

import type { UploadTicket } from '../shared/ingest/upload-ticket.ts';
import { UPLOAD_METADATA } from '../shared/ingest/uploader.ts';
import { buildHttpApiEvent } from './runtime/http-server.ts';
import { invokeAlone } from './runtime/invocation.ts';
import { createLambdaContext } from './runtime/lambda-context.ts';
import type { LocalStack } from './runtime/stack.ts';

export type { UploadTicket } from '../shared/ingest/upload-ticket.ts';

/** The PUT of `body` to a ticket's URL with its signed headers (or `headers` in their place, to test a change). */
export async function putWithTicket(
  ticket: Pick<UploadTicket, 'url' | 'headers'>,
  body: Uint8Array | string,
  headers: Record<string, string> = ticket.headers,
): Promise<Response> {
  return fetch(ticket.url, { method: 'PUT', headers, body });
}

/** The PUT, or an error with S3's code when it is refused. */
export async function uploadWithTicket(ticket: UploadTicket, body: Uint8Array | string): Promise<void> {
  const answer = await putWithTicket(ticket, body);
  if (!answer.ok) {
    const text = await answer.text();
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? String(answer.status);
    throw Object.assign(new Error(`upload to ${ticket.key} refused: ${code}`), { name: code });
  }
}

/** What the machines' Lambda authoriser passes on for a machine of an agency (shared/api/caller.ts). */
export function machineContext(agency: string, roles = 'uploader viewer') {
  return { agency, roles, clientId: `local-client-${agency}` };
}

/**
 * POST /uploads to the stack's agency function, called in the stack's process as API Gateway would after the
 * machines' Lambda authoriser (no token needed): its status and body, a ticket or an error.
 */
export async function askUploadUrl(
  stack: Pick<LocalStack, 'handlers' | 'names'>,
  fileName: string,
  context: Record<string, unknown>,
): Promise<{ statusCode: number; body: UploadTicket & { error?: { code: string } } }> {
  const handler = stack.handlers.agency;
  if (!handler) throw new Error('the stack runs no agency function');
  const event = buildHttpApiEvent({
    method: 'POST',
    url: '/uploads',
    headers: { host: '127.0.0.1', 'content-type': 'application/json' },
    routeKey: 'POST /uploads',
    body: Buffer.from(JSON.stringify({ fileName })),
  });
  event.requestContext.authorizer = { lambda: context } as never;
  const invocation = createLambdaContext({
    functionName: 'dancu-agency',
    region: stack.names.region,
    memoryMb: 512,
    timeoutMs: 10_000,
  });
  // in an invoke store of its own, as the local HTTP server runs it
  const answer = (await invokeAlone(invocation, () => handler(event as never, invocation))) as {
    statusCode: number;
    body: string;
  };
  return { statusCode: answer.statusCode, body: JSON.parse(answer.body) };
}

/**
 * The metadata an upload URL for `agency` signs, for a bench or a test of the split alone that puts with the SDK and
 * the signer's own key (LOCAL_UPLOAD_SIGNER, local/runtime/account.ts): what the split admits.
 */
export function signerMetadata(agency: string, uploader = 'local-bench'): Record<string, string> {
  return { [UPLOAD_METADATA.agency]: agency, [UPLOAD_METADATA.uploader]: uploader };
}
