import * as chain from '@aws-sdk/credential-provider-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUNDLE_ALIASES } from '../../infra/bundling.ts';
import * as lambda from '../../shared/aws/lambda-credentials.ts';

afterEach(() => vi.unstubAllEnvs());

describe('the credential chain bundled into Lambda functions', () => {
  it('stands in for @aws-sdk/credential-provider-node in every bundle, with every name the SDK imports', () => {
    expect(BUNDLE_ALIASES['@aws-sdk/credential-provider-node']).toBe('./shared/aws/lambda-credentials.ts');
    // on Node 24 (not 20) a CommonJS module's namespace also has 'module.exports', the whole object as 'default' is
    const names = (module: object) =>
      Object.keys(module)
        .filter((name) => name !== 'default' && name !== 'module.exports')
        .sort();
    expect(names(lambda)).toEqual(names(chain));
  });

  it('gives the credentials Lambda puts in the environment, with the session token', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token');
    await expect(lambda.defaultProvider()()).resolves.toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('fails as the chain does when the environment has none', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    await expect(lambda.defaultProvider()()).rejects.toThrow(/environment variable credentials/);
  });

  it('treats credentials as expired five minutes before they expire, as the chain does', () => {
    const soon = { accessKeyId: 'a', secretAccessKey: 's', expiration: new Date(Date.now() + 60_000) };
    const later = { ...soon, expiration: new Date(Date.now() + 3_600_000) };
    expect(lambda.credentialsTreatedAsExpired(soon)).toBe(chain.credentialsTreatedAsExpired(soon));
    expect(lambda.credentialsTreatedAsExpired(later)).toBe(false);
    expect(lambda.credentialsWillNeedRefresh(later)).toBe(true);
  });
});
