// Whether an agency system's request gets in (the machine API's authoriser, functions/authorizer): a verified
// access token of the client-credentials grant, a client the operator gave to an agency that may act, and the roles
// its scopes give. No AWS here: the verifier and the client lookup are passed in.
import type { Role } from '../domain/roles.ts';
import { RESOURCE_SERVER } from './claims.ts';

/** What the authoriser hands the agency function (`requestContext.authorizer.lambda`): strings only. */
export interface MachineContext {
  [key: string]: string;
  agency: string;
  /** space-separated roles (shared/api/caller.ts reads them) */
  roles: string;
  clientId: string;
}

/** A machine client as the agencies table holds it (`npm run agencies -- add-client`). */
export interface MachineClient {
  clientId: string;
  agency: string;
  active: boolean;
}

export interface MachineAuthDeps {
  verifier: { verify(token: string): Promise<Record<string, unknown>> };
  clients: { get(clientId: string): Promise<MachineClient | undefined> };
}

/** The roles a machine's scopes give: uploading, and reading its batches. A machine never reviews or approves. */
const SCOPE_ROLES: Record<string, Role> = {
  [`${RESOURCE_SERVER}/upload`]: 'uploader',
  [`${RESOURCE_SERVER}/read`]: 'viewer',
};

export type MachineRefusal =
  | 'no-bearer-token'
  | 'token-invalid'
  | 'not-an-access-token'
  | 'no-dancu-scope'
  | 'client-unknown'
  | 'client-disabled';

export type MachineDecision =
  | { allowed: true; context: MachineContext }
  | { allowed: false; reason: MachineRefusal };

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export async function machineAuthorization(
  authorization: string | undefined,
  { verifier, clients }: MachineAuthDeps,
): Promise<MachineDecision> {
  const token = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  if (!token) return { allowed: false, reason: 'no-bearer-token' };
  let claims: Record<string, unknown>;
  try {
    claims = await verifier.verify(token);
  } catch {
    return { allowed: false, reason: 'token-invalid' };
  }
  // an ID token, or a person's access token, is not a machine's
  if (claims.token_use !== 'access' || typeof claims.client_id !== 'string' || 'username' in claims) {
    return { allowed: false, reason: 'not-an-access-token' };
  }
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  const roles = [...new Set(scopes.flatMap((scope) => SCOPE_ROLES[scope] ?? []))];
  if (roles.length === 0) return { allowed: false, reason: 'no-dancu-scope' };
  const client = await clients.get(claims.client_id);
  if (!client) return { allowed: false, reason: 'client-unknown' };
  if (!client.active) return { allowed: false, reason: 'client-disabled' };
  return {
    allowed: true,
    context: { agency: client.agency, roles: roles.join(' '), clientId: client.clientId },
  };
}
