// The local "account": its region, the credentials every emulator accepts, and how resources are named.
// s3rver checks signatures against S3RVER/S3RVER; dynalite and fauxqs accept any credentials.

export const LOCAL_REGION = 'ap-southeast-1';

export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The batches bucket (reports live in it too, under `KEYS.reportsPrefix`). */
export const LOCAL_BATCHES_BUCKET = 'dancu-batches';

/** `dancu-<id>` for a queue or table of `infra/resources.ts`. */
export function localName(id: string): string {
  return `dancu-${id}`;
}

export function deadLetterName(queueName: string): string {
  return `${queueName}-dlq`;
}
