// Who is calling an agency route. In AWS the HTTP API's IAM authoriser has verified the SigV4 signature; the
// agency is the one the caller's role is named for: `{stage prefix}{agencyCode}` (docs/procedures.md).
import { AGENCY_CODE_PATTERN } from './schemas.ts';

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
