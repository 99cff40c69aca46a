// The agencies' routes on the port fakes: an agency sees its own batches and review list only, and resolves its own
// review items. (What the adapters do with the same calls: test/contracts, on the emulators.)
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchList, BatchView, ReviewList, ReviewView } from '../../shared/api/schemas.ts';
import type { HeldPerson, StoredReview } from '../../shared/model/register.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryCoverage, MemoryRecollections } from '../fakes/coverage.ts';
import { historyOf } from '../fakes/history.ts';
import { MemoryBirths } from '../fakes/ids.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { PERSON } from '../fixtures/person.ts';
import { setAgencyEnvironment } from './events.ts';
import { bodyOf, get, lambdaContext, post } from './http.ts';
import { batchOf } from './pipeline-fakes.ts';
import { testUploadUrls } from './upload-urls.ts';

setAgencyEnvironment();
let agencyHandler: typeof import('../../functions/agency/handler.ts').agencyHandler;

const BATCH_ID = 'AbCdEfGhIjKlMnOpQrStUv';
const OLDER_ID = 'ZyXwVuTsRqPoNmLkJiHgFe';
const gialai = (batchId: string, startedAt: string) =>
  batchOf({
    batchId,
    agencyCode: 'CA-GIALAI',
    objectKey: 'incoming/CA-GIALAI/forms.csv',
    status: 'completed',
    startedAt,
    updatedAt: '2026-11-27T00:01:00.000Z',
    finishedAt: '2026-11-27T00:01:00.000Z',
    rows: 10,
    outcomes: { new: 8, duplicate: 1, updated: 0, conflict: 0, probable_duplicate: 0, rejected: 1 },
    errorsByCode: { DATE_INVALID: 1 },
    warningsByCode: { PERSONAL_ID_PLACE_MISMATCH: 2 },
    checkpoint: { row: 10, offset: 0, chunkSeqs: [1], rejectedSeq: 1, unknownColumns: [], invocations: 1 },
    partitions: 4,
  });

let batches: MemoryBatches;
let register: MemoryRegister;
let reads: ReturnType<MemoryBatches['forAgencies']>;
let agencies: MemoryAgencies;
let coverage: MemoryCoverage;
const uploadUrls = testUploadUrls();
const call = (path: string, routeKey: string, options: Parameters<typeof get>[2] = {}) =>
  agencyHandler({
    batches: reads,
    register,
    agencies,
    uploadUrls,
    coverage: coverage.reads(),
    worklists: new MemoryRecollections(),
    births: new MemoryBirths(),
    history: historyOf(register),
  })(get(path, routeKey, options) as never, lambdaContext());

beforeAll(async () => {
  ({ agencyHandler } = await import('../../functions/agency/handler.ts'));
});
beforeEach(async () => {
  batches = new MemoryBatches();
  register = new MemoryRegister();
  coverage = new MemoryCoverage();
  reads = batches.forAgencies();
  agencies = MemoryAgencies.of(
    { code: 'CA-GIALAI' },
    { code: 'CA-KONTUM', unit: { code: '62', vintage: 2020 } },
  );
  await batches.create(gialai(BATCH_ID, '2026-11-27T00:00:00.000Z'));
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
    expect(body).toMatchObject({
      batchId: BATCH_ID,
      rows: 10,
      outcomes: { new: 8, rejected: 1 },
      errorsByCode: { DATE_INVALID: 1 },
      warningsByCode: { PERSONAL_ID_PLACE_MISMATCH: 2 },
    });
    // the batch's own report, kept under its id when the name is uploaded again
    const own = `s3://batches-bucket/reports/CA-GIALAI/forms.csv/batches/${BATCH_ID}`;
    expect(body.reports).toEqual({
      summary: `${own}/summary.json`,
      outcomes: `${own}/outcomes.csv`,
      workbook: `${own}/outcomes.xlsx`,
      review: `${own}/review.csv`,
    });
    expect(bodyOf(answer)).not.toHaveProperty('checkpoint');
    expect(body).not.toHaveProperty('issuedIds');
  });

  it('offers the numbers a link pass issued to the batch’s rows once it has issued any (issue 20)', async () => {
    await batches.setIssuedIds(BATCH_ID, 3);
    const answer = await call(`/batches/${BATCH_ID}`, route, {
      pathParameters: { batchId: BATCH_ID },
      agency: 'CA-GIALAI',
      roles: ['viewer'],
    });
    const body = BatchView.parse(bodyOf(answer));
    const own = `reports/CA-GIALAI/forms.csv/batches/${BATCH_ID}`;
    expect(body.issuedIds).toBe(3);
    expect(body.reports?.issuedIds).toBe(`s3://batches-bucket/${own}/issued-ids.csv`);
    expect(new URL(String(body.downloads?.issuedIds)).pathname).toBe(`/${own}/issued-ids.csv`);
  });

  it('gives the agency URLs that read its own report files, signed for 15 minutes, and no other object', async () => {
    const before = Date.now();
    const answer = await call(`/batches/${BATCH_ID}`, route, {
      pathParameters: { batchId: BATCH_ID },
      agency: 'CA-GIALAI',
      roles: ['viewer'],
    });
    const body = BatchView.parse(bodyOf(answer));
    const key = `reports/CA-GIALAI/forms.csv/batches/${BATCH_ID}`;
    const files = {
      summary: 'summary.json',
      outcomes: 'outcomes.csv',
      workbook: 'outcomes.xlsx',
      review: 'review.csv',
    };
    for (const [name, file] of Object.entries(files)) {
      const url = new URL(String(body.downloads?.[name as keyof typeof files]));
      expect(url.pathname).toBe(`/${key}/${file}`);
      expect(url.hostname).toBe('batches-bucket.s3.ap-southeast-1.amazonaws.com');
      expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDAGENCYFN\//);
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    }
    const expires = Date.parse(String(body.downloadsExpireAt));
    expect(expires - before).toBeGreaterThanOrEqual(900_000 - 1000);
    expect(expires - before).toBeLessThanOrEqual(900_000 + 5000);
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
    const read = vi.spyOn(reads, 'get');
    const answer = await call('/batches/x', route, { pathParameters: { batchId: 'x' }, agency: 'CA-GIALAI' });
    expect(bodyOf(answer).error.code).toBe('BATCH_ID_INVALID');
    expect(read).not.toHaveBeenCalled();
  });

  it('answers 403 to a caller that is not an agency role', async () => {
    const answer = await call(`/batches/${BATCH_ID}`, route, { pathParameters: { batchId: BATCH_ID } });
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe('CALLER_NOT_AGENCY');
  });

  it('answers 403 AGENCY_UNKNOWN to an agency the agencies table does not hold', async () => {
    agencies.held.delete('CA-GIALAI');
    const answer = await call(`/batches/${BATCH_ID}`, route, {
      pathParameters: { batchId: BATCH_ID },
      agency: 'CA-GIALAI',
    });
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error).toMatchObject({
      code: 'AGENCY_UNKNOWN',
      message: 'This agency is not known here',
      messageVi: 'Cơ quan này không có trên hệ thống',
    });
  });

  it('answers 403 AGENCY_DISABLED to a disabled agency, and serves it again once enabled', async () => {
    await agencies.disable('CA-GIALAI', 'operator');
    const asked = { pathParameters: { batchId: BATCH_ID }, agency: 'CA-GIALAI' };
    const refused = await call(`/batches/${BATCH_ID}`, route, asked);
    expect(refused).toMatchObject({ statusCode: 403 });
    expect(bodyOf(refused).error).toMatchObject({
      code: 'AGENCY_DISABLED',
      message: 'This agency is disabled here',
      messageVi: 'Cơ quan này đã bị tạm ngừng trên hệ thống',
    });

    await agencies.enable('CA-GIALAI', 'operator');
    expect(await call(`/batches/${BATCH_ID}`, route, asked)).toMatchObject({ statusCode: 200 });
  });
});

describe('GET /batches', () => {
  beforeEach(async () => {
    await batches.create(gialai(OLDER_ID, '2026-11-26T00:00:00.000Z'));
    await batches.create(batchOf({ batchId: 'KontumBatchOfOneDay001', agencyCode: 'CA-KONTUM' }));
  });

  it("lists the caller's batches, newest first, as many as asked", async () => {
    const list = vi.spyOn(reads, 'listByAgency');
    const answer = await call('/batches?agency=CA-GIALAI&limit=5', 'GET /batches', { agency: 'CA-GIALAI' });
    const body = BatchList.parse(bodyOf(answer));
    expect(body.batches.map((batch) => batch.batchId)).toEqual([BATCH_ID, OLDER_ID]);
    expect(body.nextToken).toBeNull();
    expect(list).toHaveBeenCalledWith('CA-GIALAI', 5, undefined);
  });

  it("defaults to the caller's agency", async () => {
    const answer = await call('/batches', 'GET /batches', { agency: 'CA-GIALAI' });
    expect(bodyOf(answer).agencyCode).toBe('CA-GIALAI');
  });

  it("refuses another agency's list with 403", async () => {
    const list = vi.spyOn(reads, 'listByAgency');
    const answer = await call('/batches?agency=CA-KONTUM', 'GET /batches', { agency: 'CA-GIALAI' });
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe('AGENCY_FORBIDDEN');
    expect(list).not.toHaveBeenCalled();
  });

  it.each([
    ['agency=a%20b', 'AGENCY_CODE_INVALID'],
    ['limit=0', 'QUERY_INVALID'],
    ['limit=101', 'QUERY_INVALID'],
    ['limit=ten', 'QUERY_INVALID'],
    ['nextToken=!!', 'QUERY_INVALID'],
  ])('answers 400 for %s', async (query, code) => {
    const answer = await call(`/batches?${query}`, 'GET /batches', { agency: 'CA-GIALAI' });
    expect(answer).toMatchObject({ statusCode: 400 });
    expect(bodyOf(answer).error.code).toBe(code);
  });

  it('answers 400 for a page token handed to another agency', async () => {
    await batches.create(batchOf({ batchId: 'KontumBatchOfOneDay002', agencyCode: 'CA-KONTUM' }));
    const theirs = bodyOf(await call('/batches?limit=1', 'GET /batches', { agency: 'CA-KONTUM' }));
    expect(theirs.nextToken).toEqual(expect.any(String));
    const answer = await call(`/batches?nextToken=${theirs.nextToken}`, 'GET /batches', {
      agency: 'CA-GIALAI',
    });
    expect(answer).toMatchObject({ statusCode: 400 });
    expect(bodyOf(answer).error.code).toBe('QUERY_INVALID');
  });

  it('hands out a page token that the next call accepts', async () => {
    const first = bodyOf(await call('/batches?limit=1', 'GET /batches', { agency: 'CA-GIALAI' }));
    expect(first.batches.map((batch: { batchId: string }) => batch.batchId)).toEqual([BATCH_ID]);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await call(`/batches?limit=1&nextToken=${first.nextToken}`, 'GET /batches', {
      agency: 'CA-GIALAI',
    });
    expect(second).toMatchObject({ statusCode: 200 });
    expect(BatchList.parse(bodyOf(second)).batches.map((batch) => batch.batchId)).toEqual([OLDER_ID]);
  });
});

const REVIEW_ID = `${BATCH_ID}.7`;
const reviewItem: StoredReview = {
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
const person = (applied: string): HeldPerson => ({ record: PERSON, version: 1, applied: [applied] });

describe('GET /review', () => {
  beforeEach(async () => {
    await register.putReview(reviewItem);
    await register.putReview({ ...reviewItem, id: `${OLDER_ID}.3`, batchId: OLDER_ID, row: 3 });
    await register.putReview({ ...reviewItem, agencyCode: 'CA-KONTUM', id: `${BATCH_ID}.9`, row: 9 });
  });

  it("lists the caller's own review items only, side by side, with their status", async () => {
    const answer = await call('/review?agency=CA-GIALAI', 'GET /review', { agency: 'CA-GIALAI' });
    expect(answer).toMatchObject({ statusCode: 200 });
    const body = ReviewList.parse(bodyOf(answer));
    expect(body.items.map((item) => item.id).sort()).toEqual([`${OLDER_ID}.3`, REVIEW_ID].sort());
    expect(body.items.find((item) => item.id === REVIEW_ID)).toMatchObject({
      status: 'open',
      candidatePersonKey: 'nk:held',
    });
  });

  it("refuses another agency's list", async () => {
    const list = vi.spyOn(register, 'listReviews');
    const answer = await call('/review?agency=CA-KONTUM', 'GET /review', { agency: 'CA-GIALAI' });
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe('AGENCY_FORBIDDEN');
    expect(list).not.toHaveBeenCalled();
  });

  it("narrows to one batch's items", async () => {
    const answer = await call(`/review?batchId=${BATCH_ID}`, 'GET /review', { agency: 'CA-GIALAI' });
    expect(ReviewList.parse(bodyOf(answer)).items.map((item) => item.id)).toEqual([REVIEW_ID]);
  });
});

describe('POST /review/{id}', () => {
  const route = 'POST /review/{id}';
  const resolve = (body: unknown, agency = 'CA-GIALAI', id = REVIEW_ID) =>
    agencyHandler({
      batches: reads,
      register,
      agencies,
      uploadUrls,
      coverage: coverage.reads(),
      worklists: new MemoryRecollections(),
      births: new MemoryBirths(),
      history: historyOf(register),
    })(post(`/review/${id}`, route, body, { pathParameters: { id }, agency }) as never, lambdaContext());
  beforeEach(async () => {
    register.persons.set('nk:twin', person(`${BATCH_ID}#7:probable_duplicate`));
    register.persons.set('nk:held', person('b0#1:new'));
  });

  it('keepApart: both persons remember it and the item is resolved', async () => {
    await register.putReview(reviewItem);
    const answer = await resolve({ resolution: 'keepApart' });
    expect(answer).toMatchObject({ statusCode: 200 });
    expect(ReviewView.parse(bodyOf(answer)).status).toBe('keepApart');
    expect(register.persons.get('nk:twin')?.keptApart).toEqual(['nk:held']);
    expect(register.persons.get('nk:held')?.keptApart).toEqual(['nk:twin']);
    expect(await register.getReview('CA-GIALAI', REVIEW_ID)).toMatchObject({ resolution: 'keepApart' });
  });

  it("answers 404 for another agency's item, reading only the caller's list", async () => {
    await register.putReview(reviewItem);
    const read = vi.spyOn(register, 'getReview');
    const answer = await resolve({ resolution: 'merge' }, 'CA-KONTUM');
    expect(answer).toMatchObject({ statusCode: 404 });
    expect(bodyOf(answer).error.code).toBe('REVIEW_NOT_FOUND');
    expect(read.mock.calls).toEqual([['CA-KONTUM', REVIEW_ID]]);
    // nothing changed: the item is open, the persons as they were
    expect(await register.getReview('CA-GIALAI', REVIEW_ID)).not.toHaveProperty('resolution');
    expect(register.persons.get('nk:twin')).toEqual(person(`${BATCH_ID}#7:probable_duplicate`));
    expect(register.persons.get('nk:held')).toEqual(person('b0#1:new'));
  });

  it('answers 409 when the item was resolved the other way', async () => {
    await register.putReview({ ...reviewItem, resolution: 'merge' });
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

describe('every agency route asks the agencies table', () => {
  const events = {
    'GET /batches': () => get('/batches', 'GET /batches', { agency: 'CA-GIALAI' }),
    'GET /batches/{batchId}': () =>
      get(`/batches/${BATCH_ID}`, 'GET /batches/{batchId}', {
        pathParameters: { batchId: BATCH_ID },
        agency: 'CA-GIALAI',
      }),
    'GET /review': () => get('/review', 'GET /review', { agency: 'CA-GIALAI' }),
    'GET /coverage': () => get('/coverage?unit=64', 'GET /coverage', { agency: 'CA-GIALAI' }),
    'POST /uploads': () =>
      post('/uploads', 'POST /uploads', { fileName: 'forms.csv' }, { agency: 'CA-GIALAI' }),
    'POST /review/{id}': () =>
      post(
        `/review/${BATCH_ID}.7`,
        'POST /review/{id}',
        { resolution: 'merge' },
        {
          pathParameters: { id: `${BATCH_ID}.7` },
          agency: 'CA-GIALAI',
        },
      ),
  };

  it.each(Object.keys(events) as (keyof typeof events)[])(
    '%s: 403 AGENCY_DISABLED for a disabled agency, 403 AGENCY_UNKNOWN for one not held, nothing read',
    async (route) => {
      const read = vi.spyOn(register, 'getReview');
      const listed = vi.spyOn(register, 'listReviews');
      const handler = agencyHandler({
        batches: reads,
        register,
        agencies,
        uploadUrls,
        coverage: coverage.reads(),
        worklists: new MemoryRecollections(),
        births: new MemoryBirths(),
        history: historyOf(register),
      });
      await agencies.disable('CA-GIALAI', 'operator');
      const disabled = await handler(events[route]() as never, lambdaContext());
      expect(disabled).toMatchObject({ statusCode: 403 });
      expect(bodyOf(disabled).error.code).toBe('AGENCY_DISABLED');
      agencies.held.delete('CA-GIALAI');
      const unknown = await handler(events[route]() as never, lambdaContext());
      expect(unknown).toMatchObject({ statusCode: 403 });
      expect(bodyOf(unknown).error.code).toBe('AGENCY_UNKNOWN');
      expect(read).not.toHaveBeenCalled();
      expect(listed).not.toHaveBeenCalled();
    },
  );
});

describe('roles: each route needs one of its roles (shared/api/permissions.ts), for people and machines alike', () => {
  const listing = (caller: Parameters<typeof get>[2]) => call('/batches', 'GET /batches', caller);
  const reviewing = (caller: Parameters<typeof post>[3]) =>
    agencyHandler({
      batches: reads,
      register,
      agencies,
      uploadUrls,
      coverage: coverage.reads(),
      worklists: new MemoryRecollections(),
      births: new MemoryBirths(),
      history: historyOf(register),
    })(
      post(
        '/review/X',
        'POST /review/{id}',
        { resolution: 'merge' },
        { pathParameters: { id: `${BATCH_ID}.7` }, ...caller },
      ) as never,
      lambdaContext(),
    );

  it.each([
    ['a person who uploads', { agency: 'CA-GIALAI', roles: ['uploader'] }, 200],
    ['a person who views', { agency: 'CA-GIALAI', roles: ['viewer'] }, 200],
    [
      'a machine (uploader, viewer)',
      { agency: 'CA-GIALAI', roles: ['uploader', 'viewer'], machine: true },
      200,
    ],
    ['a person who only reviews', { agency: 'CA-GIALAI', roles: ['reviewer'] }, 403],
    ['a person with no role', { agency: 'CA-GIALAI', roles: [] }, 403],
    ['a person with a role the system does not know', { agency: 'CA-GIALAI', roles: ['admin'] }, 403],
  ])('GET /batches: %s → %i', async (_, caller, status) => {
    const answer = await listing(caller);
    expect(answer).toMatchObject({ statusCode: status });
    if (status === 403) expect(bodyOf(answer).error.code).toBe('ROLE_MISSING');
  });

  it('lets no machine review: its scopes give uploader and viewer only', async () => {
    const answer = await reviewing({ agency: 'CA-GIALAI', roles: ['uploader', 'viewer'], machine: true });
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe('ROLE_MISSING');
  });

  it('keeps the platform agency away from batches, even with every role', async () => {
    agencies = MemoryAgencies.of({
      code: 'DANCU-PLATFORM',
      kind: 'platform',
      unit: { code: 'VN', vintage: 2025 },
    });
    const answer = await listing({ agency: 'DANCU-PLATFORM', roles: ['uploader', 'viewer', 'platform'] });
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe('PLATFORM_NO_PERSONAL_DATA');
  });

  it('reads the roles API Gateway passes as "[a b]", and a person’s access token is no caller', async () => {
    const event = get('/batches', 'GET /batches');
    (event.requestContext as { authorizer?: unknown }).authorizer = {
      jwt: {
        claims: { token_use: 'access', sub: 'x', 'custom:agency': 'CA-GIALAI', 'cognito:groups': '[viewer]' },
        scopes: null,
      },
    };
    const answer = await agencyHandler({
      batches: reads,
      register,
      agencies,
      uploadUrls,
      coverage: coverage.reads(),
      worklists: new MemoryRecollections(),
      births: new MemoryBirths(),
      history: historyOf(register),
    })(event as never, lambdaContext());
    expect(bodyOf(answer).error.code).toBe('CALLER_NOT_AGENCY');
  });
});
