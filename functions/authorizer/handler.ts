// The machine API's authoriser: an agency system's OAuth access token (Cognito client credentials) verified against
// the pool's published keys, then its client looked up in the agencies table: the agency it acts for and the roles
// its scopes give. API Gateway caches the answer per token for 5 minutes (infra/dancu-stack.ts).

import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { APIGatewayRequestSimpleAuthorizerHandlerV2WithContext } from 'aws-lambda';
import { type MachineContext, machineAuthorization } from '../../shared/api/machine-auth.ts';
import { env } from '../../shared/aws/env.ts';
import { cachedMachineClients } from '../../shared/store/agency-reads.ts';
import { logger } from '../commons/logger.ts';

// the pool's issuer; its keys are at {issuer}/.well-known/jwks.json, in Cognito and in the local sign-in alike
const issuer = env('TOKEN_ISSUER');
const verifier = JwtRsaVerifier.create({
  issuer,
  audience: null,
  jwksUri: `${issuer}/.well-known/jwks.json`,
});
const clients = cachedMachineClients(env('AGENCIES_TABLE'));

export const handler: APIGatewayRequestSimpleAuthorizerHandlerV2WithContext<
  MachineContext | Record<string, never>
> = async (event) => {
  const decision = await machineAuthorization(event.headers?.authorization, { verifier, clients });
  if (!decision.allowed) {
    // the reason, never the token
    logger.info('machine refused', { reason: decision.reason });
    return { isAuthorized: false, context: {} };
  }
  return { isAuthorized: true, context: decision.context };
};
