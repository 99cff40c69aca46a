// The machine API's authoriser: an agency system's OAuth access token (Cognito client credentials) verified against
// the pool's published keys, then its client looked up in the agencies table: the agency it acts for and the roles
// its scopes give. API Gateway caches the answer per token for 5 minutes (infra/dancu-stack.ts).

import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { JwksCache } from 'aws-jwt-verify/jwk';
import type { APIGatewayRequestSimpleAuthorizerHandlerV2WithContext } from 'aws-lambda';
import {
  type MachineAuthDeps,
  type MachineContext,
  machineAuthorization,
} from '../../shared/api/machine-auth.ts';
import { env } from '../../shared/aws/env.ts';
import { cachedMachineClients } from '../../shared/store/agency-reads.ts';
import { logger } from '../commons/logger.ts';

type Handler = APIGatewayRequestSimpleAuthorizerHandlerV2WithContext<MachineContext | Record<string, never>>;

export function authorizerHandler(deps: MachineAuthDeps): Handler {
  return async (event) => {
    const decision = await machineAuthorization(event.headers?.authorization, deps);
    if (!decision.allowed) {
      // the reason, never the token
      logger.info('machine refused', { reason: decision.reason });
      return { isAuthorized: false, context: {} };
    }
    return { isAuthorized: true, context: decision.context };
  };
}

/** The pool's issuer (`TOKEN_ISSUER`); its keys are at {issuer}/.well-known/jwks.json, fetched once and kept. */
export function issuerVerifier(issuer: string, jwksCache?: JwksCache) {
  const props = { issuer, audience: null, jwksUri: `${issuer}/.well-known/jwks.json` };
  return jwksCache ? JwtRsaVerifier.create(props, { jwksCache }) : JwtRsaVerifier.create(props);
}

export const handler = authorizerHandler({
  verifier: issuerVerifier(env('TOKEN_ISSUER')),
  clients: cachedMachineClients(env('AGENCIES_TABLE')),
});
