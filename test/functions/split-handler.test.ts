import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HEADER, ROW_A, ROW_B } from '../batch/helpers.ts';
import { body, lambdaContext, s3Notification, setPipelineEnvironment, sqsEvent } from './mocks.ts';

setPipelineEnvironment();
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const dynamo = mockClient(DynamoDBDocumentClient);
let handler: typeof import('../../functions/split/handler.ts').handler;

beforeAll(async () => {
  ({ handler } = await import('../../functions/split/handler.ts'));
});
beforeEach(() => {
  s3.reset();
  sqs.reset();
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  dynamo.on(GetCommand).resolves({ Item: { batchId: 'x' } });
  s3.on(PutObjectCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({});
  sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
});

describe('split handler', () => {
  it('splits a new upload: rejected rows and chunks to S3, the first chunk of each partition to the records queue', async () => {
    const bad = ROW_A.replace('064090123456', '064190123456');
    s3.on(GetObjectCommand).resolves({ Body: body(`${HEADER}\n${ROW_A}\n${bad}\n${ROW_B}\n`) as never });
    dynamo.on(GetCommand).resolves({ Item: { batchId: 'latest' } });

    const result = await handler(sqsEvent([s3Notification('incoming/CA-PLEIKU/forms.csv')]), lambdaContext());

    expect(result.batchItemFailures).toEqual([]);
    const created = dynamo.commandCalls(PutCommand)[0]?.args[0].input;
    expect(created?.Item).toMatchObject({
      agencyCode: 'CA-PLEIKU',
      objectKey: 'incoming/CA-PLEIKU/forms.csv',
      status: 'splitting',
    });
    const writes = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    const rejected = writes.filter((w) => String(w.Key).includes('/rejected/'));
    expect(rejected).toHaveLength(1);
    expect(String(rejected[0]?.Body)).toContain('PERSONAL_ID_SEX_MISMATCH');
    const chunks = writes.filter((w) => String(w.Key).includes('/chunks/'));
    expect(chunks.map((w) => String(w.Body).trim().split('\n').length).reduce((a, b) => a + b, 0)).toBe(2);
    const finish = dynamo
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.ExpressionAttributeValues?.[':status'] === 'registering');
    expect(finish?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':rows': 3,
      ':chunkCounts': expect.any(Array),
    });
    expect(finish?.args[0].input.ConditionExpression).toContain('leaseHolder = :holder');
    const sent = [...sqs.commandCalls(SendMessageCommand), ...sqs.commandCalls(SendMessageBatchCommand)];
    expect(sent.length).toBeGreaterThan(0);
  });

  it('does nothing for a repeated event of a batch already past splitting', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    dynamo
      .on(GetCommand)
      .resolves({ Item: { batchId: 'b', status: 'registering', chainsStarted: true, checkpoint: {} } });

    const result = await handler(sqsEvent([s3Notification('incoming/CA-PLEIKU/forms.csv')]), lambdaContext());

    expect(result.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('fails a batch whose file cannot be read, with a coded report and nothing sent to the register', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0])) as never });
    dynamo.on(GetCommand).resolves({ Item: { batchId: 'whatever' } });
    const event = s3Notification('incoming/CA-PLEIKU/photo.csv');
    // the report is written only by the latest upload of the key: make this batch the latest
    const { batchIdOf } = await import('../../shared/ingest/split.ts');
    const s3Record = event.Records[0]?.s3;
    const id = batchIdOf({
      bucket: 'batches-bucket',
      key: 'incoming/CA-PLEIKU/photo.csv',
      eTag: 'e1',
      sequencer: s3Record?.object.sequencer,
    });
    dynamo.on(GetCommand).resolves({ Item: { batchId: id } });

    await handler(sqsEvent([event]), lambdaContext());

    const failed = dynamo
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.ExpressionAttributeValues?.[':status'] === 'failed');
    expect(failed?.args[0].input.ExpressionAttributeValues?.[':failure']).toMatchObject({
      code: 'BATCH_NOT_TEXT',
    });
    const summary = s3
      .commandCalls(PutObjectCommand)
      .find((c) => String(c.args[0].input.Key).endsWith('summary.json'));
    expect(summary?.args[0].input.Key).toBe('reports/CA-PLEIKU/photo.csv/summary.json');
    expect(JSON.parse(String(summary?.args[0].input.Body))).toMatchObject({
      status: 'failed',
      failure: { code: 'BATCH_NOT_TEXT' },
    });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('refuses a batch uploaded under another agency’s prefix: failed with a coded report, nothing read or sent', async () => {
    const event = s3Notification('incoming/CA-ANKHE/forms.csv');
    const { batchIdOf } = await import('../../shared/ingest/split.ts');
    const s3Record = event.Records[0]?.s3;
    const id = batchIdOf({
      bucket: 'batches-bucket',
      key: 'incoming/CA-ANKHE/forms.csv',
      eTag: 'e1',
      sequencer: s3Record?.object.sequencer,
    });
    dynamo.on(GetCommand).resolves({ Item: { batchId: id } });

    const result = await handler(sqsEvent([event]), lambdaContext());

    expect(result.batchItemFailures).toEqual([]);
    const failed = dynamo
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.ExpressionAttributeValues?.[':status'] === 'failed');
    expect(failed?.args[0].input.ExpressionAttributeValues?.[':failure']).toMatchObject({
      code: 'BATCH_UPLOADER_NOT_ALLOWED',
      message: expect.stringMatching(/không được phép.*may not submit/),
    });
    const summary = s3
      .commandCalls(PutObjectCommand)
      .find((c) => String(c.args[0].input.Key).endsWith('summary.json'));
    expect(summary?.args[0].input.Key).toBe('reports/CA-ANKHE/forms.csv/summary.json');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('fails a batch whose object is gone before it is read, without retrying', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('gone'), { name: 'NoSuchKey' }));
    const result = await handler(
      sqsEvent([s3Notification('incoming/CA-PLEIKU/deleted.csv')]),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([]);
    const failed = dynamo
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.ExpressionAttributeValues?.[':status'] === 'failed');
    expect(failed?.args[0].input.ExpressionAttributeValues?.[':failure']).toMatchObject({
      code: 'BATCH_UNREADABLE',
    });
  });

  it('refuses a key outside incoming/{agency}/ or with an unsupported extension', async () => {
    await handler(sqsEvent([s3Notification('incoming/CA-PLEIKU/forms.xlsx')]), lambdaContext());
    const failed = dynamo
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.ExpressionAttributeValues?.[':status'] === 'failed');
    expect(failed?.args[0].input.ExpressionAttributeValues?.[':failure']).toMatchObject({
      code: 'BATCH_UNSUPPORTED_FORMAT',
    });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('hands over to a fresh invocation when time runs low, with a checkpoint', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => (i % 2 ? ROW_A : ROW_B)).join('\n');
    s3.on(GetObjectCommand).resolves({ Body: body(`${HEADER}\n${rows}\n`) as never });
    await handler(sqsEvent([s3Notification('incoming/CA-PLEIKU/forms.csv')]), lambdaContext(1_000));
    // time is looked at every 256 rows: row 256 is left for the next invocation
    const checkpoint = dynamo
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.UpdateExpression?.startsWith('SET checkpoint = :c, updatedAt'));
    expect(checkpoint?.args[0].input.ExpressionAttributeValues?.[':c']).toMatchObject({
      row: 255,
      invocations: 1,
    });
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.QueueUrl).toBe('https://sqs.local/intake');
    expect(JSON.parse(String(sent[0]?.MessageBody))).toMatchObject({ kind: 'split-continue' });
  });

  it('reports a malformed message as a batch item failure', async () => {
    const result = await handler(sqsEvent(['{"Records": [{"nonsense": true}]}']), lambdaContext());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
  });
});
