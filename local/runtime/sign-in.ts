// Amazon Cognito on this machine, for the local HTTP server: the hosted UI's authorisation-code flow with PKCE
// for people, client credentials for machines, and tokens of the shape Cognito issues, signed RS256 with a key
// made at start. Paths as Cognito's: /oauth2/authorize and /oauth2/token (the hosted UI's domain in AWS),
// /.well-known/jwks.json and /.well-known/openid-configuration under the issuer (the local server's URL).
// Local only: no passwords and no MFA; the person picks an agency and roles (`?agency=CA-GIALAI&roles=reviewer`).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { claimList, ROLES, type Role } from '../../shared/api/caller.ts';
import { AGENCY_CODE_PATTERN } from '../../shared/api/schemas.ts';

/** The people's app client (the JWT authoriser's audience); public, so no secret: PKCE protects the code. */
export const LOCAL_PEOPLE_CLIENT_ID = 'dancu-local-people';
/** Cognito's defaults: tokens for an hour, an authorisation code for five minutes. */
const TOKEN_SECONDS = 3600;
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

/** A person as the sign-in page lets one be chosen. */
export interface LocalPerson {
  agency: string;
  roles: readonly Role[];
  /** the `sub`; by default one derived from the agency and roles, so a person signs in as the same user again */
  subject?: string;
}

export interface IdTokenRequest extends LocalPerson {
  /** the app client the token is for (default the people's) */
  audience?: string;
  /** epoch seconds (default now): a test makes an expired token with a time in the past */
  issuedAt?: number;
  nonce?: string;
}

export type Verdict = { ok: true; claims: JWTPayload } | { ok: false; reason: string };

export interface LocalSignIn {
  issuer: string;
  jwks(): { keys: JWK[] };
  idToken(request: IdTokenRequest): Promise<string>;
  /** a client-credentials access token for `clientId` (a machine client's, or any, for tests) */
  accessToken(request: { clientId: string; scopes: readonly string[]; issuedAt?: number }): Promise<string>;
  /** the `Authorization` header's token checked as a JWT authoriser checks it, and its `token_use` */
  verifyBearer(
    header: string | undefined,
    expect: { audience: string; tokenUse: 'id' | 'access' },
  ): Promise<Verdict>;
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

/** A subject shaped as Cognito's (a UUID), the same for the same agency and roles. */
export function localSubject(agency: string, roles: readonly Role[]): string {
  const hex = createHash('sha256')
    .update(`${agency}\n${[...roles].sort().join(',')}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** A claim set as API Gateway's JWT authoriser hands it on: every value a string, an array as `[a b]`. */
export function gatewayClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (typeof value === 'string') claims[name] = value;
    else if (Array.isArray(value)) claims[name] = `[${value.join(' ')}]`;
    else if (value !== null && typeof value === 'object') claims[name] = JSON.stringify(value);
    else if (value !== undefined) claims[name] = String(value);
  }
  return claims;
}

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

const now = () => Math.floor(Date.now() / 1000);

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
    : '<input name="agency" required pattern="[A-Za-z0-9][A-Za-z0-9_-]{0,50}">';
  const roles = ROLES.map(
    (role) => `<label><input type="checkbox" name="roles" value="${role}"> ${role}</label>`,
  ).join(' ');
  return `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Đăng nhập (cục bộ) / Sign in (local)</title>
<h1>Đăng nhập cục bộ / Local sign-in</h1><form method="get">${carried}
<p>Cơ quan / Agency: ${agency}</p><p>Vai trò / Roles: ${roles}</p><button>Đăng nhập / Sign in</button></form></html>`;
}

export async function createLocalSignIn(options: SignInOptions): Promise<LocalSignIn> {
  const { issuer } = options;
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const keySet = createLocalJWKSet({ keys: [publicJwk] });
  const codes = new Map<string, PendingCode>();
  const machines = new Map((options.machineClients ?? []).map((client) => [client.clientId, client]));

  const sign = (payload: JWTPayload, issuedAt: number) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(issuer)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + TOKEN_SECONDS)
      .setJti(randomUUID())
      .sign(privateKey);

  async function idToken(request: IdTokenRequest): Promise<string> {
    const issuedAt = request.issuedAt ?? now();
    const subject = request.subject ?? localSubject(request.agency, request.roles);
    return sign(
      {
        sub: subject,
        aud: request.audience ?? LOCAL_PEOPLE_CLIENT_ID,
        token_use: 'id',
        auth_time: issuedAt,
        'cognito:username': subject,
        'custom:agency': request.agency,
        // Cognito leaves the claim out for a user in no group
        ...(request.roles.length > 0 ? { 'cognito:groups': [...request.roles] } : {}),
        ...(request.nonce ? { nonce: request.nonce } : {}),
      },
      issuedAt,
    );
  }

  async function accessToken(request: { clientId: string; scopes: readonly string[]; issuedAt?: number }) {
    const issuedAt = request.issuedAt ?? now();
    // Cognito's access tokens have no `aud`: a JWT authoriser matches the audience against `client_id`
    return sign(
      {
        sub: request.clientId,
        token_use: 'access',
        client_id: request.clientId,
        scope: request.scopes.join(' '),
        auth_time: issuedAt,
        version: 2,
      },
      issuedAt,
    );
  }

  async function verifyBearer(
    header: string | undefined,
    expect: { audience: string; tokenUse: 'id' | 'access' },
  ): Promise<Verdict> {
    const token = /^(?:Bearer\s+)?([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(header?.trim() ?? '')?.[1];
    if (!token) return { ok: false, reason: header ? 'not a JWT' : 'no Authorization header' };
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      // as API Gateway: the audience is `aud` when the token has one (an ID token), else `client_id` (access)
      const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
      if (!audiences.includes(expect.audience))
        return { ok: false, reason: 'the token is for another audience (aud, or client_id without aud)' };
      // API Gateway checks no token_use; the people's routes want ID tokens (callerOf checks it again in AWS)
      if (payload.token_use !== expect.tokenUse)
        return { ok: false, reason: `token_use is not ${expect.tokenUse}` };
      return { ok: true, claims: payload };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }

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
      const machine = client.id ? machines.get(client.id) : undefined;
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
      if (route === 'GET /.well-known/jwks.json') answer(response, 200, { keys: [publicJwk] });
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

  return { issuer, jwks: () => ({ keys: [publicJwk] }), idToken, accessToken, verifyBearer, serve };
}
