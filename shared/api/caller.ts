// Who is calling an agency route, from what the route's authoriser put in the request context (payload 2.0):
// - a person: API Gateway's JWT authoriser has verified a Cognito ID token; its claims are in `authorizer.jwt`;
// - a machine: the Lambda authoriser has checked a client-credentials token; its answer is in `authorizer.lambda`;
// - an IAM agency role (SigV4): the agency is the one the role is named for (docs/procedures.md). Kept until the
//   people's and machines' route sets replace the IAM routes.
import { AGENCY_CODE_PATTERN } from './schemas.ts';

// Note for the lead: `Role` and `ROLES` belong in shared/domain/roles.ts (written in parallel); import them from
// there and drop these two once it lands.
export type Role = 'uploader' | 'reviewer' | 'approver' | 'viewer' | 'platform';
export const ROLES: readonly Role[] = ['uploader', 'reviewer', 'approver', 'viewer', 'platform'];

/** What an IAM agency role may do today: upload, read its batches, resolve its review items. */
const IAM_AGENCY_ROLES: readonly Role[] = ['uploader', 'reviewer', 'viewer'];

export interface Caller {
  kind: 'person' | 'machine' | 'iam';
  agency: string;
  /** the known roles the caller holds, in the order of `ROLES`; unknown ones are dropped */
  roles: Role[];
  /** the person's `sub`, the machine's app client id, or the IAM principal's ARN */
  subject: string;
}

/** The part of an HTTP API (payload 2.0) event `callerOf` reads; any of the three authorisers' contexts. */
export interface CallerEvent {
  requestContext?: {
    authorizer?: {
      iam?: { userArn?: string } | null;
      jwt?: { claims?: Record<string, unknown> | null } | null;
      lambda?: Record<string, unknown> | null;
    } | null;
  };
}

const AGENCY_ROLE_PREFIX = 'dancu-agency-';

// arn:aws:sts::123456789012:assumed-role/dancu-agency-CA-GIALAI/session or arn:aws:iam::123456789012:role/…
const ROLE_ARN =
  /^arn:aws[a-z-]*:(?:sts::\d{12}:assumed-role|iam::\d{12}:role(?:\/[\w+=,.@-]+)*)\/([\w+=,.@-]+)(?:\/[^/]*)?$/;

/**
 * The agency code of the IAM principal `userArn`, or undefined when it is not an agency role. The prefix is the
 * stage's (`AGENCY_ROLE_PREFIX`, set by infra/stages.ts: `dancu-dev-agency-` in dev), `dancu-agency-` without it.
 */
export function agencyOfPrincipal(
  userArn: string | undefined,
  prefix = process.env.AGENCY_ROLE_PREFIX || AGENCY_ROLE_PREFIX,
): string | undefined {
  const role = userArn ? ROLE_ARN.exec(userArn)?.[1] : undefined;
  if (!role?.startsWith(prefix)) return undefined;
  const agency = role.slice(prefix.length);
  return AGENCY_CODE_PATTERN.test(agency) ? agency : undefined;
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
  const agency = agencyCode(claims['custom:agency']);
  const subject = text(claims.sub);
  if (!agency || !subject) return undefined;
  return { kind: 'person', agency, roles: rolesOf(claims['cognito:groups']), subject };
}

function machine(context: Record<string, unknown>): Caller | undefined {
  const agency = agencyCode(context.agency);
  const subject = text(context.clientId);
  if (!agency || !subject) return undefined;
  return { kind: 'machine', agency, roles: rolesOf(context.roles), subject };
}

/**
 * The caller of an agency route, or undefined when the request carries no agency identity (an open route, a
 * token without an agency, a role not named for an agency). A route has one authoriser, so one context is
 * read: a JWT's claims, else a Lambda authoriser's answer, else the IAM principal.
 */
export function callerOf(event: CallerEvent): Caller | undefined {
  const authorizer = event.requestContext?.authorizer;
  if (!authorizer) return undefined;
  if (authorizer.jwt) return authorizer.jwt.claims ? person(authorizer.jwt.claims) : undefined;
  if (authorizer.lambda) return machine(authorizer.lambda);
  const userArn = authorizer.iam?.userArn;
  const agency = agencyOfPrincipal(userArn);
  if (!agency || !userArn) return undefined;
  return { kind: 'iam', agency, roles: [...IAM_AGENCY_ROLES], subject: userArn };
}
