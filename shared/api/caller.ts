// Who is calling an agency route, from what the route's authoriser put in the request context (payload 2.0):
// - a person: API Gateway's JWT authoriser has verified a Cognito ID token; its claims are in `authorizer.jwt`;
// - a machine: the machine authoriser (functions/authorizer) has checked a client-credentials token and found its
//   agency; its answer is in `authorizer.lambda`.
import { ROLES, type Role } from '../domain/roles.ts';
import { AGENCY_CLAIM, GROUPS_CLAIM } from './claims.ts';
import { AGENCY_CODE_PATTERN } from './schemas.ts';

export type { Role } from '../domain/roles.ts';
export { ROLES } from '../domain/roles.ts';

export interface Caller {
  kind: 'person' | 'machine';
  agency: string;
  /** the known roles the caller holds, in the order of `ROLES`; unknown ones are dropped */
  roles: Role[];
  /** the person's `sub` or the machine's app client id: pseudonymous, what a batch records as its uploader */
  subject: string;
}

/** The part of an HTTP API (payload 2.0) event `callerOf` reads; either authoriser's context. */
export interface CallerEvent {
  requestContext?: {
    authorizer?: {
      jwt?: { claims?: Record<string, unknown> | null } | null;
      lambda?: Record<string, unknown> | null;
    } | null;
  };
}

/**
 * The items of a list claim in any form it reaches a handler: a JSON array (a Lambda authoriser's context, a
 * decoded token), the string API Gateway's JWT authoriser makes of an array (`[uploader viewer]`), or a comma or
 * space separated string (a single group arrives as itself).
 */
export function claimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value !== 'string') return [];
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return bare.split(/[\s,]+/).filter(Boolean);
}

/** The known roles among `names`, once each, in the order of `ROLES`. */
export function rolesOf(names: unknown): Role[] {
  const given = new Set(claimList(names));
  return ROLES.filter((role) => given.has(role));
}

const agencyCode = (value: unknown) =>
  typeof value === 'string' && AGENCY_CODE_PATTERN.test(value) ? value : undefined;
const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);

function person(claims: Record<string, unknown>): Caller | undefined {
  // API Gateway checks the signature, issuer, audience and expiry, not token_use: an access token of the
  // people's client would pass it, and carries no agency
  if (claims.token_use !== 'id') return undefined;
  const agency = agencyCode(claims[AGENCY_CLAIM]);
  const subject = text(claims.sub);
  if (!agency || !subject) return undefined;
  return { kind: 'person', agency, roles: rolesOf(claims[GROUPS_CLAIM]), subject };
}

function machine(context: Record<string, unknown>): Caller | undefined {
  const agency = agencyCode(context.agency);
  const subject = text(context.clientId);
  if (!agency || !subject) return undefined;
  return { kind: 'machine', agency, roles: rolesOf(context.roles), subject };
}

/**
 * The caller of an agency route, or undefined when the request carries no agency identity (an open route, a
 * token without an agency). A route has one authoriser, so one context is read: a JWT's claims, else the machine
 * authoriser's answer.
 */
export function callerOf(event: CallerEvent): Caller | undefined {
  const authorizer = event.requestContext?.authorizer;
  if (!authorizer) return undefined;
  if (authorizer.jwt) return authorizer.jwt.claims ? person(authorizer.jwt.claims) : undefined;
  if (authorizer.lambda) return machine(authorizer.lambda);
  return undefined;
}
