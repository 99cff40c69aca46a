// The register store's linkage items against a mocked DynamoDB: what it writes and reads, and its retries.
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { filingKeys } from '../../shared/linkage/blocking.ts';
import { unpackRecord } from '../../shared/model/person-record.ts';
import { PERSON } from '../fixtures/person.ts';

Object.assign(process.env, {
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});
const dynamo = mockClient(DynamoDBDocumentClient);
const { RegisterStore } = await import('../../shared/store/register-store.ts');
const store = new RegisterStore('register-table');

const record: PopulationRecord = { ...PERSON, phone: '0912345678', motherName: 'Trần Thị Lan' };

beforeEach(() => dynamo.reset());

describe('blocking items', () => {
  it('files a person under each key with the whole record and its first entry, in one BatchWriteItem', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    const keys = filingKeys(record);
    await store.fileForLinkage('nk:p1', record, keys, 'CA-PLEIKU', 'b#7:new');
    const [call] = dynamo.commandCalls(BatchWriteCommand);
    const requests = call?.args[0].input.RequestItems?.['register-table'] ?? [];
    expect(
      requests.map((r) => [
        r.PutRequest?.Item?.pk,
        r.PutRequest?.Item?.sk,
        r.PutRequest?.Item?.agencyCode,
        r.PutRequest?.Item?.created,
      ]),
    ).toEqual(keys.map((key) => [key, 'nk:p1', 'CA-PLEIKU', 'b#7:new']));
    expect(unpackRecord(requests[0]?.PutRequest?.Item?.fields as string)).toEqual(record);
    // under the 1 KB of one write unit
    expect(JSON.stringify(requests[0]?.PutRequest?.Item).length).toBeLessThan(600);
  });

  it('sends again what DynamoDB left unprocessed, and only that', async () => {
    const keys = filingKeys(record);
    let calls = 0;
    dynamo.on(BatchWriteCommand).callsFake((input) => {
      calls++;
      const items = input.RequestItems['register-table'];
      return calls === 1 ? { UnprocessedItems: { 'register-table': items.slice(1) } } : {};
    });
    await store.fileForLinkage('nk:p1', record, keys, 'CA-PLEIKU', 'b#7:new');
    const sent = dynamo
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems?.['register-table']?.length);
    expect(sent).toEqual([keys.length, keys.length - 1]);
  });

  it('gives up with an error when items stay unprocessed', async () => {
    dynamo.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
    await expect(store.fileForLinkage('nk:p1', record, ['bg:x'], 'CA-PLEIKU', 'b#7:new')).rejects.toThrow(
      'unprocessed',
    );
  }, 20_000);

  it('queries each blocking key once, strongly consistent, projecting what the scorer reads', async () => {
    dynamo.on(BatchWriteCommand).resolves({});
    await store.fileForLinkage('nk:p1', record, ['bg:x'], 'CA-PLEIKU', 'b#7:new');
    const fields =
      dynamo.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.['register-table']?.[0]
        ?.PutRequest?.Item?.fields;
    dynamo.on(QueryCommand).resolves({ Items: [{ sk: 'nk:p1', fields, created: 'b#7:new' }] });
    const candidates = await store.findCandidates(['bg:a', 'bf:b', 'bm:c']);
    const queries = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries.map((q) => q.ExpressionAttributeValues?.[':key'])).toEqual(['bg:a', 'bf:b', 'bm:c']);
    expect(
      queries.every((q) => q.ConsistentRead && q.ProjectionExpression === 'sk, #fields, agencyCode, created'),
    ).toBe(true);
    expect(candidates).toHaveLength(3);
    expect(candidates[0]).toEqual({ personKey: 'nk:p1', record, created: 'b#7:new' });
  });
});

describe('review items', () => {
  it("are kept in the agency's own partition, and a redelivery does not reopen a resolved one", async () => {
    dynamo.on(PutCommand).resolves({});
    await store.putReview({
      id: 'b.7',
      agencyCode: 'CA-PLEIKU',
      batchId: 'b',
      row: 7,
      personKey: 'nk:twin',
      candidatePersonKey: 'nk:held',
      score: 27.67,
      reasons: [],
      fields: [],
      createdAt: '2026-11-27T00:00:00.000Z',
    });
    const put = dynamo.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.Item).toMatchObject({ pk: 'REVIEW#CA-PLEIKU', sk: 'b.7' });
    expect(put?.ConditionExpression).toBe('attribute_not_exists(resolution)');
  });

  it('lists one agency, or one batch of it', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: { pk: 'REVIEW#CA-PLEIKU', sk: 'b.9' } });
    const page = await store.listReviews('CA-PLEIKU', { batchId: 'b', limit: 2 });
    const query = dynamo.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.ExpressionAttributeValues).toEqual({ ':pk': 'REVIEW#CA-PLEIKU', ':batch': 'b.' });
    expect(page.nextToken).toBe('b.9');
  });
});
