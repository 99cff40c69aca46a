// GET /persons/{key}/history on the port fakes (issue 19): a reviewer of an agency that registered or changed the
// person reads its changes in order, in the schema, with another agency's values masked; an agency that never
// touched the person gets the unknown person's 404; a malformed key is a coded 400; a caller without the role is
// refused. And POST /review/{id} records who decided and in which request.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { PersonHistoryView } from '../../shared/api/schemas.ts';
import { registerRecord } from '../../shared/ingest/register-row.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryCoverage, MemoryRecollections } from '../fakes/coverage.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { MemoryBirths } from '../fakes/ids.ts';
import { keyOf } from '../fakes/keyer.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { PERSON } from '../fixtures/person.ts';
import { setAgencyEnvironment } from './events.ts';
import { bodyOf, get, lambdaContext, post, type TestCaller } from './http.ts';
import { testUploadUrls } from './upload-urls.ts';

setAgencyEnvironment();
let agencyHandler: typeof import('../../functions/agency/handler.ts').agencyHandler;
beforeAll(async () => {
  ({ agencyHandler } = await import('../../functions/agency/handler.ts'));
});

/** a batch id as the pipeline makes them (22 base64url characters): a review id is made of it */
const BATCH = 'Bx7Q2mZ0aL9cT4vY8nW3sE';
const record: PopulationRecord = { ...PERSON, personalId: '064090123456', fatherName: 'Nguyễn Văn Sơn' };
const KEY = keyOf(record);
let register: MemoryRegister;
let history: MemoryHistory;

/** A row of `agencyCode`'s batch against the register. */
const upload = (fields: Partial<PopulationRecord>, batchId: string, row: number, agencyCode: string) =>
  registerRecord(
    { row, personKey: KEY, record: { ...record, ...fields } },
    { batchId, row, agencyCode, uploadedBy: `sub-${agencyCode}` },
    register,
    history,
  );

beforeEach(async () => {
  register = new MemoryRegister();
  history = new MemoryHistory();
  await upload({}, 'b1', 1, 'CA-KONTUM');
  await upload({ currentAddress: 'Phường Hội Thương, Pleiku' }, 'b2', 5, 'CA-GIALAI');
});

const handler = () =>
  agencyHandler({
    batches: new MemoryBatches().forAgencies(),
    register,
    agencies: MemoryAgencies.of({ code: 'CA-GIALAI' }, { code: 'CA-KONTUM' }, { code: 'CA-DAKLAK' }),
    uploadUrls: testUploadUrls(),
    coverage: new MemoryCoverage().reads(),
    worklists: new MemoryRecollections(),
    births: new MemoryBirths(),
    history,
  });
const ask = (key: string, caller: TestCaller = { agency: 'CA-GIALAI', roles: ['reviewer'] }) =>
  handler()(
    get(`/persons/${encodeURIComponent(key)}/history`, 'GET /persons/{key}/history', {
      pathParameters: { key },
      ...caller,
    }) as never,
    lambdaContext(),
  );

describe('GET /persons/{key}/history', () => {
  it('answers the changes in order, its own in clear and another agency’s masked, in the schema', async () => {
    const answer = await ask(KEY);
    expect(answer).toMatchObject({ statusCode: 200 });
    const body = PersonHistoryView.parse(bodyOf(answer));
    expect(body.personKey).toBe(KEY);
    const [created, updated] = body.changes;
    expect(body.changes).toHaveLength(2);
    expect(created).toMatchObject({ version: 1, outcome: 'created', otherAgency: true });
    expect(created?.fields).toContainEqual({ field: 'fullName', to: 'N*** V*** H***' });
    expect(created?.fields).toContainEqual({ field: 'personalId', to: '***' });
    expect(updated).toMatchObject({
      version: 2,
      outcome: 'updated',
      why: 'updated',
      batchId: 'b2',
      row: 5,
      by: { kind: 'uploader', id: 'sub-CA-GIALAI' },
      fields: [{ field: 'currentAddress', from: '***', to: 'Phường Hội Thương, Pleiku' }],
    });
    // no name, ID or place of another agency's in the answer
    const text = (answer as { body: string }).body;
    for (const value of [record.fullName, record.personalId, record.currentAddress, 'b1'])
      expect(text).not.toContain(`"${value}"`);
  });

  it('answers the agency that registered the person all it supplied', async () => {
    const body = PersonHistoryView.parse(
      bodyOf(await ask(KEY, { agency: 'CA-KONTUM', roles: ['reviewer'] })),
    );
    expect(body.changes[0]?.fields).toContainEqual({ field: 'fullName', to: record.fullName });
    expect(body.changes[0]).toMatchObject({
      batchId: 'b1',
      row: 1,
      by: { kind: 'uploader', id: 'sub-CA-KONTUM' },
    });
    expect(body.changes[1]).toMatchObject({ otherAgency: true });
    expect(body.changes[1]?.fields).toEqual([
      { field: 'currentAddress', from: record.currentAddress, to: '***' },
    ]);
  });

  it('answers an agency that never touched the person as for one that does not exist', async () => {
    const other = await ask(KEY, { agency: 'CA-DAKLAK', roles: ['reviewer'] });
    const unknown = await ask(keyOf({ ...record, personalId: '064090999999' }));
    expect(other).toMatchObject({ statusCode: 404 });
    expect(bodyOf(other).error.code).toBe('PERSON_NOT_FOUND');
    expect(bodyOf(unknown).error.code).toBe('PERSON_NOT_FOUND');
  });

  it('refuses a malformed key with a code in both languages, and a caller without the role', async () => {
    for (const key of ['id:064090123456', 'p1:id:short', 'anything']) {
      const malformed = await ask(key);
      expect(malformed).toMatchObject({ statusCode: 400 });
      expect(bodyOf(malformed).error).toMatchObject({
        code: 'PERSON_KEY_INVALID',
        message: 'The person key is malformed',
      });
    }
    const viewer = await ask(KEY, { agency: 'CA-GIALAI', roles: ['viewer', 'uploader'] });
    expect(viewer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(viewer).error.code).toBe('ROLE_MISSING');
  });

  it('shows a reviewer’s merge with who decided it and in which request', async () => {
    const twin: PopulationRecord = { ...PERSON, fatherName: 'Nguyễn Văn Sơn', motherName: 'Trần Thị Lan' };
    const near: PopulationRecord = { ...twin, fullName: 'Nguyễn Văn Hưng', phone: '0912345678' };
    for (const [row, person] of [twin, near].entries())
      await registerRecord(
        { row: row + 1, personKey: keyOf(person), record: person },
        { batchId: BATCH, row: row + 1, agencyCode: 'CA-GIALAI' },
        register,
        history,
        true,
      );
    const decided = await handler()(
      post(
        `/review/${BATCH}.2`,
        'POST /review/{id}',
        { resolution: 'merge' },
        {
          pathParameters: { id: `${BATCH}.2` },
          agency: 'CA-GIALAI',
          roles: ['reviewer'],
        },
      ) as never,
      lambdaContext(),
    );
    expect(decided).toMatchObject({ statusCode: 200 });
    const body = PersonHistoryView.parse(bodyOf(await ask(keyOf(twin))));
    expect(body.changes.at(-1)).toMatchObject({
      outcome: 'merged',
      why: 'review',
      reviewId: `${BATCH}.2`,
      other: keyOf(near),
      by: { kind: 'person' },
    });
    expect(body.changes.at(-1)?.request).toBeTruthy();
  });
});
