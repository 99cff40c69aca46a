// The local Cognito's signing key and tokens: ID tokens for people and client-credentials access tokens for
// machines, of the shape Cognito issues, signed RS256 with a key made at start; and the check API Gateway's JWT
// authoriser makes of them. The OAuth endpoints that hand them out are in local/runtime/sign-in.ts.
import { createHash, randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Role } from '../../shared/api/caller.ts';

/** The people's app client (the JWT authoriser's audience); public, so no secret: PKCE protects the code. */
export const LOCAL_PEOPLE_CLIENT_ID = 'dancu-local-people';
/** Cognito's default: tokens for an hour. */
export const TOKEN_SECONDS = 3600;

export const epochSeconds = () => Math.floor(Date.now() / 1000);

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

export interface TokenIssuer {
  issuer: string;
  jwks(): { keys: JWK[] };
  idToken(request: IdTokenRequest): Promise<string>;
  /** a client-credentials access token for `clientId` (a machine client's, or any, for tests) */
  accessToken(request: { clientId: string; scopes: readonly string[]; issuedAt?: number }): Promise<string>;
  /** a token's signature, issuer and expiry checked, as the machine authoriser's verifier checks them */
  verify(token: string): Promise<JWTPayload>;
  /** the `Authorization` header's token checked as a JWT authoriser checks it, and its `token_use` */
  verifyBearer(
    header: string | undefined,
    expect: { audience: string; tokenUse: 'id' | 'access' },
  ): Promise<Verdict>;
}

/** A subject shaped as Cognito's (a UUID), the same for the same agency and roles. */
export function localSubject(agency: string, roles: readonly Role[]): string {
  const hex = createHash('sha256')
    .update(`${agency}\n${[...roles].sort().join(',')}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

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

/** A new key, and tokens signed with it for `issuer` (the local server's base URL). */
export async function createTokenIssuer(issuer: string): Promise<TokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const keySet = createLocalJWKSet({ keys: [publicJwk] });

  const sign = (payload: JWTPayload, issuedAt: number) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(issuer)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + TOKEN_SECONDS)
      .setJti(randomUUID())
      .sign(privateKey);

  async function idToken(request: IdTokenRequest): Promise<string> {
    const issuedAt = request.issuedAt ?? epochSeconds();
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
    const issuedAt = request.issuedAt ?? epochSeconds();
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

  async function verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, keySet, {
      issuer,
      algorithms: ['RS256'],
      requiredClaims: ['exp'],
    });
    return payload;
  }

  return { issuer, jwks: () => ({ keys: [publicJwk] }), idToken, accessToken, verify, verifyBearer };
}
