// The local "account": its region, the credentials every emulator accepts, and how resources are named.
// s3rver checks signatures against S3RVER/S3RVER; dynalite and fauxqs accept any credentials.

export const LOCAL_REGION = 'ap-southeast-1';

export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * The agency function's local credentials, with which it signs upload URLs (POST /uploads): the split's
 * UPLOAD_SIGNER is this access key id, as it is the function role's id in AWS. No other function or tool uses them.
 */
export const LOCAL_UPLOAD_SIGNER = {
  accessKeyId: 'dancu-upload-signer',
  secretAccessKey: 'dancu-upload-signer-local-secret',
} as const;

/**
 * An agency's local credentials: the access key id names the agency's role, as `AWS:{roleId}` does in an S3
 * event in AWS; procedure events are sent with them (EVENT_SENDERS). s3rver does not verify SigV4 signatures of
 * header-signed requests, so this stands in for IAM without being a boundary. Uploads go through upload URLs.
 */
export function localAgencyCredentials(agencyCode: string) {
  const accessKeyId = `${LOCAL_AGENCY_KEY_PREFIX}${agencyCode}`;
  return { accessKeyId, secretAccessKey: accessKeyId };
}
const LOCAL_AGENCY_KEY_PREFIX = 'dancu-agency-';

/** The batches bucket (reports live in it too, under `PREFIXES.reports`, shared/keys.ts). */
export const LOCAL_BATCHES_BUCKET = 'dancu-batches';

/** `dancu-<id>` for a queue or table of `shared/resources.ts`. */
export function localName(id: string): string {
  return `dancu-${id}`;
}

export function deadLetterName(queueName: string): string {
  return `${queueName}-dlq`;
}
