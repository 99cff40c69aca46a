// Which batch an intake message is about: one batch per uploaded object version. Apart from split.ts so that
// the dead-letter watch (finalize's bundle) names the batch of an S3 notification without the split's reader.
import { createHash } from 'node:crypto';
import type { S3Notification } from './types.ts';

export interface UploadedObject {
  bucket: string;
  key: string;
  versionId?: string;
  eTag?: string;
  size?: number;
  sequencer?: string;
  /** `userIdentity.principalId` of the S3 event */
  uploader?: string;
}

/** One batch per uploaded object version: the same S3 event twice is the same batch; a new upload is not. */
export function batchIdOf(object: UploadedObject): string {
  const identity = [
    object.bucket,
    object.key,
    object.versionId ?? '',
    object.sequencer ?? object.eTag ?? '',
  ].join('\n');
  const id = createHash('sha256').update(identity).digest('base64url').slice(0, 22);
  // a leading - would be neutralised as a formula in the reports' CSV cells (review_id), so it never leads
  return /^[-_]/.test(id) ? `b${id.slice(1)}` : id;
}

/** The objects an S3 notification says were created (S3 sends other events on the same queue too). */
export function uploadedObjectsOf(notification: S3Notification): UploadedObject[] {
  return notification.Records.filter(({ eventName }) => eventName.startsWith('ObjectCreated')).map(
    ({ s3, userIdentity }) => ({
      bucket: s3.bucket.name,
      // S3 sends the key URL-encoded, a space as +
      key: decodeURIComponent(s3.object.key.replace(/\+/g, ' ')),
      versionId: s3.object.versionId ?? undefined,
      eTag: s3.object.eTag,
      size: s3.object.size,
      sequencer: s3.object.sequencer,
      uploader: userIdentity?.principalId,
    }),
  );
}
