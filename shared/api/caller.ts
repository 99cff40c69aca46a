// Who is calling an agency route. In AWS the HTTP API's IAM authoriser has verified the SigV4 signature; the
// agency is the one the caller's role is named for: `dancu-agency-{agencyCode}` (docs/procedures.md).
import { AGENCY_CODE_PATTERN } from './schemas.ts';

export const AGENCY_ROLE_PREFIX = 'dancu-agency-';

// arn:aws:sts::123456789012:assumed-role/dancu-agency-CA-GIALAI/session or arn:aws:iam::123456789012:role/…
const ROLE_ARN =
  /^arn:aws[a-z-]*:(?:sts::\d{12}:assumed-role|iam::\d{12}:role(?:\/[\w+=,.@-]+)*)\/([\w+=,.@-]+)(?:\/[^/]*)?$/;

/** The agency code of the IAM principal `userArn`, or undefined when it is not an agency role. */
export function agencyOfPrincipal(userArn: string | undefined): string | undefined {
  const role = userArn ? ROLE_ARN.exec(userArn)?.[1] : undefined;
  if (!role?.startsWith(AGENCY_ROLE_PREFIX)) return undefined;
  const agency = role.slice(AGENCY_ROLE_PREFIX.length);
  return AGENCY_CODE_PATTERN.test(agency) ? agency : undefined;
}
