// The upload URL signer of the agency function's tests: the real one, offline (presigning sends nothing), with keys
// of its own so that a test can check the signature it made.
import { signingClient, UploadUrls } from '../../shared/store/upload-urls.ts';

export const TEST_SIGNER = { accessKeyId: 'AKIDAGENCYFN', secretAccessKey: 'agency-function-secret' };

export function testUploadUrls(bucket = 'batches-bucket'): UploadUrls {
  return new UploadUrls(
    bucket,
    signingClient({ region: 'ap-southeast-1', credentials: TEST_SIGNER, forcePathStyle: false }),
  );
}
