import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpApiEvent, type HttpServer, startHttpServer } from '../../../local/runtime/http-server.ts';
import {
  authorize,
  clientCredentials,
  exchangeCode,
  LOCAL_REDIRECT_URI,
  pkce,
  SignInError,
  signInAs,
} from '../../../local/runtime/sign-in-client.ts';
import { createTokenIssuer, LOCAL_PEOPLE_CLIENT_ID } from '../../../local/runtime/sign-in-tokens.ts';
import { callerOf } from '../../../shared/api/caller.ts';

const seen: HttpApiEvent[] = [];
let server: HttpServer;
const PEOPLE_ROUTE = '/people/batches';

beforeAll(async () => {
  server = await startHttpServer({
    port: 0,
    region: 'ap-southeast-1',
    log: { info: () => undefined, error: () => undefined },
    agencies: ['CA-PLEIKU', 'CA-GIALAI'],
    // a people's route on the agency function, as the lead's route sets will have
    routes: { agency: [{ method: 'GET', path: PEOPLE_ROUTE }] },
    handlers: {
      agency: async (event) => {
        seen.push(event);
        return { caller: callerOf(event) ?? null };
      },
    },
  });
});
afterAll(async () => server?.stop());

const callRoute = (authorization?: string) =>
  fetch(`${server.url}${PEOPLE_ROUTE}`, authorization ? { headers: { authorization } } : {});

async function expectUnauthorized(authorization: string | undefined, reason: RegExp) {
  const before = seen.length;
  const answer = await callRoute(authorization);
  expect(answer.status).toBe(401);
  expect(await answer.json()).toEqual({ message: 'Unauthorized' });
  expect(answer.headers.get('x-dancu-local-hint')).toMatch(reason);
  expect(seen.length, 'the handler is not called').toBe(before);
}

describe('local sign-in and the JWT routes', () => {
  it('signs a person in with PKCE and hands the route the claims as API Gateway does', async () => {
    const { idToken } = await signInAs(server.url, { agency: 'CA-PLEIKU', roles: ['approver', 'reviewer'] });
    const answer = await callRoute(`Bearer ${idToken}`);
    expect(answer.status).toBe(200);
    const { caller } = (await answer.json()) as { caller: unknown };
    expect(caller).toEqual({
      kind: 'person',
      agency: 'CA-PLEIKU',
      roles: ['reviewer', 'approver'],
      subject: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/),
    });
    const jwt = seen.at(-1)?.requestContext.authorizer?.jwt;
    expect(jwt?.scopes).toBeNull();
    expect(jwt?.claims).toMatchObject({
      'cognito:groups': '[reviewer approver]',
      'custom:agency': 'CA-PLEIKU',
      token_use: 'id',
      aud: LOCAL_PEOPLE_CLIENT_ID,
      iss: server.url,
      exp: expect.stringMatching(/^\d{10}$/),
    });
    expect(seen.at(-1)?.requestContext.authorizer?.lambda).toBeUndefined();
    expect(decodeProtectedHeader(idToken)).toMatchObject({ alg: 'RS256' });
  });

  it('gives the same person the same subject, and another subject when asked', async () => {
    const sub = async (subject?: string) =>
      decodeJwt(
        (
          await signInAs(server.url, {
            agency: 'CA-GIALAI',
            roles: ['viewer'],
            ...(subject ? { subject } : {}),
          })
        ).idToken,
      ).sub;
    expect(await sub()).toBe(await sub());
    expect(await sub('clerk-2')).toBe('clerk-2');
  });

  it('serves the JWKS and the discovery document under the issuer', async () => {
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })]);
    expect(JSON.stringify(jwks)).not.toMatch(/"d"|"p"|"q"/);
    const discovery = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({ issuer: server.url, jwks_uri: `${server.url}/.well-known/jwks.json` });
  });

  it('refuses a code with a wrong verifier, and spends it', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorize(server.url, { agency: 'CA-PLEIKU', roles: ['uploader'], challenge });
    const wrong = await exchangeCode(server.url, { code, verifier: pkce().verifier }).catch((e) => e);
    expect(wrong).toBeInstanceOf(SignInError);
    expect(wrong).toMatchObject({ status: 400, error: 'invalid_grant' });
    await expect(exchangeCode(server.url, { code, verifier })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a code sent back with another redirect_uri, or twice', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorize(server.url, { agency: 'CA-PLEIKU', roles: ['uploader'], challenge });
    await expect(
      exchangeCode(server.url, { code, verifier, redirectUri: 'http://127.0.0.1:9/elsewhere' }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const again = pkce();
    const good = await authorize(server.url, {
      agency: 'CA-PLEIKU',
      roles: ['uploader'],
      challenge: again.challenge,
    });
    await exchangeCode(server.url, { code: good, verifier: again.verifier });
    await expect(exchangeCode(server.url, { code: good, verifier: again.verifier })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('answers 401 for no token, a garbled one, an expired one, another key or another audience', async () => {
    await expectUnauthorized(undefined, /no Authorization header/);
    await expectUnauthorized('Bearer not-a-token', /not a JWT/);
    const person = { agency: 'CA-PLEIKU', roles: ['reviewer'] as const };
    const expired = await server.signIn.idToken({
      ...person,
      issuedAt: Math.floor(Date.now() / 1000) - 7200,
    });
    await expectUnauthorized(`Bearer ${expired}`, /"exp" claim timestamp check failed/);
    const impostor = await createTokenIssuer(server.url);
    await expectUnauthorized(`Bearer ${await impostor.idToken(person)}`, /no applicable key found/);
    const otherAudience = await server.signIn.idToken({ ...person, audience: 'another-client' });
    await expectUnauthorized(`Bearer ${otherAudience}`, /another audience/);
  });

  it('takes an access token the machines’ way: a person’s is refused (403), an agency system’s passes as a machine', async () => {
    const { accessToken } = await signInAs(server.url, { agency: 'CA-PLEIKU', roles: ['reviewer'] });
    const refused = await callRoute(`Bearer ${accessToken}`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-dancu-local-hint')).toMatch(
      /the machine was refused: (no-dancu-scope|client-unknown|not-an-access-token)/,
    );
    const machine = await clientCredentials(server.url, {
      clientId: 'dancu-local-machine-CA-PLEIKU',
      clientSecret: 'local-secret-CA-PLEIKU',
    });
    const passed = await callRoute(`Bearer ${machine.accessToken}`);
    expect(passed.status).toBe(200);
    expect(await passed.json()).toMatchObject({ caller: { kind: 'machine', agency: 'CA-PLEIKU' } });
  });

  it('answers 401 for a token whose claims were changed after signing', async () => {
    const { idToken } = await signInAs(server.url, { agency: 'CA-PLEIKU', roles: ['viewer'] });
    const [header, payload, signature] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, 'custom:agency': 'CA-GIALAI' })).toString(
      'base64url',
    );
    await expectUnauthorized(`Bearer ${header}.${forged}.${signature}`, /signature verification failed/);
  });

  it('refuses an authorisation without PKCE, to a non-loopback address, for an unknown agency or role', async () => {
    const { challenge } = pkce();
    const base = {
      response_type: 'code',
      client_id: LOCAL_PEOPLE_CLIENT_ID,
      redirect_uri: LOCAL_REDIRECT_URI,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      agency: 'CA-PLEIKU',
      roles: 'reviewer',
    };
    const ask = (change: Record<string, string | undefined>) => {
      const query = Object.entries({ ...base, ...change }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      );
      return fetch(`${server.url}/oauth2/authorize?${new URLSearchParams(query)}`, { redirect: 'manual' });
    };
    expect((await ask({})).status).toBe(302);
    for (const [change, error] of [
      [{ code_challenge: undefined }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ redirect_uri: 'https://evil.example/cb' }, 'redirect_mismatch'],
      [{ client_id: 'someone-else' }, 'invalid_client'],
      [{ agency: 'CA-NOWHERE' }, 'invalid_request'],
      [{ roles: 'reviewer,admin' }, 'invalid_request'],
    ] as const) {
      const answer = await ask(change);
      expect(answer.status, JSON.stringify(change)).toBe(400);
      expect(await answer.json()).toMatchObject({ error });
    }
    const page = await ask({ agency: undefined, roles: undefined });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<option>CA-GIALAI</option>');
    expect(html).toContain(`value="${challenge}"`);
  });

  it('gives a machine client a client-credentials access token, and refuses a wrong secret or scope', async () => {
    const client = { clientId: 'dancu-local-machine-CA-GIALAI', clientSecret: 'local-secret-CA-GIALAI' };
    const { accessToken } = await clientCredentials(server.url, { ...client, scopes: ['dancu/upload'] });
    expect(decodeJwt(accessToken)).toMatchObject({
      token_use: 'access',
      client_id: client.clientId,
      sub: client.clientId,
      scope: 'dancu/upload',
      iss: server.url,
    });
    const verdict = await server.signIn.verifyBearer(`Bearer ${accessToken}`, {
      audience: client.clientId,
      tokenUse: 'access',
    });
    // no `aud`: as API Gateway, the audience is matched against `client_id`
    expect(verdict).toMatchObject({ ok: true, claims: { client_id: client.clientId } });
    await expect(
      clientCredentials(server.url, { ...client, clientSecret: 'local-secret-CA-PLEIKU' }),
    ).rejects.toMatchObject({ status: 400, error: 'invalid_client' });
    await expect(clientCredentials(server.url, { ...client, scopes: ['dancu/admin'] })).rejects.toMatchObject(
      {
        error: 'invalid_scope',
      },
    );
  });

  it('prints an ID token with npm run sign-in, and refuses an unknown role', async () => {
    const run = promisify(execFile);
    const cli = (args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'local/sign-in.ts', '--url', server.url, ...args]);
    const { stdout } = await cli(['--agency', 'CA-PLEIKU', '--role', 'reviewer', '--role', 'viewer']);
    const answer = await callRoute(`Bearer ${stdout.trim()}`);
    expect(await answer.json()).toMatchObject({
      caller: { agency: 'CA-PLEIKU', roles: ['reviewer', 'viewer'] },
    });
    await expect(cli(['--agency', 'CA-PLEIKU', '--role', 'boss'])).rejects.toMatchObject({ code: 64 });
  });
});
