// Amazon Cognito's sign-in on this machine, for the local HTTP server: the hosted UI's authorisation-code flow
// with PKCE for people, client credentials for machines, and the tokens of local/runtime/sign-in-tokens.ts. Paths
// as Cognito's: /oauth2/authorize and /oauth2/token (the hosted UI's domain in AWS), /.well-known/jwks.json and
// /.well-known/openid-configuration under the issuer (the local server's URL).
// Local only: no passwords and no MFA; the person picks an agency and roles (`?agency=CA-GIALAI&roles=reviewer`).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { claimList, ROLES, type Role } from '../../shared/api/caller.ts';
import { AGENCY_CODE_PATTERN } from '../../shared/api/schemas.ts';
import {
  createTokenIssuer,
  LOCAL_PEOPLE_CLIENT_ID,
  type LocalPerson,
  localSubject,
  epochSeconds as now,
  TOKEN_SECONDS,
  type TokenIssuer,
} from './sign-in-tokens.ts';

/** Cognito's default: an authorisation code for five minutes. */
const CODE_SECONDS = 300;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const FORM_LIMIT = 64 * 1024;

/** A machine's app client: the agency system it stands for, its roles and the scopes it may ask for. */
export interface MachineClient {
  clientId: string;
  clientSecret: string;
  agency: string;
  roles: Role[];
  scopes: string[];
}

/** One client per local agency, `dancu-local-machine-{code}` with the secret `local-secret-{code}`. */
export function localMachineClients(agencies: readonly string[]): MachineClient[] {
  return agencies.map((agency) => ({
    clientId: `dancu-local-machine-${agency}`,
    clientSecret: `local-secret-${agency}`,
    agency,
    roles: ['uploader', 'viewer'],
    scopes: ['dancu/upload', 'dancu/read'],
  }));
}

const CONVENTIONAL_CLIENT = /^dancu-local-machine-(.+)$/;

/** The local client of an agency by its name alone (`dancu-local-machine-{CODE}`), or undefined. */
export function conventionalClient(clientId: string): MachineClient | undefined {
  const agency = CONVENTIONAL_CLIENT.exec(clientId)?.[1];
  return agency && AGENCY_CODE_PATTERN.test(agency) ? localMachineClients([agency])[0] : undefined;
}

export interface LocalSignIn extends TokenIssuer {
  /** answers the sign-in paths; false for any other request */
  serve(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
}

export interface SignInOptions {
  /** the `iss` of every token: the local server's base URL */
  issuer: string;
  /** the agency codes a person may choose (any well-formed code when not given) */
  agencies?: readonly string[];
  machineClients?: readonly MachineClient[];
}

/** The PKCE challenge (S256) of a code verifier. */
export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  person: Required<LocalPerson>;
  nonce?: string;
  expiresAt: number;
}

class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('cache-control', 'no-store');
  response.end(JSON.stringify(body));
}

async function formOf(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > FORM_LIMIT) throw new OAuthError('invalid_request', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The client's id and secret from HTTP Basic, else from the form. */
function clientOf(request: IncomingMessage, form: URLSearchParams): { id?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page a browser gets without `agency` and `roles`: pick them, the other parameters carried along. */
function choicePage(url: URL, agencies: readonly string[] | undefined): string {
  const carried = [...url.searchParams]
    .filter(([name]) => name !== 'agency' && name !== 'roles')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const agency = agencies
    ? `<select name="agency">${agencies.map((code) => `<option>${escapeHtml(code)}</option>`).join('')}</select>`
    : '<input name="agency" required pattern="[A-Za-z0-9][A-Za-z0-9_\\-]{0,50}">';
  const roles = ROLES.map(
    (role) => `<label><input type="checkbox" name="roles" value="${role}"> ${role}</label>`,
  ).join(' ');
  return `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Đăng nhập (cục bộ) / Sign in (local)</title>
<h1>Đăng nhập cục bộ / Local sign-in</h1><form method="get">${carried}
<p>Cơ quan / Agency: ${agency}</p><p>Vai trò / Roles: ${roles}</p><button>Đăng nhập / Sign in</button></form></html>`;
}

export async function createLocalSignIn(options: SignInOptions): Promise<LocalSignIn> {
  const tokens = await createTokenIssuer(options.issuer);
  const { issuer, idToken, accessToken } = tokens;
  const codes = new Map<string, PendingCode>();
  const machines = new Map((options.machineClients ?? []).map((client) => [client.clientId, client]));
  // with no list of agencies, any agency's conventional client (dancu-local-machine-{CODE}, local-secret-{CODE})
  const machineOf = (id: string) =>
    machines.get(id) ?? (options.agencies ? undefined : conventionalClient(id));

  function authorize(url: URL, response: ServerResponse): void {
    const query = url.searchParams;
    if (query.get('client_id') !== LOCAL_PEOPLE_CLIENT_ID)
      throw new OAuthError('invalid_client', `client_id must be ${LOCAL_PEOPLE_CLIENT_ID}`);
    if (query.get('response_type') !== 'code')
      throw new OAuthError('unsupported_response_type', 'response_type must be code');
    let redirect: URL;
    try {
      redirect = new URL(query.get('redirect_uri') ?? '');
    } catch {
      throw new OAuthError('invalid_request', 'redirect_uri is missing or not a URL');
    }
    // locally any loopback address is a registered callback; nothing else is (no open redirect)
    if (redirect.protocol !== 'http:' || !LOOPBACK.has(redirect.hostname))
      throw new OAuthError('redirect_mismatch', 'redirect_uri must be an http loopback address');
    const challenge = query.get('code_challenge') ?? '';
    if (query.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
      throw new OAuthError(
        'invalid_request',
        'PKCE is required: code_challenge with code_challenge_method=S256',
      );
    if (!query.has('agency') || !query.has('roles')) {
      response.statusCode = 200;
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(choicePage(url, options.agencies));
      return;
    }
    const agency = query.get('agency') ?? '';
    if (!AGENCY_CODE_PATTERN.test(agency) || (options.agencies && !options.agencies.includes(agency)))
      throw new OAuthError('invalid_request', `unknown agency ${agency}`);
    const names = query.getAll('roles').flatMap(claimList);
    const unknown = names.filter((name) => !(ROLES as readonly string[]).includes(name));
    if (names.length === 0 || unknown.length > 0)
      throw new OAuthError('invalid_request', `roles must be some of ${ROLES.join(', ')}`);
    const roles = ROLES.filter((role) => names.includes(role));
    const code = randomBytes(24).toString('base64url');
    for (const [old, pending] of codes) if (pending.expiresAt < now()) codes.delete(old);
    const nonce = query.get('nonce');
    codes.set(code, {
      clientId: LOCAL_PEOPLE_CLIENT_ID,
      redirectUri: redirect.href,
      challenge,
      person: { agency, roles, subject: query.get('subject') || localSubject(agency, roles) },
      ...(nonce ? { nonce } : {}),
      expiresAt: now() + CODE_SECONDS,
    });
    redirect.searchParams.set('code', code);
    const state = query.get('state');
    if (state !== null) redirect.searchParams.set('state', state);
    response.statusCode = 302;
    response.setHeader('location', redirect.href);
    response.setHeader('cache-control', 'no-store');
    response.end();
  }

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = await formOf(request);
    const client = clientOf(request, form);
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      // a code is spent by any attempt, right or wrong
      codes.delete(code);
      const verifier = form.get('code_verifier') ?? '';
      if (
        !pending ||
        pending.expiresAt < now() ||
        client.id !== pending.clientId ||
        form.get('redirect_uri') !== pending.redirectUri ||
        !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) ||
        s256(verifier) !== pending.challenge
      )
        throw new OAuthError(
          'invalid_grant',
          'the code, its redirect_uri or the code_verifier does not match',
        );
      const issuedAt = now();
      return answer(response, 200, {
        id_token: await idToken({
          ...pending.person,
          issuedAt,
          ...(pending.nonce ? { nonce: pending.nonce } : {}),
        }),
        access_token: await accessToken({ clientId: pending.clientId, scopes: ['openid'], issuedAt }),
        token_type: 'Bearer',
        expires_in: TOKEN_SECONDS,
      });
    }
    if (grant === 'client_credentials') {
      const machine = client.id ? machineOf(client.id) : undefined;
      if (!machine || !client.secret || !sameSecret(client.secret, machine.clientSecret))
        throw new OAuthError('invalid_client', 'unknown client or wrong secret');
      const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
      if (asked.some((scope) => !machine.scopes.includes(scope)))
        throw new OAuthError('invalid_scope', `this client may ask for ${machine.scopes.join(' ')}`);
      const scopes = asked.length > 0 ? asked : machine.scopes;
      return answer(response, 200, {
        access_token: await accessToken({ clientId: machine.clientId, scopes }),
        token_type: 'Bearer',
        expires_in: TOKEN_SECONDS,
      });
    }
    throw new OAuthError(
      'unsupported_grant_type',
      'grant_type must be authorization_code or client_credentials',
    );
  }

  async function serve(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const route = `${request.method} ${url.pathname}`;
    try {
      if (route === 'GET /.well-known/jwks.json') answer(response, 200, tokens.jwks());
      else if (route === 'GET /.well-known/openid-configuration')
        answer(response, 200, {
          issuer,
          authorization_endpoint: `${issuer}/oauth2/authorize`,
          token_endpoint: `${issuer}/oauth2/token`,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'client_credentials'],
          code_challenge_methods_supported: ['S256'],
          id_token_signing_alg_values_supported: ['RS256'],
          subject_types_supported: ['public'],
        });
      else if (route === 'GET /oauth2/authorize') authorize(url, response);
      else if (route === 'POST /oauth2/token') await token(request, response);
      else return false;
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      answer(response, 400, { error: error.error, error_description: error.description });
    }
    return true;
  }

  return { ...tokens, serve };
}
