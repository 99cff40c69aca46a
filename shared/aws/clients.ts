// The SDK clients, made once per container and configured only by the environment: in AWS the defaults;
// locally AWS_ENDPOINT_URL_S3 / _DYNAMODB / _SQS point the same clients at the emulators. The SQS client is in
// sqs.ts, apart, so that a bundle that sends no message carries none.
import { S3Client } from '@aws-sdk/client-s3';

export { documents, dynamodb } from './dynamodb.ts';
export { env } from './env.ts';

import { requestHandlerOptions } from './env.ts';

const local = Boolean(process.env.AWS_ENDPOINT_URL_S3);
const requestHandler = requestHandlerOptions();

export const s3 = new S3Client({
  requestHandler,
  // an emulator on 127.0.0.1 has no per-bucket host names
  forcePathStyle: local,
  // s3rver stores aws-chunked framing verbatim unless checksums are only sent when required
  ...(local
    ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
    : {}),
});
