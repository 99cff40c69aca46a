// GET /births/{registrationId} on the port fakes (issue 20): the registering agency reads its birth with the number
// issued, in the schema and without the child's key; another agency gets the unknown registration's 404; a
// malformed id is a coded 400; a caller without the role is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { BirthView } from '../../shared/api/schemas.ts';
import type { BirthRegistration } from '../../shared/model/ids.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryCoverage, MemoryRecollections } from '../fakes/coverage.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { MemoryBirths } from '../fakes/ids.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { setAgencyEnvironment } from './events.ts';
import { bodyOf, get, lambdaContext, type TestCaller } from './http.ts';
import { testUploadUrls } from './upload-urls.ts';

setAgencyEnvironment();
let agencyHandler: typeof import('../../functions/agency/handler.ts').agencyHandler;
const births = new MemoryBirths();
const BIRTH: BirthRegistration = {
  registrationId: 'KS-2026-0001',
  registeringAgency: 'STP-GIALAI',
  number: '064326385729',
  personKey: 'p1:id:secret-looking-key',
  missing: ['hometown'],
  parents: { mother: 'linked', father: 'notGiven' },
  occurredAt: '2026-12-01T09:00:00+07:00',
  registeredAt: '2026-12-01T02:00:05.000Z',
};

beforeAll(async () => {
  ({ agencyHandler } = await import('../../functions/agency/handler.ts'));
  await births.put(BIRTH);
});

const ask = (id: string, caller: TestCaller = { agency: 'STP-GIALAI', roles: ['uploader'] }) =>
  agencyHandler({
    batches: new MemoryBatches().forAgencies(),
    register: new MemoryRegister(),
    agencies: MemoryAgencies.of({ code: 'STP-GIALAI', kind: 'justice' }, { code: 'CA-GIALAI' }),
    uploadUrls: testUploadUrls(),
    coverage: new MemoryCoverage().reads(),
    worklists: new MemoryRecollections(),
    births,
    history: new MemoryHistory(),
  })(
    get(`/births/${encodeURIComponent(id)}`, 'GET /births/{registrationId}', {
      pathParameters: { registrationId: id },
      ...caller,
    }) as never,
    lambdaContext(),
  );

describe('GET /births/{registrationId}', () => {
  it('answers the registering agency its birth and the number, without the child’s key', async () => {
    const answer = await ask('KS-2026-0001');
    expect(answer).toMatchObject({ statusCode: 200 });
    const body = BirthView.parse(bodyOf(answer));
    expect(body).toEqual({
      registrationId: 'KS-2026-0001',
      registeringAgency: 'STP-GIALAI',
      status: 'registered',
      number: '064326385729',
      missing: ['hometown'],
      parents: { mother: 'linked', father: 'notGiven' },
      occurredAt: BIRTH.occurredAt,
      registeredAt: BIRTH.registeredAt,
    });
    expect((answer as { body: string }).body).not.toContain('p1:');
    // a viewer of the same agency too
    expect(await ask('KS-2026-0001', { agency: 'STP-GIALAI', roles: ['viewer'] })).toMatchObject({
      statusCode: 200,
    });
  });

  it('answers another agency as for a registration that does not exist', async () => {
    const other = await ask('KS-2026-0001', { agency: 'CA-GIALAI', roles: ['uploader', 'viewer'] });
    const unknown = await ask('KS-2026-9999');
    expect(other).toMatchObject({ statusCode: 404 });
    expect(bodyOf(other).error.code).toBe('BIRTH_NOT_FOUND');
    expect(bodyOf(unknown).error.code).toBe('BIRTH_NOT_FOUND');
    expect((other as { body: string }).body).not.toContain('064326385729');
  });

  it('refuses a malformed id with a code in both languages, and a caller without the role', async () => {
    const malformed = await ask('KS 1/..');
    expect(malformed).toMatchObject({ statusCode: 400 });
    expect(bodyOf(malformed).error).toMatchObject({
      code: 'BIRTH_ID_INVALID',
      messageVi: 'Mã đăng ký khai sinh không đúng định dạng',
    });
    const reviewer = await ask('KS-2026-0001', { agency: 'STP-GIALAI', roles: ['reviewer'] });
    expect(reviewer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(reviewer).error.code).toBe('ROLE_MISSING');
  });
});
