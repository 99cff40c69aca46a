// Who may upload for which agency: the split re-checks the uploader of an S3 event against the agency of its key,
// so a batch under another agency's prefix is refused even if a bucket policy or role were ever too broad.
// zod/mini, as shared/domain/record.ts: the split bundles this
import * as z from 'zod/mini';

/** Any agency: the local stack's operator credentials only (infra/stages.ts cannot produce it). */
export const ANY_AGENCY = '*';

/** Uploader id (an IAM unique id, `AROA…` of a role or `AIDA…` of a user; locally an access key id) → agency code. */
export const Uploaders = z.record(z.string().check(z.minLength(1)), z.string().check(z.minLength(1)));
export type Uploaders = z.infer<typeof Uploaders>;

export function parseUploaders(json: string): Uploaders {
  return Uploaders.parse(JSON.parse(json));
}

/**
 * The uploader id of an S3 event's `userIdentity.principalId`: `AWS:{uniqueId}` for a user, `AWS:{roleId}:{session}`
 * for an assumed role. Anything else (a service, the account root) has none.
 */
export function uploaderIdOf(principalId: string | undefined): string | undefined {
  return principalId ? /^AWS:([^:]+)(?::.*)?$/.exec(principalId)?.[1] : undefined;
}

/** True when the principal of the event is mapped to `agencyCode` (or, locally, to any agency). */
export function mayUploadFor(
  uploaders: Uploaders,
  principalId: string | undefined,
  agencyCode: string,
): boolean {
  const id = uploaderIdOf(principalId);
  const allowed = id === undefined || !Object.hasOwn(uploaders, id) ? undefined : uploaders[id];
  return allowed === agencyCode || allowed === ANY_AGENCY;
}
