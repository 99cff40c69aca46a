// Upload and report URLs for the batches bucket, the UploadUrlSigner port: a presigned GET of a report file, and a
// presigned PUT whose `x-amz-meta-*` headers are
// signed, not hoisted into the query, so a client that changes or drops one breaks the signature. The bucket's
// default encryption (S3-managed, or the stage's KMS key) applies without headers; with a KMS key the signer's role
// needs kms:GenerateDataKey on it through S3 (infra/access.ts `writesObjects`).
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { requestHandlerOptions } from '../aws/env.ts';
import type { UploadUrlSigner } from '../model/ports.ts';

/**
 * A client for signing only. Checksums only when required: by default the SDK signs a CRC32 of the empty body it
 * presigns into the URL (`x-amz-checksum-crc32=AAAAAA==`), which S3 then holds every real upload to and refuses.
 */
export function signingClient(config: ConstructorParameters<typeof S3Client>[0] = {}): S3Client {
  return new S3Client({
    requestHandler: requestHandlerOptions(),
    // an emulator on 127.0.0.1 has no per-bucket host names
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...config,
  });
}

export class UploadUrls implements UploadUrlSigner {
  constructor(
    readonly bucket: string,
    private readonly client: S3Client = signingClient(),
  ) {}

  async signPut(key: string, metadata: Record<string, string>, expiresInSeconds: number) {
    const headers = Object.fromEntries(
      Object.entries(metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
    );
    const signed = new Set(Object.keys(headers));
    const url = await getSignedUrl(
      this.client,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Metadata: metadata }),
      { expiresIn: expiresInSeconds, signableHeaders: signed, unhoistableHeaders: signed },
    );
    return { url, headers };
  }

  signGet(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }
}
