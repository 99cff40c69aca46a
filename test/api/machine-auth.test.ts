// The machine authoriser's rule (shared/api/machine-auth.ts) with real signed tokens, and the authoriser function
// itself (functions/authorizer) verifying them with aws-jwt-verify against keys served over HTTP, as Cognito serves
// its own, with the agencies table on a mocked DynamoDB.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HttpServer, startHttpServer } from '../../local/runtime/http-server.ts';
import { createTokenIssuer, type TokenIssuer } from '../../local/runtime/sign-in-tokens.ts';
import { type MachineClient, machineAuthorization } from '../../shared/api/machine-auth.ts';

let issuer: TokenIssuer;
const held = new Map<string, MachineClient>([
  ['client-pleiku', { clientId: 'client-pleiku', agency: 'CA-PLEIKU', active: true }],
  ['client-off', { clientId: 'client-off', agency: 'CA-ANKHE', active: false }],
]);
const clients = { get: async (clientId: string) => held.get(clientId) };
const decide = (header: string | undefined, verifier = issuer) =>
  machineAuthorization(header, { verifier, clients });

beforeAll(async () => {
  issuer = await createTokenIssuer('https://issuer.example');
});

describe('machineAuthorization', () => {
  it('admits a client of an active agency: its agency, the roles its scopes give, its id', async () => {
    const both = await issuer.accessToken({
      clientId: 'client-pleiku',
      scopes: ['dancu/upload', 'dancu/read'],
    });
    expect(await decide(`Bearer ${both}`)).toEqual({
      allowed: true,
      context: { agency: 'CA-PLEIKU', roles: 'uploader viewer', clientId: 'client-pleiku' },
    });
    const read = await issuer.accessToken({ clientId: 'client-pleiku', scopes: ['dancu/read'] });
    expect(await decide(`Bearer ${read}`)).toMatchObject({ allowed: true, context: { roles: 'viewer' } });
  });

  it.each([
    ['no header', undefined, 'no-bearer-token'],
    ['a Basic header', 'Basic YWJjOmRlZg==', 'no-bearer-token'],
    ['not a JWT', 'Bearer abc.def', 'no-bearer-token'],
  ])('refuses %s', async (_, header, reason) => {
    expect(await decide(header)).toEqual({ allowed: false, reason });
  });

  it('refuses a token signed by another key, an expired one, and an ID token', async () => {
    const other = await createTokenIssuer('https://issuer.example');
    const forged = await other.accessToken({ clientId: 'client-pleiku', scopes: ['dancu/upload'] });
    expect(await decide(`Bearer ${forged}`)).toEqual({ allowed: false, reason: 'token-invalid' });
    const old = await issuer.accessToken({
      clientId: 'client-pleiku',
      scopes: ['dancu/upload'],
      issuedAt: Math.floor(Date.now() / 1000) - 7200,
    });
    expect(await decide(`Bearer ${old}`)).toEqual({ allowed: false, reason: 'token-invalid' });
    const id = await issuer.idToken({ agency: 'CA-PLEIKU', roles: ['uploader'] });
    expect(await decide(`Bearer ${id}`)).toEqual({ allowed: false, reason: 'not-an-access-token' });
  });

  it('refuses a token without a dancu scope, an unknown client and a client of a disabled agency', async () => {
    const openid = await issuer.accessToken({ clientId: 'client-pleiku', scopes: ['openid'] });
    expect(await decide(`Bearer ${openid}`)).toEqual({ allowed: false, reason: 'no-dancu-scope' });
    const stranger = await issuer.accessToken({ clientId: 'stranger', scopes: ['dancu/upload'] });
    expect(await decide(`Bearer ${stranger}`)).toEqual({ allowed: false, reason: 'client-unknown' });
    const off = await issuer.accessToken({ clientId: 'client-off', scopes: ['dancu/upload'] });
    expect(await decide(`Bearer ${off}`)).toEqual({ allowed: false, reason: 'client-disabled' });
  });
});

describe('the authoriser function (aws-jwt-verify, keys fetched from the issuer)', () => {
  let server: HttpServer;
  let handler: ReturnType<typeof import('../../functions/authorizer/handler.ts').authorizerHandler>;
  const dynamo = mockClient(DynamoDBDocumentClient);

  beforeAll(async () => {
    // the local server serves {issuer}/.well-known/jwks.json, as Cognito does for a pool
    server = await startHttpServer({
      port: 0,
      region: 'ap-southeast-1',
      handlers: {},
      log: { info: () => {}, error: () => {} },
    });
    Object.assign(process.env, {
      TOKEN_ISSUER: server.url,
      AGENCIES_TABLE: 'agencies',
      AWS_REGION: 'ap-southeast-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const { authorizerHandler, issuerVerifier } = await import('../../functions/authorizer/handler.ts');
    const { cachedMachineClients } = await import('../../shared/store/agency-reads.ts');
    // the library's own cache and parser; only the fetch is plain HTTP (it fetches over HTTPS alone, as from Cognito)
    const jwksCache = new SimpleJwksCache({
      fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() },
    });
    handler = authorizerHandler({
      verifier: issuerVerifier(server.url, jwksCache),
      clients: cachedMachineClients('agencies', DynamoDBDocumentClient.from(new DynamoDBClient({}))),
    });
  });
  afterAll(async () => server?.stop());
  beforeEach(() => {
    dynamo.reset();
    dynamo
      .on(GetCommand, { Key: { pk: 'CLIENT#machine-1', sk: 'CLIENT' } })
      .resolves({
        Item: { pk: 'CLIENT#machine-1', sk: 'CLIENT', clientId: 'machine-1', agency: 'CA-GIALAI' },
      })
      .on(GetCommand, { Key: { pk: 'AGENCY#CA-GIALAI', sk: 'AGENCY' } })
      .resolves({ Item: { code: 'CA-GIALAI', active: true, machineClients: ['machine-1'] } });
  });

  const authorize = (authorization?: string) =>
    handler(
      { headers: authorization ? { authorization } : {}, type: 'REQUEST' } as never,
      {} as never,
      () => undefined,
    );

  it('answers a simple response: authorised with the agency, or not, with no context', async () => {
    const token = await server.signIn.accessToken({ clientId: 'machine-1', scopes: ['dancu/upload'] });
    expect(await authorize(`Bearer ${token}`)).toEqual({
      isAuthorized: true,
      context: { agency: 'CA-GIALAI', roles: 'uploader', clientId: 'machine-1' },
    });
    const stranger = await server.signIn.accessToken({ clientId: 'machine-2', scopes: ['dancu/upload'] });
    dynamo.on(GetCommand, { Key: { pk: 'CLIENT#machine-2', sk: 'CLIENT' } }).resolves({});
    expect(await authorize(`Bearer ${stranger}`)).toEqual({ isAuthorized: false, context: {} });
    expect(await authorize()).toEqual({ isAuthorized: false, context: {} });
  });
});
