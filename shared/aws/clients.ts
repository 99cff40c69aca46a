// The SDK clients, made once per container and configured only by the environment: in AWS the defaults;
// locally AWS_ENDPOINT_URL_S3 / _DYNAMODB / _SQS point the same clients at the emulators.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const local = Boolean(process.env.AWS_ENDPOINT_URL_S3);
// In AWS every invocation has a container, and sockets, of its own; the local stack runs all invocations in one
// process and raises the sockets per client to what they would hold together (DANCU_MAX_SOCKETS).
const maxSockets = Number(process.env.DANCU_MAX_SOCKETS) || undefined;
const requestHandler = maxSockets ? { httpAgent: { maxSockets }, httpsAgent: { maxSockets } } : undefined;

export const s3 = new S3Client({
  requestHandler,
  // an emulator on 127.0.0.1 has no per-bucket host names
  forcePathStyle: local,
  // s3rver stores aws-chunked framing verbatim unless checksums are only sent when required
  ...(local
    ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
    : {}),
});
export const dynamodb = new DynamoDBClient({ maxAttempts: 8, requestHandler });
// an emulator's queue URLs may name hosts that do not resolve; send to the configured endpoint instead
export const sqs = new SQSClient({
  requestHandler,
  ...(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {}),
});

/** A required environment variable, or a clear error at start-up rather than a confusing one later. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** DynamoDB with plain JavaScript values; undefined attributes are left out. */
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});
