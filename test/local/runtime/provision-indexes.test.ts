// A table kept in .dancu/ from before an index was declared in shared/resources.ts gets the index on the next start.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../../local/runtime/emulators.ts';
import { createTableCommand, provision } from '../../../local/runtime/provision.ts';

let emulators: Emulators;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  emulators = await startEmulators({
    dir: await mkdtemp(join(tmpdir(), 'dancu-indexes-')),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    region: 'ap-southeast-1',
  });
  dynamodb = new DynamoDBClient({
    endpoint: emulators.endpoints.dynamodb,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});
afterAll(async () => {
  dynamodb?.destroy();
  await emulators?.stop();
});

describe('provision', () => {
  it('adds gsi1 to a batches table made before it was declared, keeping its items', async () => {
    // as provisioning made it before gsi1 was declared
    await dynamodb.send(createTableCommand('dancu-batches'));
    const batch = {
      pk: { S: 'BATCH#b1' },
      sk: { S: 'META' },
      gsi1pk: { S: 'AGENCY#CA-GIALAI' },
      gsi1sk: { S: '2026-11-27T00:00:00Z#b1' },
      status: { S: 'completed' },
    };
    await dynamodb.send(new PutItemCommand({ TableName: 'dancu-batches', Item: batch }));
    await provision({
      endpoints: emulators.endpoints,
      log: { info: () => undefined, error: () => undefined },
    });
    const { Items } = await dynamodb.send(
      new QueryCommand({
        TableName: 'dancu-batches',
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :agency',
        ExpressionAttributeValues: { ':agency': { S: 'AGENCY#CA-GIALAI' } },
      }),
    );
    // the item kept on disk before is still there, and now in the index
    expect(Items).toEqual([batch]);
  });
});
