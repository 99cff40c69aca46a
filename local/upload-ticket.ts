// An upload through an upload URL (POST /uploads, issue 17): the ticket the agency function answers, and the PUT of
// a file with it. Used by `npm run upload` and the integration tests (test/integration/harness.ts).

/** What POST /uploads answers (shared/api/schemas.ts UploadTicket). */
export interface UploadTicket {
  key: string;
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

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
