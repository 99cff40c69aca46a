// The SQS client, made once per container and configured only by the environment (locally AWS_ENDPOINT_URL_SQS
// points it at the emulator). A module of its own, as dynamodb.ts: a function that sends and reads no message
// (finalize) neither bundles nor constructs it.
import { SQSClient } from '@aws-sdk/client-sqs';
import { requestHandlerOptions } from './env.ts';

// an emulator's queue URLs may name hosts that do not resolve; send to the configured endpoint instead
export const sqs = new SQSClient({
  requestHandler: requestHandlerOptions(),
  ...(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {}),
});
