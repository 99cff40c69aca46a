// The register handler with record linkage (LINKAGE on, the default), against a mocked DynamoDB: what an ID-less
// record reads and writes on its way to being a new person.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { personKey } from '#domain/identity.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { chunkLine } from '../../shared/ingest/types.ts';
import { PERSON } from '../fixtures/person.ts';
import { lambdaContext, resetRegisterMocks, setPipelineEnvironment, sqsEvent } from './mocks.ts';

setPipelineEnvironment();
delete process.env.LINKAGE;
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const dynamo = mockClient(DynamoDBDocumentClient);
// createPerson writes attribute values with the base client (register-store.ts)
const base = mockClient(DynamoDBClient);
let handler: typeof import('../../functions/register/handler.ts').handler;

const record: PopulationRecord = { ...PERSON, motherName: 'Trần Thị Lan' };
const key = personKey(record);
const chunk = [{ row: 7, formId: 'F7', personKey: key, record }];

beforeAll(async () => {
  ({ handler } = await import('../../functions/register/handler.ts'));
});
beforeEach(() =>
  resetRegisterMocks({ s3, sqs, dynamo, base }, chunk.map(chunkLine)[0], {
    batchId: 'b1',
    agencyCode: 'CA-PLEIKU',
    status: 'registering',
    chunkCounts: [2],
    checkpoint: {},
  }),
);

describe('register handler with record linkage', () => {
  it('an ID-less record nobody resembles: three Queries, its blocking items, then the person, new', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(BatchWriteCommand).resolves({});
    const result = await handler(
      sqsEvent([{ kind: 'chunk', batchId: 'b1', partition: 0, seq: 0 }]),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(3);
    expect(dynamo.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.sk === 'PERSON')).toHaveLength(
      0,
    );
    const filed = dynamo.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.['register-table'];
    expect(filed).toHaveLength(3);
    expect(filed?.every((request) => request.PutRequest?.Item?.sk === key)).toBe(true);
    const person = base.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    expect(person).toMatchObject({
      pk: { S: key },
      sk: { S: 'PERSON' },
      applied: { L: [{ S: 'b1#7:new' }] },
    });
    // no alias or review item; one put: the chunk's lease in the batches table, let go once the outcomes are out
    const puts = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.map((put) => [put.TableName, put.Item?.sk])).toEqual([['batches-table', 'CHUNK#0#0']]);
    const outcomes = s3
      .commandCalls(PutObjectCommand)
      .filter((c) => String(c.args[0].input.Key).includes('/outcomes/'))
      .map((c) => JSON.parse(String(c.args[0].input.Body).trim()));
    expect(outcomes).toEqual([[7, 'new', key, 'F7', []]]);
  });
});
