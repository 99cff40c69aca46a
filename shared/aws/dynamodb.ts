// The DynamoDB clients, made once per container and configured only by the environment (locally
// AWS_ENDPOINT_URL_DYNAMODB points them at the emulator). A module of their own, so a function that only reads
// DynamoDB (lookup, agency, status) bundles and constructs no S3 or SQS client.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requestHandlerOptions } from './env.ts';

export const dynamodb = new DynamoDBClient({ maxAttempts: 8, requestHandler: requestHandlerOptions() });

/** DynamoDB with plain JavaScript values; undefined attributes are left out. */
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});
