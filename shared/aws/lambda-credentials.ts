// What the SDK's default credential chain is in a bundled Lambda function: the environment, where Lambda puts
// the role's credentials. The whole chain (SSO, ini files, STS, IMDS) weighs on every bundle
// (docs/benchmarks.md) and can never run there; a bundler cannot tell, so DancuFunction aliases
// @aws-sdk/credential-provider-node to this (aws/aws-sdk-js-v3#6087). Local runs and tests import the real chain.
import { fromEnv } from '@aws-sdk/credential-provider-env';

type Credentials = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);

export const credentialsWillNeedRefresh = (credentials?: Credentials) =>
  credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials?: Credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
