import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agencyOfPrincipal } from '../../shared/api/caller.ts';
import { BatchList, BatchView, ReviewList, ReviewView } from '../../shared/api/schemas.ts';
import { bodyOf, get, lambdaContext, post } from './http.ts';

Object.assign(process.env, {
  AWS_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  BATCHES_TABLE: 'batches-table',
  REGISTER_TABLE: 'register-table',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});
const dynamo = mockClient(DynamoDBDocumentClient);
let handler: typeof import('../../functions/agency/handler.ts').handler;

const BATCH_ID = 'AbCdEfGhIjKlMnOpQrStUv';
const batchItem = {
  pk: `BATCH#${BATCH_ID}`,
  sk: 'META',
  gsi1pk: 'AGENCY#CA-GIALAI',
  gsi1sk: `2026-11-27T00:00:00.000Z#${BATCH_ID}`,
  batchId: BATCH_ID,
  agencyCode: 'CA-GIALAI',
  bucket: 'batches-bucket',
  objectKey: 'incoming/CA-GIALAI/forms.csv',
  status: 'completed',
  startedAt: '2026-11-27T00:00:00.000Z',
  updatedAt: '2026-11-27T00:01:00.000Z',
  finishedAt: '2026-11-27T00:01:00.000Z',
  rows: 10,
  outcomes: { new: 8, duplicate: 1, updated: 0, conflict: 0, probable_duplicate: 0, rejected: 1 },
  errorsByCode: { DATE_INVALID: 1 },
  checkpoint: { row: 10 },
  leaseHolder: 'x',
  partitions: 4,
};

const call = (path: string, routeKey: string, options: Parameters<typeof get>[2] = {}) =>
  handler(get(path, routeKey, options) as never, lambdaContext());

beforeAll(async () => {
  ({ handler } = await import('../../functions/agency/handler.ts'));
});
beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(GetCommand, { Key: { pk: `BATCH#${BATCH_ID}`, sk: 'META' } }).resolves({ Item: batchItem });
  dynamo.on(QueryCommand).resolves({ Items: [batchItem] });
});

describe('agency of the IAM principal', () => {
  it.each([
    ['arn:aws:sts::123456789012:assumed-role/dancu-agency-CA-GIALAI/alice', 'CA-GIALAI'],
    ['arn:aws:iam::123456789012:role/dancu-agency-TP-PLEIKU', 'TP-PLEIKU'],
    ['arn:aws:iam::123456789012:role/agencies/dancu-agency-X1', 'X1'],
    ['arn:aws:sts::123456789012:assumed-role/admin/alice', undefined],
    ['arn:aws:iam::123456789012:user/dancu-agency-CA-GIALAI', undefined],
    ['arn:aws:sts::123456789012:assumed-role/dancu-agency-/x', undefined],
    [undefined, undefined],
  ])('%s → %s', (arn, agency) => {
    expect(agencyOfPrincipal(arn)).toBe(agency);
  });

  it('reads the stage’s role prefix, so a dev role does not pass for a prod one and back', () => {
    const dev = 'arn:aws:sts::123456789012:assumed-role/dancu-dev-agency-CA-GIALAI/alice';
    expect(agencyOfPrincipal(dev, 'dancu-dev-agency-')).toBe('CA-GIALAI');
    expect(agencyOfPrincipal(dev, 'dancu-agency-')).toBeUndefined();
    expect(
      agencyOfPrincipal('arn:aws:sts::123456789012:assumed-role/dancu-agency-X1/a', 'dancu-dev-agency-'),
    ).toBeUndefined();
  });
});

describe('GET /batches/{batchId}', () => {
  const route = 'GET /batches/{batchId}';
  it("answers the caller's own batch with counts and report locations, without bookkeeping", async () => {
    const answer = await call(`/batches/${BATCH_ID}`, route, {
      pathParameters: { batchId: BATCH_ID },
      agency: 'CA-GIALAI',
    });
    expect(answer).toMatchObject({ statusCode: 200 });
    const body = BatchView.parse(bodyOf(answer));
    expect(body.reports).toEqual({
      summary: 's3://batches-bucket/reports/CA-GIALAI/forms.csv/summary.json',
      outcomes: 's3://batches-bucket/reports/CA-GIALAI/forms.csv/outcomes.csv',
      review: 's3://batches-bucket/reports/CA-GIALAI/forms.csv/review.csv',
    });
    expect(bodyOf(answer)).not.toHaveProperty('checkpoint');
  });

  it("answers another agency's batch as unknown (404), not forbidden", async () => {
    const answer = await call(`/batches/${BATCH_ID}`, route, {
      pathParameters: { batchId: BATCH_ID },
      agency: 'CA-KONTUM',
    });
    expect(answer).toMatchObject({ statusCode: 404 });
    expect(bodyOf(answer).error.code).toBe('BATCH_NOT_FOUND');
  });

  it('answers 400 for a malformed batch id before reading', async () => {
    const answer = await call('/batches/x', route, { pathParameters: { batchId: 'x' }, agency: 'CA-GIALAI' });
    expect(bodyOf(answer).error.code).toBe('BATCH_ID_INVALID');
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('answers 403 to a caller that is not an agency role', async () => {
    const answer = await call(`/batches/${BATCH_ID}`, route, { pathParameters: { batchId: BATCH_ID } });
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe('CALLER_NOT_AGENCY');
  });
});

describe('GET /batches', () => {
  it("lists the caller's batches, newest first, through gsi1", async () => {
    const answer = await call('/batches?agency=CA-GIALAI&limit=5', 'GET /batches', { agency: 'CA-GIALAI' });
    const body = BatchList.parse(bodyOf(answer));
    expect(body.batches).toHaveLength(1);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'gsi1',
      ExpressionAttributeValues: { ':agency': 'AGENCY#CA-GIALAI' },
      ScanIndexForward: false,
      Limit: 5,
    });
  });

  it("defaults to the caller's agency", async () => {
    const answer = await call('/batches', 'GET /batches', { agency: 'CA-GIALAI' });
    expect(bodyOf(answer).agencyCode).toBe('CA-GIALAI');
  });

  it("refuses another agency's list with 403", async () => {
    const answer = await call('/batches?agency=CA-KONTUM', 'GET /batches', { agency: 'CA-GIALAI' });
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe('AGENCY_FORBIDDEN');
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([
    ['agency=a%20b', 'AGENCY_CODE_INVALID'],
    ['limit=0', 'QUERY_INVALID'],
    ['limit=101', 'QUERY_INVALID'],
    ['limit=ten', 'QUERY_INVALID'],
    ['nextToken=!!', 'QUERY_INVALID'],
    // a page token of another agency's index partition
    [
      `nextToken=${Buffer.from(JSON.stringify(['BATCH#x', 'META', 'AGENCY#CA-KONTUM', 'x'])).toString('base64url')}`,
      'QUERY_INVALID',
    ],
  ])('answers 400 for %s', async (query, code) => {
    const answer = await call(`/batches?${query}`, 'GET /batches', { agency: 'CA-GIALAI' });
    expect(answer).toMatchObject({ statusCode: 400 });
    expect(bodyOf(answer).error.code).toBe(code);
  });

  it('hands out a page token that the next call accepts', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [batchItem],
      LastEvaluatedKey: { pk: batchItem.pk, sk: 'META', gsi1pk: batchItem.gsi1pk, gsi1sk: batchItem.gsi1sk },
    });
    const first = bodyOf(await call('/batches?limit=1', 'GET /batches', { agency: 'CA-GIALAI' }));
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await call(`/batches?limit=1&nextToken=${first.nextToken}`, 'GET /batches', {
      agency: 'CA-GIALAI',
    });
    expect(second).toMatchObject({ statusCode: 200 });
    expect(dynamo.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toMatchObject({
      gsi1pk: 'AGENCY#CA-GIALAI',
    });
  });
});

const REVIEW_ID = `${BATCH_ID}.7`;
const reviewItem = {
  pk: 'REVIEW#CA-GIALAI',
  sk: REVIEW_ID,
  id: REVIEW_ID,
  agencyCode: 'CA-GIALAI',
  batchId: BATCH_ID,
  row: 7,
  personKey: 'nk:twin',
  candidatePersonKey: 'nk:held',
  score: 27.67,
  reasons: ['dateOfBirth exact +8.6', 'fullName givenTypo +2.8'],
  fields: [{ field: 'fullName', incoming: 'Nguyễn Văn Hưng', held: 'Nguyễn Văn Hùng', level: 'givenTypo' }],
  createdAt: '2026-11-27T00:01:00.000Z',
};

describe('GET /review', () => {
  it("lists the caller's own review items only, side by side, with their status", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [reviewItem] });
    const answer = await call('/review?agency=CA-GIALAI', 'GET /review', { agency: 'CA-GIALAI' });
    expect(answer).toMatchObject({ statusCode: 200 });
    const body = ReviewList.parse(bodyOf(answer));
    expect(body.items[0]).toMatchObject({ id: REVIEW_ID, status: 'open', candidatePersonKey: 'nk:held' });
    const query = dynamo.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.ExpressionAttributeValues).toMatchObject({ ':pk': 'REVIEW#CA-GIALAI' });
  });

  it("refuses another agency's list", async () => {
    const answer = await call('/review?agency=CA-KONTUM', 'GET /review', { agency: 'CA-GIALAI' });
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe('AGENCY_FORBIDDEN');
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it("narrows to one batch's items", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await call(`/review?batchId=${BATCH_ID}`, 'GET /review', { agency: 'CA-GIALAI' });
    const query = dynamo.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query?.KeyConditionExpression).toContain('begins_with(sk, :batch)');
    expect(query?.ExpressionAttributeValues).toMatchObject({ ':batch': `${BATCH_ID}.` });
  });
});

describe('POST /review/{id}', () => {
  const route = 'POST /review/{id}';
  const resolve = (body: unknown, agency = 'CA-GIALAI', id = REVIEW_ID) =>
    handler(post(`/review/${id}`, route, body, { pathParameters: { id }, agency }) as never, lambdaContext());

  it('keepApart: both persons remember it and the item is resolved', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'REVIEW#CA-GIALAI', sk: REVIEW_ID } }).resolves({ Item: reviewItem });
    dynamo.on(UpdateCommand).resolves({});
    const answer = await resolve({ resolution: 'keepApart' });
    expect(answer).toMatchObject({ statusCode: 200 });
    expect(ReviewView.parse(bodyOf(answer)).status).toBe('keepApart');
    const updates = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Key)).toEqual([
      { pk: 'nk:twin', sk: 'PERSON' },
      { pk: 'nk:held', sk: 'PERSON' },
      { pk: 'REVIEW#CA-GIALAI', sk: REVIEW_ID },
    ]);
    expect(updates[2]?.ConditionExpression).toContain('attribute_not_exists(resolution)');
  });

  it("answers 404 for another agency's item, reading only the caller's partition", async () => {
    const answer = await resolve({ resolution: 'merge' }, 'CA-KONTUM');
    expect(answer).toMatchObject({ statusCode: 404 });
    expect(bodyOf(answer).error.code).toBe('REVIEW_NOT_FOUND');
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({
      pk: 'REVIEW#CA-KONTUM',
      sk: REVIEW_ID,
    });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('answers 409 when the item was resolved the other way', async () => {
    dynamo
      .on(GetCommand, { Key: { pk: 'REVIEW#CA-GIALAI', sk: REVIEW_ID } })
      .resolves({ Item: { ...reviewItem, resolution: 'merge' } });
    const answer = await resolve({ resolution: 'keepApart' });
    expect(answer).toMatchObject({ statusCode: 409 });
    expect(bodyOf(answer).error.code).toBe('REVIEW_ALREADY_RESOLVED');
  });

  it.each([
    [{ resolution: 'delete' }, 'REVIEW_BODY_INVALID'],
    ['not json', 'REVIEW_BODY_INVALID'],
  ])('answers 400 for %s', async (body, code) => {
    const answer = await resolve(body);
    expect(answer).toMatchObject({ statusCode: 400 });
    expect(bodyOf(answer).error.code).toBe(code);
  });

  it('answers 400 for a malformed id', async () => {
    const answer = await resolve({ resolution: 'merge' }, 'CA-GIALAI', 'x.1');
    expect(bodyOf(answer).error.code).toBe('REVIEW_ID_INVALID');
  });
});
