import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { chunkLine } from '../../shared/ingest/types.ts';
import { packRecord, unpackRecord } from '../../shared/model/person-record.ts';
import { lambdaContext, resetRegisterMocks, setPipelineEnvironment, sqsEvent } from './mocks.ts';

setPipelineEnvironment();
// the exact-key path as it was before record linkage; with linkage: register-linkage-handler.test.ts
process.env.LINKAGE = 'off';
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const dynamo = mockClient(DynamoDBDocumentClient);
// createPerson writes attribute values with the base client (register-store.ts)
const base = mockClient(DynamoDBClient);
let handler: typeof import('../../functions/register/handler.ts').handler;

const record: PopulationRecord = {
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1990-02-01',
  sex: 'male',
  personalId: '064090123456',
  birthRegistrationPlace: 'Gia Lai',
  hometown: 'Bình Định',
  ethnicityCode: '01',
  nationality: 'VN',
  currentAddress: 'Pleiku',
};
const packed = packRecord;
const unpacked = (value: unknown) => unpackRecord(value as string);
const chunk = [{ row: 7, formId: 'F7', personKey: 'id:064090123456', record }];
const batchItem = {
  batchId: 'b1',
  agencyCode: 'CA-PLEIKU',
  status: 'registering',
  chunkCounts: [2, 0],
  checkpoint: {},
};
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
const outcomesWritten = () =>
  s3
    .commandCalls(PutObjectCommand)
    .filter((c) => String(c.args[0].input.Key).includes('/outcomes/'))
    .map((c) => JSON.parse(String(c.args[0].input.Body).trim()));

beforeAll(async () => {
  ({ handler } = await import('../../functions/register/handler.ts'));
});
beforeEach(() =>
  resetRegisterMocks({ s3, sqs, dynamo, base }, chunk.map(chunkLine)[0], batchItem, {
    Attributes: { donePartitions: new Set([0]) },
  }),
);

describe('register handler', () => {
  it('leaves a chunk another invocation holds to it: waits for its outcomes, decides no row, moves the chain on', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    const notFound = Object.assign(new Error('not found'), { name: 'NotFound' });
    // no outcomes when it arrives; the holder has written them when it looks again
    s3.on(HeadObjectCommand).rejectsOnce(notFound).resolves({});
    const result = await handler(
      sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }]),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.sk)).toEqual(['CHUNK#0#0']);
    expect(base.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(outcomesWritten()).toEqual([]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('stores a person seen for the first time as new, and sends the partition its next chunk', async () => {
    dynamo.on(PutCommand).resolves({});
    const result = await handler(
      sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }]),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([]);
    const person = base.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(person?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(person?.Item).toMatchObject({
      pk: { S: 'id:064090123456' },
      sk: { S: 'PERSON' },
      applied: { L: [{ S: 'b1#7:new' }] },
    });
    expect(unpacked(person?.Item?.record?.S)).toEqual(record);
    expect(outcomesWritten()).toEqual([[7, 'new', 'id:064090123456', 'F7', []]]);
    const next = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(next?.QueueUrl).toBe('https://sqs.local/records');
    expect(JSON.parse(String(next?.MessageBody))).toEqual({
      kind: 'chunk',
      batchId: 'b1',
      partition: 0,
      seq: 1,
    });
  });

  it('a redelivered row finds its own earlier decision and decides the same', async () => {
    base.on(PutItemCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { Key: { pk: 'id:064090123456', sk: 'PERSON' } }).resolves({
      Item: {
        record: packed({ ...record, currentAddress: 'Elsewhere' }),
        version: 3,
        applied: ['b0#1:new', 'b1#7:new'],
      },
    });
    await handler(sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }]), lambdaContext());
    expect(outcomesWritten()).toEqual([[7, 'new', 'id:064090123456', 'F7', []]]);
    expect(
      dynamo.commandCalls(UpdateCommand).filter((c) => c.args[0].input.Key?.sk === 'PERSON'),
    ).toHaveLength(0);
  });

  it('an identity that differs under the same ID is a conflict, kept for review, the register unchanged', async () => {
    base.on(PutItemCommand).rejects(conditionFailed());
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand, { Key: { pk: 'id:064090123456', sk: 'PERSON' } }).resolves({
      Item: { record: packed({ ...record, fullName: 'Trần Văn Bình' }), version: 1, applied: ['b0#1:new'] },
    });
    await handler(sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }]), lambdaContext());
    expect(outcomesWritten()).toEqual([[7, 'conflict', 'id:064090123456', 'F7', []]]);
    const conflict = dynamo
      .commandCalls(PutCommand)
      .find((c) => String(c.args[0].input.Item?.sk).startsWith('CONFLICT#'));
    expect(conflict?.args[0].input.Item).toMatchObject({
      pk: 'id:064090123456',
      sk: 'CONFLICT#b1#7',
      status: 'open',
    });
    const update = dynamo.commandCalls(UpdateCommand).find((c) => c.args[0].input.Key?.sk === 'PERSON');
    expect(update?.args[0].input.UpdateExpression).not.toContain('#record');
  });

  it('the same identity with a new address is an update with history, guarded by the version read', async () => {
    base.on(PutItemCommand).rejects(conditionFailed());
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand, { Key: { pk: 'id:064090123456', sk: 'PERSON' } }).resolves({
      Item: { record: packed({ ...record, currentAddress: 'An Khê' }), version: 4, applied: [] },
    });
    await handler(sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }]), lambdaContext());
    expect(outcomesWritten()).toEqual([[7, 'updated', 'id:064090123456', 'F7', []]]);
    const history = dynamo
      .commandCalls(PutCommand)
      .find((c) => String(c.args[0].input.Item?.sk).startsWith('HIST#'));
    expect(history?.args[0].input.Item?.changes).toEqual({
      currentAddress: { from: 'An Khê', to: 'Pleiku' },
    });
    const update = dynamo.commandCalls(UpdateCommand).find((c) => c.args[0].input.Key?.sk === 'PERSON')
      ?.args[0].input;
    expect(update?.ConditionExpression).toBe('version = :version');
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':version': 4, ':next': 5 });
    expect(unpacked(update?.ExpressionAttributeValues?.[':record'])).toEqual(record);
  });

  it('a chunk whose outcomes exist was done before: it only moves the chain on', async () => {
    s3.on(HeadObjectCommand).resolves({});
    await handler(sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }]), lambdaContext());
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(base.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(outcomesWritten()).toEqual([]);
    const next = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(JSON.parse(String(next?.MessageBody))).toEqual({
      kind: 'chunk',
      batchId: 'b1',
      partition: 0,
      seq: 1,
    });
  });

  it('after the last chunk of the last partition, asks for the report', async () => {
    dynamo.on(PutCommand).resolves({});
    await handler(sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 1 }]), lambdaContext());
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent.map((m) => m.QueueUrl)).toEqual(['https://sqs.local/finalize']);
  });

  it('on the last try of a failing chunk, marks the batch failed with a reason and leaves the message to the DLQ', async () => {
    base.on(PutItemCommand).rejects(new Error('DynamoDB is down'));
    const result = await handler(
      sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }], 5),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    const failed = dynamo
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.ExpressionAttributeValues?.[':status'] === 'failed');
    expect(failed?.args[0].input.ExpressionAttributeValues?.[':failure']).toMatchObject({
      code: 'BATCH_PROCESSING_FAILED',
    });
  });

  it('before the last try, only reports the failure', async () => {
    base.on(PutItemCommand).rejects(new Error('DynamoDB is down'));
    const result = await handler(
      sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }], 2),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    // the batch is not marked failed; the chunk's lease is let go, so the retry need not wait for it
    const updates = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.filter((u) => u.Key?.sk === 'META')).toHaveLength(0);
    expect(updates.map((u) => [u.Key?.sk, u.ExpressionAttributeValues?.[':zero']])).toEqual([
      ['CHUNK#0#0', 0],
    ]);
  });
});
