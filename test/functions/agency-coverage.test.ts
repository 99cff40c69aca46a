// GET /coverage on the port fakes: the view of a unit the caller's agency may read (its own, a unit within it, a unit
// of the other vintage held whole; anything for a national agency), the one jurisdiction rule's refusals, and coded
// 400s for a unit or vintage that is not one.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CoverageView } from '../../shared/api/schemas.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryCoverage, MemoryRecollections } from '../fakes/coverage.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { MemoryBirths } from '../fakes/ids.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { setAgencyEnvironment } from './events.ts';
import { bodyOf, get, headersOf, lambdaContext, type TestCaller } from './http.ts';
import { testUploadUrls } from './upload-urls.ts';

setAgencyEnvironment();
let agencyHandler: typeof import('../../functions/agency/handler.ts').agencyHandler;
beforeAll(async () => {
  ({ agencyHandler } = await import('../../functions/agency/handler.ts'));
});

const ROUTE = 'GET /coverage';
let coverage: MemoryCoverage;
let agencies: MemoryAgencies;

beforeEach(async () => {
  coverage = new MemoryCoverage();
  agencies = MemoryAgencies.of(
    { code: 'CA-GIALAI' },
    { code: 'CA-PLEIKU', unit: { code: '622', vintage: 2020 } },
    { code: 'CA-GIALAI-2025', unit: { code: '52', vintage: 2025 } },
    { code: 'BO-CONG-AN', unit: { code: 'VN', vintage: 2025 } },
    { code: 'DANCU-PLATFORM', kind: 'platform' },
  );
  // every count is made in both lists (shared/coverage/places.ts): 2020's 23557 is in 2025's 52 too
  await coverage.apply('b1', [
    {
      place: { kind: 'commune', vintage: 2020, province: '64', code: '23557' },
      counts: { permanent: 10, received: 12 },
    },
    {
      place: { kind: 'notAssigned', vintage: 2025, province: '52', code: '23557' },
      counts: { permanent: 10, received: 12 },
    },
    {
      place: { kind: 'commune', vintage: 2025, province: '52', code: '23650' },
      counts: { permanent: 2, received: 2 },
    },
    {
      place: { kind: 'unplaced', vintage: 2020, province: '64', agencyUnit: '622' },
      counts: { received: 3 },
    },
  ]);
  await coverage.put({
    vintage: 2020,
    province: '64',
    asOf: '2020-11-01',
    uploadedAt: '2026-12-01T00:00:00.000Z',
    objectKey: 'reference/population/gialai.csv',
    communes: { 23557: { permanent: 40, temporary: 0, source: 'test' } },
  });
});

const handler = () =>
  agencyHandler({
    batches: new MemoryBatches().forAgencies(),
    register: new MemoryRegister(),
    agencies,
    uploadUrls: testUploadUrls(),
    coverage: coverage.reads(),
    worklists: new MemoryRecollections(),
    births: new MemoryBirths(),
    history: new MemoryHistory(),
  });
const ask = (query: string, caller: TestCaller = { agency: 'CA-GIALAI', roles: ['viewer'] }) =>
  handler()(get(`/coverage${query}`, ROUTE, caller) as never, lambdaContext());

describe('GET /coverage', () => {
  it("answers the agency's own unit, in the schema, with its children and the reference's date", async () => {
    const answer = await ask('?unit=64&vintage=2020');
    expect(answer).toMatchObject({ statusCode: 200 });
    const body = CoverageView.parse(bodyOf(answer));
    expect(body).toMatchObject({
      unit: { code: '64', level: 'province', name: 'Tỉnh Gia Lai' },
      vintage: 2020,
      asOf: '2020-11-01',
      permanent: { residents: 40, collected: 10, percent: 25 },
      forms: { received: 12 },
      unplaced: 3,
    });
    expect(body.children.find((line) => line.unit.code === '622')).toMatchObject({
      permanent: { collected: 10, residents: 40, percent: 25 },
      unplaced: 3,
    });
    // no unit named: the agency's own, in its own vintage
    expect(bodyOf(await ask(''))).toEqual(bodyOf(answer));
  });

  it('answers a unit within the own, and one of the other vintage the own holds whole', async () => {
    const commune = bodyOf(await ask('?unit=23557&vintage=2020', { agency: 'CA-PLEIKU', roles: ['viewer'] }));
    expect(commune).toMatchObject({ unit: { level: 'commune' }, permanent: { collected: 10 }, children: [] });
    // 2025 Krong was 2020 Krong (625), within 2020 Gia Lai
    const krong = await ask('?unit=23650&vintage=2025');
    expect(krong).toMatchObject({ statusCode: 200 });
    expect(bodyOf(krong).permanent.collected).toBe(2);
  });

  it.each([
    ['a unit outside its own', 'CA-PLEIKU', '?unit=623&vintage=2020', 403, 'OUTSIDE_JURISDICTION'],
    ['a unit above its own', 'CA-PLEIKU', '?unit=64&vintage=2020', 403, 'OUTSIDE_JURISDICTION'],
    // 2025 Gia Lai also holds 2020 Bình Định: 2020 Gia Lai does not hold it whole
    [
      'the 2025 province its own went into',
      'CA-GIALAI',
      '?unit=52&vintage=2025',
      403,
      'UNIT_NOT_WHOLLY_HELD',
    ],
    ['a unit of another province', 'CA-GIALAI-2025', '?unit=01&vintage=2025', 403, 'OUTSIDE_JURISDICTION'],
  ])('refuses %s', async (_, agency, query, status, code) => {
    const answer = await ask(query, { agency, roles: ['viewer'] });
    expect(answer).toMatchObject({ statusCode: status });
    expect(bodyOf(answer).error.code).toBe(code);
  });

  it('lets a national agency read any unit, and asks it to name one', async () => {
    const national = { agency: 'BO-CONG-AN', roles: ['viewer'] };
    const answer = await ask('?unit=52&vintage=2025', national);
    expect(answer).toMatchObject({ statusCode: 200 });
    expect(bodyOf(answer).permanent.collected).toBe(12);
    expect(bodyOf(await ask('', national)).error.code).toBe('COVERAGE_UNIT_INVALID');
  });

  it.each([
    ['a role without viewer', { agency: 'CA-GIALAI', roles: ['uploader', 'reviewer'] }, 'ROLE_MISSING'],
    ['the platform agency', { agency: 'DANCU-PLATFORM', roles: ['viewer'] }, 'PLATFORM_NO_PERSONAL_DATA'],
  ])('refuses %s', async (_, caller, code) => {
    const answer = await ask('?unit=64&vintage=2020', caller);
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe(code);
  });

  it('lets a machine with the read scope (viewer) read it', async () => {
    const answer = await ask('?unit=64', { agency: 'CA-GIALAI', roles: ['viewer'], machine: true });
    expect(answer).toMatchObject({ statusCode: 200 });
  });

  it.each([
    ['?unit=64&vintage=2021', 'COVERAGE_VINTAGE_INVALID'],
    ['?unit=64&vintage=', 'COVERAGE_VINTAGE_INVALID'],
    ['?unit=abc&vintage=2020', 'COVERAGE_UNIT_INVALID'],
    ['?unit=&vintage=2020', 'COVERAGE_UNIT_INVALID'],
    ['?unit=99999&vintage=2020', 'COVERAGE_UNIT_INVALID'],
    ['?unit=VN&vintage=2020', 'COVERAGE_UNIT_INVALID'],
    // 2025 has no districts
    ['?unit=622&vintage=2025', 'COVERAGE_UNIT_INVALID'],
    // the own unit's code means another unit in the other vintage: name it
    ['?vintage=2025', 'COVERAGE_UNIT_INVALID'],
  ])('answers 400 for %s, in both languages', async (query, code) => {
    const answer = await ask(query);
    expect(answer).toMatchObject({ statusCode: 400 });
    const { error } = bodyOf(answer);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/vintage/);
    expect(error.messageVi).toMatch(/vintage/);
  });
});

describe('GET /app/coverage', () => {
  it('answers the page without a caller: a document with no data, under its own policy, checked each time', async () => {
    const answer = await handler()(
      get('/app/coverage?unit=64', 'GET /app/coverage') as never,
      lambdaContext(),
    );
    expect(answer).toMatchObject({ statusCode: 200 });
    const headers = headersOf(answer);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['cache-control']).toBe('no-cache');
    expect(headers['Content-Security-Policy']).toMatch(/^default-src 'none'; script-src 'sha256-/);
    const { body } = answer as { body: string };
    expect(body).toContain('data-client-id="people-client"');
    // nothing read for it: no unit's figures, no agency's name
    expect(body).not.toMatch(/Gia Lai|CA-GIALAI/);
  });
});
