// The applications store's expiry of closed applications (storage limitation, issue 24) against a mocked DynamoDB:
// a final status writes `expiresAt` on the state and every event, an open one none, a reopened one takes it away.
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Application } from '../../shared/procedures/application.ts';

Object.assign(process.env, {
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});
const dynamo = mockClient(DynamoDBDocumentClient);
const { ApplicationStore, EXPIRES_AT } = await import('../../shared/store/application-store.ts');

const DAYS = 365;
const store = new ApplicationStore('applications-table', { closedApplicationsDays: DAYS });

const application = (status: Application['status'], updatedAt = '2026-12-01T03:00:00.000Z'): Application => ({
  applicationCode: 'G22.99-261201-0001',
  procedureCode: '1.001',
  procedureName: 'Đăng ký thường trú',
  agencyCode: 'CA-PLEIKU',
  agencyName: 'Công an thành phố Pleiku',
  status,
  sequence: 3,
  updatedAt,
  history: [],
  eventCount: 3,
});
const events = (expiresAt?: number) =>
  [1, 2, 3].map((sequence) => ({
    pk: 'APP#G22.99-261201-0001',
    sk: `EVENT#${String(sequence).padStart(16, '0')}`,
    ...(expiresAt === undefined ? {} : { [EXPIRES_AT]: expiresAt }),
  }));

beforeEach(() => dynamo.reset());

describe('closed applications expire', () => {
  const closedAt = Date.parse('2026-12-01T03:00:00.000Z') / 1000;
  const expiresAt = closedAt + DAYS * 86_400;

  it('writes expiresAt = the final status’s time + the retention on the state and on every event', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: events() });
    dynamo.on(UpdateCommand).resolves({});
    expect(await store.saveState(application(10))).toBe(true);
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item?.[EXPIRES_AT]).toBe(expiresAt);
    const updates = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates.map((u) => u.Key?.sk)).toEqual(events().map((e) => e.sk));
    for (const update of updates) {
      expect(update.UpdateExpression).toBe('SET #expiresAt = :expiresAt');
      expect(update.ExpressionAttributeValues).toEqual({ ':expiresAt': expiresAt });
      expect(update.ConditionExpression).toBe('attribute_exists(pk)');
    }
  });

  it.each([3, 7, 8, 9])('expires an application closed with status %i', async (status) => {
    expect(store.expiryOf(application(status as Application['status']))).toBe(expiresAt);
  });

  it('writes none while the application is open, and touches no event', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: events() });
    expect(await store.saveState(application(4))).toBe(true);
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item).not.toHaveProperty(EXPIRES_AT);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('takes the expiry away from the events of an application a later event reopened', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: events(expiresAt) });
    dynamo.on(UpdateCommand).resolves({});
    await store.saveState(application(5));
    const updates = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input.UpdateExpression);
    expect(updates).toEqual(['REMOVE #expiresAt', 'REMOVE #expiresAt', 'REMOVE #expiresAt']);
  });

  it('leaves events alone when its state did not land (a fuller one is stored)', async () => {
    dynamo
      .on(PutCommand)
      .rejects(Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' }));
    expect(await store.saveState(application(10))).toBe(false);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('expires nothing without a retention (the local stack’s default)', async () => {
    const keeping = new ApplicationStore('applications-table');
    expect(keeping.expiryOf(application(10))).toBeUndefined();
  });

  it('never shows expiresAt to a reader', async () => {
    dynamo.on(QueryCommand).resolves({ Items: events(expiresAt).map((e) => ({ ...e, sequence: 1 })) });
    const [event] = await store.events('G22.99-261201-0001');
    expect(event).toEqual({ sequence: 1 });
  });
});
