// POST /uploads on the port fakes and the real (offline) signer: who may ask, which names, and what the URL signs.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UploadTicket } from '../../shared/api/schemas.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { MemoryCoverage, MemoryRecollections } from '../fakes/coverage.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { MemoryBirths } from '../fakes/ids.ts';
import { setAgencyEnvironment } from './events.ts';
import { bodyOf, lambdaContext, post } from './http.ts';
import { testUploadUrls } from './upload-urls.ts';

setAgencyEnvironment();
let agencyHandler: typeof import('../../functions/agency/handler.ts').agencyHandler;
let MemoryBatches: typeof import('../fakes/batches.ts').MemoryBatches;
let MemoryRegister: typeof import('../fakes/register.ts').MemoryRegister;

const ROUTE = 'POST /uploads';
let agencies: MemoryAgencies;
const uploadUrls = testUploadUrls();

/** A request as the machines' Lambda authoriser passes it on (shared/api/caller.ts). */
function machineEvent(body: unknown, context: Record<string, unknown>) {
  const event = post('/uploads', ROUTE, body);
  event.requestContext.authorizer = { lambda: context } as never;
  return event;
}
const machine = { agency: 'CA-GIALAI', roles: 'uploader viewer', clientId: 'client-gialai-1' };

const ask = (event: unknown) =>
  agencyHandler({
    batches: new MemoryBatches().forAgencies(),
    register: new MemoryRegister(),
    agencies,
    uploadUrls,
    coverage: new MemoryCoverage().reads(),
    worklists: new MemoryRecollections(),
    births: new MemoryBirths(),
    history: new MemoryHistory(),
  })(event as never, lambdaContext());
const upload = (body: unknown, context: Record<string, unknown> = machine) =>
  ask(machineEvent(body, context));

beforeAll(async () => {
  ({ agencyHandler } = await import('../../functions/agency/handler.ts'));
  ({ MemoryBatches } = await import('../fakes/batches.ts'));
  ({ MemoryRegister } = await import('../fakes/register.ts'));
});
beforeEach(() => {
  agencies = MemoryAgencies.of(
    { code: 'CA-GIALAI', unit: { code: '64', vintage: 2020 } },
    { code: 'CA-PLEIKU', unit: { code: '622', vintage: 2020 } },
    { code: 'PLATFORM', kind: 'platform', unit: { code: 'VN', vintage: 2025 } } as never,
  );
});

describe('POST /uploads', () => {
  it('answers 201 with a presigned PUT under the caller’s own prefix, the metadata signed as headers', async () => {
    const before = Date.now();
    const answer = await upload({ fileName: 'forms.csv' });

    expect(answer).toMatchObject({ statusCode: 201 });
    const ticket = UploadTicket.parse(bodyOf(answer));
    expect(ticket).toMatchObject({
      key: 'incoming/CA-GIALAI/forms.csv',
      method: 'PUT',
      headers: { 'x-amz-meta-dancu-agency': 'CA-GIALAI', 'x-amz-meta-dancu-uploader': 'client-gialai-1' },
    });
    const url = new URL(ticket.url);
    expect(url.hostname).toBe('batches-bucket.s3.ap-southeast-1.amazonaws.com');
    expect(url.pathname).toBe('/incoming/CA-GIALAI/forms.csv');
    const query = url.searchParams;
    // the metadata is signed as headers, not hoisted into the query where the client would not have to send it
    expect(query.get('X-Amz-SignedHeaders')?.split(';')).toEqual([
      'host',
      'x-amz-meta-dancu-agency',
      'x-amz-meta-dancu-uploader',
    ]);
    expect([...query.keys()].filter((name) => /meta|checksum/i.test(name))).toEqual([]);
    expect(query.get('X-Amz-Expires')).toBe('900');
    expect(query.get('X-Amz-Credential')).toMatch(/^AKIDAGENCYFN\//);
    const expiresAt = Date.parse(ticket.expiresAt);
    expect(expiresAt - before).toBeGreaterThanOrEqual(900_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(900_000);
  });

  it('signs for a person (JWT) with the uploader group, the uploader being their sub', async () => {
    const event = post('/uploads', ROUTE, { fileName: 'forms.ndjson' });
    event.requestContext.authorizer = {
      jwt: {
        claims: {
          token_use: 'id',
          sub: '7d9f-sub',
          'custom:agency': 'CA-PLEIKU',
          'cognito:groups': '[uploader]',
        },
        scopes: null,
      },
    } as never;
    const ticket = bodyOf(await ask(event));
    expect(ticket).toMatchObject({
      key: 'incoming/CA-PLEIKU/forms.ndjson',
      headers: { 'x-amz-meta-dancu-agency': 'CA-PLEIKU', 'x-amz-meta-dancu-uploader': '7d9f-sub' },
    });
  });

  it('signs for a person of the agency with the uploader role (the people’s API)', async () => {
    const answer = await ask(
      post('/uploads', ROUTE, { fileName: 'forms.csv' }, { agency: 'CA-PLEIKU', roles: ['uploader'] }),
    );
    expect(answer).toMatchObject({ statusCode: 201 });
    expect(bodyOf(answer).key).toBe('incoming/CA-PLEIKU/forms.csv');
  });

  it.each([
    ['a caller without the uploader role', { ...machine, roles: 'viewer reviewer' }, 'ROLE_MISSING'],
    ['a caller with no roles', { ...machine, roles: '' }, 'ROLE_MISSING'],
    ['the platform agency', { ...machine, agency: 'PLATFORM' }, 'PLATFORM_NO_PERSONAL_DATA'],
    ['an agency not in the table', { ...machine, agency: 'CA-NOWHERE' }, 'AGENCY_UNKNOWN'],
    ['a context without an agency', { roles: 'uploader', clientId: 'c' }, 'CALLER_NOT_AGENCY'],
  ])('refuses %s with 403, nothing signed', async (_who, context, code) => {
    const signed = vi.spyOn(uploadUrls, 'signPut');
    const answer = await upload({ fileName: 'forms.csv' }, context);
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe(code);
    expect(signed).not.toHaveBeenCalled();
    signed.mockRestore();
  });

  it('refuses a disabled agency with 403 AGENCY_DISABLED', async () => {
    await agencies.disable('CA-GIALAI', 'operator');
    const answer = await upload({ fileName: 'forms.csv' });
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe('AGENCY_DISABLED');
  });

  it.each([
    ['../CA-PLEIKU/forms.csv'],
    ['CA-PLEIKU/forms.csv'],
    ['..'],
    ['.csv'],
    ['-forms.csv'],
    ['forms.xlsx'],
    ['forms'],
    [''],
    ['danh-sách.csv'],
    ['forms .csv'],
    ['forms.csv\n'],
    ['forms%2F..csv'],
    ['forms\\x.csv'],
    [`${'a'.repeat(125)}.csv`],
  ])('answers 400 UPLOAD_NAME_INVALID for the name %j, nothing signed', async (fileName) => {
    const signed = vi.spyOn(uploadUrls, 'signPut');
    const answer = await upload({ fileName });
    expect(answer).toMatchObject({ statusCode: 400 });
    expect(bodyOf(answer).error).toMatchObject({
      code: 'UPLOAD_NAME_INVALID',
      messageVi: expect.stringContaining('.csv'),
    });
    expect(signed).not.toHaveBeenCalled();
    signed.mockRestore();
  });

  it.each([
    ['not JSON', 'forms.csv'],
    ['no file name', {}],
    ['a file name that is not text', { fileName: 7 }],
    ['an agency of its choosing beside it', { fileName: 'forms.csv', agency: 'CA-PLEIKU' }],
  ])('answers 400 UPLOAD_BODY_INVALID for %s', async (_what, body) => {
    const answer = await upload(body);
    expect(answer).toMatchObject({ statusCode: 400 });
    expect(bodyOf(answer).error.code).toBe('UPLOAD_BODY_INVALID');
  });

  it.each([
    'forms.csv',
    'DS_2026-12.ndjson',
    'x.jsonl.gz',
    'FORMS.CSV',
    'a..b.csv',
    `${'a'.repeat(124)}.csv`,
  ])('keeps %s under the caller’s own prefix, as given', async (fileName) => {
    const answer = await upload({ fileName });
    expect(answer).toMatchObject({ statusCode: 201 });
    const { key, url } = bodyOf(answer);
    expect(key).toBe(`incoming/CA-GIALAI/${fileName}`);
    expect(key.split('/')).toHaveLength(3);
    expect(new URL(url).pathname).toBe(`/${key}`);
  });
});
