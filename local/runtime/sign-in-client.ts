// The caller's side of the local sign-in (local/runtime/sign-in.ts), over HTTP as a page or a machine would go:
// authorise with PKCE, exchange the code, or ask for a client-credentials token. Used by `npm run sign-in` and
// the tests.
import { randomBytes } from 'node:crypto';
import type { Role } from '../../shared/api/caller.ts';
import { s256 } from './sign-in.ts';
import { LOCAL_PEOPLE_CLIENT_ID, type LocalPerson } from './sign-in-tokens.ts';

/** Where the local sign-in sends the browser back: any loopback address is a registered callback locally. */
export const LOCAL_REDIRECT_URI = 'http://127.0.0.1/signed-in';

export interface PersonTokens {
  idToken: string;
  accessToken: string;
  expiresIn: number;
}

/** A refusal by the sign-in: its HTTP status and OAuth error (`invalid_grant`, `invalid_client`…). */
export class SignInError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(`sign-in refused (${status} ${error}): ${description}`);
    this.name = 'SignInError';
  }
}

async function refusal(response: Response): Promise<SignInError> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; error_description?: string };
  return new SignInError(response.status, body.error ?? 'unknown', body.error_description ?? '');
}

/** A PKCE verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256(verifier) };
}

/** The authorisation code for a person, read from the redirect to `redirectUri` (which checks `state`). */
export async function authorize(
  baseUrl: string,
  person: LocalPerson & { challenge: string; redirectUri?: string },
): Promise<string> {
  const state = randomBytes(12).toString('base64url');
  const url = new URL('/oauth2/authorize', baseUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: LOCAL_PEOPLE_CLIENT_ID,
    redirect_uri: person.redirectUri ?? LOCAL_REDIRECT_URI,
    scope: 'openid',
    state,
    code_challenge: person.challenge,
    code_challenge_method: 'S256',
    agency: person.agency,
    roles: person.roles.join(','),
    ...(person.subject ? { subject: person.subject } : {}),
  }).toString();
  const response = await fetch(url, { redirect: 'manual' });
  if (response.status !== 302) throw await refusal(response);
  const back = new URL(response.headers.get('location') ?? '');
  if (back.searchParams.get('state') !== state) throw new SignInError(302, 'state_mismatch', 'state changed');
  return back.searchParams.get('code') ?? '';
}

/** The tokens for an authorisation code and the verifier whose challenge was sent with it. */
export async function exchangeCode(
  baseUrl: string,
  grant: { code: string; verifier: string; redirectUri?: string },
): Promise<PersonTokens> {
  const response = await fetch(new URL('/oauth2/token', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: LOCAL_PEOPLE_CLIENT_ID,
      code: grant.code,
      code_verifier: grant.verifier,
      redirect_uri: grant.redirectUri ?? LOCAL_REDIRECT_URI,
    }),
  });
  if (!response.ok) throw await refusal(response);
  const body = (await response.json()) as { id_token: string; access_token: string; expires_in: number };
  return { idToken: body.id_token, accessToken: body.access_token, expiresIn: body.expires_in };
}

/** Signs a person in with the whole flow: PKCE pair, authorise, exchange. */
export async function signInAs(
  baseUrl: string,
  person: { agency: string; roles: readonly Role[]; subject?: string },
): Promise<PersonTokens> {
  const { verifier, challenge } = pkce();
  const code = await authorize(baseUrl, { ...person, challenge });
  return exchangeCode(baseUrl, { code, verifier });
}

/** A machine's access token (client credentials, the secret in HTTP Basic as Cognito takes it). */
export async function clientCredentials(
  baseUrl: string,
  client: { clientId: string; clientSecret: string; scopes?: readonly string[] },
): Promise<{ accessToken: string; expiresIn: number }> {
  const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
  const response = await fetch(new URL('/oauth2/token', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      ...(client.scopes?.length ? { scope: client.scopes.join(' ') } : {}),
    }),
  });
  if (!response.ok) throw await refusal(response);
  const body = (await response.json()) as { access_token: string; expires_in: number };
  return { accessToken: body.access_token, expiresIn: body.expires_in };
}
