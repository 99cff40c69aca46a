// The local S3's check of presigned requests (s3rver 3.7.1 admits any V4 signature): URLs the SDK presigns hold,
// and a URL used for another key, method or metadata does not.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { checkPresigned } from '../../local/runtime/presigned-check.ts';

const KEY = { accessKeyId: 'dancu-upload-signer', secretAccessKey: 'signer-secret' };
const client = new S3Client({
  region: 'ap-southeast-1',
  endpoint: 'http://127.0.0.1:4569',
  forcePathStyle: true,
  credentials: KEY,
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const META = { 'x-amz-meta-dancu-agency': 'CA-GIALAI', 'x-amz-meta-dancu-uploader': 'client 1' };
const secretOf = (id: string) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined);

async function presign(key: string) {
  const signed = new Set(Object.keys(META));
  const url = new URL(
    await getSignedUrl(
      client,
      new PutObjectCommand({
        Bucket: 'dancu-batches',
        Key: key,
        Metadata: { 'dancu-agency': 'CA-GIALAI', 'dancu-uploader': 'client 1' },
      }),
      { expiresIn: 900, signableHeaders: signed, unhoistableHeaders: signed },
    ),
  );
  return `${url.pathname}${url.search}`;
}
const headers = (extra: Record<string, string> = {}) => ({ host: '127.0.0.1:4569', ...META, ...extra });

describe('checkPresigned', () => {
  it('admits what the SDK presigned, with a name that needs escaping too', async () => {
    for (const key of ['incoming/CA-GIALAI/forms.csv', 'incoming/CA-GIALAI/a b+(1)!.csv']) {
      expect(checkPresigned('PUT', await presign(key), headers(), secretOf)).toBeUndefined();
    }
  });

  it('leaves a request that is not presigned to s3rver', () => {
    expect(checkPresigned('PUT', '/dancu-batches/x', headers(), secretOf)).toBeUndefined();
    expect(checkPresigned('GET', '/dancu-batches?list-type=2', headers(), secretOf)).toBeUndefined();
  });

  it('refuses the URL for another key, another method, changed metadata, an extra query or an unknown key', async () => {
    const url = await presign('incoming/CA-GIALAI/forms.csv');
    const code = (method: string, path: string, given: Record<string, string | undefined>) =>
      checkPresigned(method, path, given, secretOf)?.code;
    expect(code('PUT', url.replace('CA-GIALAI/forms', 'CA-PLEIKU/forms'), headers())).toBe(
      'SignatureDoesNotMatch',
    );
    expect(code('PUT', url.replace('forms.csv', 'other.csv'), headers())).toBe('SignatureDoesNotMatch');
    expect(code('DELETE', url, headers())).toBe('SignatureDoesNotMatch');
    expect(code('PUT', url, headers({ 'x-amz-meta-dancu-agency': 'CA-PLEIKU' }))).toBe(
      'SignatureDoesNotMatch',
    );
    expect(code('PUT', url, { host: '127.0.0.1:4569' })).toBe('SignatureDoesNotMatch');
    expect(code('PUT', `${url}&x-amz-meta-dancu-agency=CA-PLEIKU`, headers())).toBe('SignatureDoesNotMatch');
    expect(code('PUT', url.replace(KEY.accessKeyId, 'S3RVER'), headers())).toBe('SignatureDoesNotMatch');
    expect(code('PUT', url, headers({ 'x-amz-meta-extra': 'x' }))).toBe('AccessDenied');
  });
});
