// Streaming a large text (a report) to S3 in parts, never whole in memory: the ReportFiles port. A module of its own,
// so that only the finalize function bundles lib-storage (work-files.ts is in every pipeline function).
import type { Readable } from 'node:stream';
import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { s3 } from '../aws/clients.ts';
import type { ReportFiles } from '../model/ports.ts';
import { WorkFiles } from './work-files.ts';

export class ReportUploads extends WorkFiles implements ReportFiles {
  async uploadStream(key: string, body: Readable, contentType: string): Promise<void> {
    await new Upload({
      client: s3,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
    }).done();
  }

  async copy(from: string, to: string): Promise<void> {
    // the bucket's default encryption (SSE-KMS) applies to the copy as to any write
    await s3.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: to,
        CopySource: `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
      }),
    );
  }
}
