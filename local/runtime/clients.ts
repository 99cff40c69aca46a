// SDK clients for the local stack's own work (provisioning, polling, forwarding S3 events), pointed at the
// emulators explicitly: the process environment belongs to the functions, and may be set only later.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './account.ts';
import type { LocalEndpoints } from './emulators.ts';

export interface LocalClients {
  s3: S3Client;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  destroy(): void;
}

export function createLocalClients(endpoints: LocalEndpoints, region = LOCAL_REGION): LocalClients {
  // a copy each: the SDK writes into the credentials object it is given
  const common = () => ({ region, credentials: { ...LOCAL_CREDENTIALS } });
  const s3 = new S3Client({
    ...common(),
    endpoint: endpoints.s3,
    forcePathStyle: true,
    // s3rver stores aws-chunked framing verbatim unless checksums are only sent when required
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const sqs = new SQSClient({ ...common(), endpoint: endpoints.sqs });
  const dynamodb = new DynamoDBClient({ ...common(), endpoint: endpoints.dynamodb });
  return {
    s3,
    sqs,
    dynamodb,
    destroy() {
      s3.destroy();
      sqs.destroy();
      dynamodb.destroy();
    },
  };
}
