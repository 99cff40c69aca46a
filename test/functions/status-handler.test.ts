import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { protectEvent } from '../../shared/procedures/application.ts';
import { ProcedureEvent } from '../../shared/procedures/event.ts';
import { CODE, procedureEvent } from '../procedures/fixtures.ts';
import { lambdaContext, sqsEvent } from './events.ts';

Object.assign(process.env, {
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  APPLICATIONS_TABLE: 'applications-table',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});
const dynamo = mockClient(DynamoDBDocumentClient);
let handler: typeof import('../../functions/status/handler.ts').handler;

const event = procedureEvent(1, 2, { applicant: { fullName: 'Trần Thị Bình', personalId: '064190123456' } });
const kept = {
  pk: `APP#${CODE}`,
  sk: 'EVENT#0000000000000001',
  ...protectEvent(ProcedureEvent.parse(event)),
};

beforeAll(async () => {
  ({ handler } = await import('../../functions/status/handler.ts'));
});
beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [kept] });
});

describe('status handler', () => {
  it('keeps the event once, then stores the state made of every kept event', async () => {
    const result = await handler(sqsEvent([event]), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    const puts = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(puts[0]).toMatchObject({
      TableName: 'applications-table',
      Item: { pk: `APP#${CODE}`, sk: 'EVENT#0000000000000001', status: 2, maskedName: 'T*** T*** B***' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(puts[1]).toMatchObject({
      Item: { pk: `APP#${CODE}`, sk: 'STATE', status: 2, eventCount: 1 },
      ConditionExpression: 'attribute_not_exists(pk) OR eventCount < :count',
    });
    expect(JSON.stringify(puts)).not.toMatch(/Trần|064190123456/);
  });

  it('fails a malformed event alone and writes nothing of it', async () => {
    const result = await handler(
      sqsEvent(['not json', { ...event, status: 42 }, procedureEvent(2, 4)]),
      lambdaContext(),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }] });
    const written = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.sequence);
    expect(written.every((sequence) => sequence === 2 || sequence === 1)).toBe(true);
    expect(dynamo.commandCalls(PutCommand).some((call) => call.args[0].input.Item?.status === 42)).toBe(
      false,
    );
  });

  it('treats a repeat as success and still rebuilds the state', async () => {
    dynamo
      .on(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' })
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const result = await handler(sqsEvent([event]), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it('fails the record when DynamoDB fails, so SQS delivers it again', async () => {
    dynamo.on(QueryCommand).rejects(new Error('throttled'));
    const result = await handler(sqsEvent([event]), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });
});
