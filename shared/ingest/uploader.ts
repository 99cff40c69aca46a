// Who may upload for which agency (issue 17, the machine path): no one puts under `incoming/` with credentials of
// their own. The agency function signs a PUT URL for the caller's own prefix, with the agency and the uploader in
// the object's metadata, signed so the client cannot change them. The split admits an upload only when the S3 event
// names that signer and the metadata names the key's agency, so a batch under another agency's prefix is refused
// even if a bucket policy or role were ever too broad. No zod here: the split bundles this.

/** The object metadata an upload URL signs (sent as `x-amz-meta-{name}` headers). */
export const UPLOAD_METADATA = {
  /** the agency the URL was signed for: always the agency of the key */
  agency: 'dancu-agency',
  /** who asked for the URL: a machine's app client id or a person's Cognito `sub` (pseudonymous, no name) */
  uploader: 'dancu-uploader',
} as const;

/**
 * The uploader id of an S3 event's `userIdentity.principalId`: `AWS:{uniqueId}` for a user, `AWS:{roleId}:{session}`
 * for an assumed role. Anything else (a service, the account root) has none.
 */
export function uploaderIdOf(principalId: string | undefined): string | undefined {
  return principalId ? /^AWS:([^:]+)(?::.*)?$/.exec(principalId)?.[1] : undefined;
}

/** True when the S3 event's principal is `signer` (UPLOAD_SIGNER), the one principal that signs upload URLs. */
export function signedBy(signer: string, principalId: string | undefined): boolean {
  return signer !== '' && uploaderIdOf(principalId) === signer;
}

/** True when the object's metadata says it was signed for `agencyCode`. */
export function signedFor(metadata: Record<string, string> | undefined, agencyCode: string): boolean {
  return metadata?.[UPLOAD_METADATA.agency] === agencyCode;
}
