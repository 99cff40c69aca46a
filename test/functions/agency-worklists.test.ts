// GET /worklists/{commune} (issue 25) on the port fakes, fed by finalize as it runs: a rejected form is listed under
// its commune in both lists, with its codes and their Vietnamese messages, until a later accepted form re-collects
// it; the one jurisdiction rule's refusals; coded 400s; the CSV form for printing.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorklistView } from '../../shared/api/schemas.ts';
import type { CoverageDeps } from '../../shared/coverage/batch-coverage.ts';
import { placesIn, placesOf } from '../../shared/coverage/places.ts';
import { listedForm } from '../../shared/coverage/worklist-lines.ts';
import { OUTCOME_CODES, ROW_CODES } from '../../shared/domain/errors.ts';
import { finalizeBatch } from '../../shared/ingest/report.ts';
import type { OutcomeEntry } from '../../shared/ingest/types.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryCoverage, MemoryRecollections } from '../fakes/coverage.ts';
import { historyOf } from '../fakes/history.ts';
import { MemoryBirths } from '../fakes/ids.ts';
import { testKeyer } from '../fakes/keyer.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { setAgencyEnvironment } from './events.ts';
import { bodyOf, get, lambdaContext, type TestCaller } from './http.ts';
import { batchOf, pipelineFakes } from './pipeline-fakes.ts';
import { testUploadUrls } from './upload-urls.ts';

setAgencyEnvironment();
let agencyHandler: typeof import('../../functions/agency/handler.ts').agencyHandler;
beforeAll(async () => {
  ({ agencyHandler } = await import('../../functions/agency/handler.ts'));
});

const ROUTE = 'GET /worklists/{commune}';
const IA_KLA = 'Xã Ia Kla, Huyện Đức Cơ, Tỉnh Gia Lai'; // 23869 in 2020
const THERE = placesOf({ permanentAddress: IA_KLA, currentAddress: IA_KLA });
const IA_KLA_2025 = placesIn(THERE, 2025).permanent;
const HEADER = [
  'form_id',
  'full_name',
  'permanent_address',
  'current_address',
  'personal_id',
  'date_of_birth',
];

let world: ReturnType<typeof pipelineFakes>;
let recollections: MemoryRecollections;
let deps: CoverageDeps;
let agencies: MemoryAgencies;
let register: MemoryRegister;

async function batch(batchId: string, rejected: unknown[], outcomes: unknown[], objectKey: string) {
  const rows = rejected.length + outcomes.length;
  const stored = batchOf({
    batchId,
    agencyCode: objectKey.split('/')[1] as string,
    objectKey,
    rows,
    partitions: 1,
    chunkCounts: [1],
    checkpoint: {
      row: rows,
      offset: 1,
      chunkSeqs: [1],
      rejectedSeq: 1,
      unknownColumns: [],
      invocations: 1,
      headerCells: HEADER,
      delimiter: ',',
    },
  });
  await world.batches.create(stored);
  await world.batches.claimLatest(stored);
  await world.files.putLines(`work/${batchId}/rejected/0.ndjson`, rejected);
  await world.files.putLines(`work/${batchId}/outcomes/0/0.ndjson`, outcomes);
  expect(
    await finalizeBatch(
      batchId,
      world.files,
      world.batches,
      { holder: 'test', until: Date.now() + 60_000 },
      { coverage: deps },
    ),
  ).toBe('completed');
}

const PERSON = {
  fullName: 'Lê Văn Ba',
  dateOfBirth: '1990-02-30',
  permanentAddress: IA_KLA,
  currentAddress: IA_KLA,
};
const CSV_HEADER =
  'agencyCode,batchId,row,formId,commune2020,commune2025,codes,messages,kind,messagesEn,reviewId,fullName,dateOfBirth,permanentAddress,currentAddress';

const rejectedRow = (row: number, formId: string) => [
  row,
  'rejected',
  '',
  formId,
  [{ code: 'SEX_INVALID' }, { code: 'DATE_INVALID' }, { code: 'SEX_INVALID' }],
  null,
  row + 1,
  [formId, 'Lê Văn Ba', IA_KLA, IA_KLA, '001090000123', '1990-02-30'],
];

const ask = (
  commune: string,
  query = '',
  caller: TestCaller = { agency: 'CA-GIALAI', roles: ['viewer'] },
  headers: Record<string, string> = {},
) =>
  agencyHandler({
    batches: new MemoryBatches().forAgencies(),
    register,
    agencies,
    uploadUrls: testUploadUrls(),
    coverage: new MemoryCoverage().reads(),
    worklists: recollections,
    births: new MemoryBirths(),
    history: historyOf(register),
  })(
    get(`/worklists/${commune}${query}`, ROUTE, { ...caller, pathParameters: { commune }, headers }) as never,
    lambdaContext(),
  );

beforeEach(async () => {
  world = pipelineFakes();
  recollections = new MemoryRecollections();
  register = new MemoryRegister();
  // as the store does: a duplicate leaves once its review item is resolved
  recollections.decided = async (item) =>
    item.kind === 'duplicate' &&
    !!(await register.getReview(item.agencyCode, item.reviewId ?? ''))?.resolution;
  deps = {
    counters: new MemoryCoverage(),
    recollections,
    keyer: async () => testKeyer,
    agencyUnit: async () => ({ code: '622', vintage: 2020 }),
    keepRejectedDays: 30,
  };
  agencies = MemoryAgencies.of(
    { code: 'CA-GIALAI', unit: { code: '64', vintage: 2020 } },
    { code: 'CA-PLEIKU', unit: { code: '622', vintage: 2020 } },
    { code: 'DANCU-PLATFORM', kind: 'platform' },
  );
  await batch('b1', [rejectedRow(1, 'F2'), rejectedRow(2, 'F3')], [], 'incoming/CA-PLEIKU/a.csv');
});

describe('GET /worklists/{commune}', () => {
  it('lists a rejected form under its commune in both lists until it is re-collected', async () => {
    expect(IA_KLA_2025).toMatch(/^[0-9]{5}$/);
    const answer = await ask('23869', '?vintage=2020');
    expect(answer).toMatchObject({ statusCode: 200 });
    const body = WorklistView.parse(bodyOf(answer));
    expect(body.commune).toMatchObject({ code: '23869', vintage: 2020, name: 'Xã Ia Kla' });
    expect(body.items).toEqual([
      {
        kind: 'rejected',
        agencyCode: 'CA-PLEIKU',
        batchId: 'b1',
        row: 1,
        formId: 'F2',
        commune2020: '23869',
        commune2025: IA_KLA_2025,
        codes: [
          { code: 'SEX_INVALID', vi: ROW_CODES.SEX_INVALID.vi, en: ROW_CODES.SEX_INVALID.en },
          { code: 'DATE_INVALID', vi: ROW_CODES.DATE_INVALID.vi, en: ROW_CODES.DATE_INVALID.en },
        ],
      },
      expect.objectContaining({ row: 2, formId: 'F3' }),
    ]);
    expect(body.nextToken).toBeUndefined();
    // the same forms in the 2025 list
    const in2025 = bodyOf(await ask(IA_KLA_2025, '?vintage=2025'));
    expect(in2025.items.map((item: { formId: string }) => item.formId)).toEqual(['F2', 'F3']);

    // F2 collected again and accepted: it leaves both lists, F3 stays
    await batch(
      'b2',
      [],
      [[1, 'new', 'p2', 'F2', [], null, 2, null, THERE, `>${THERE}`]],
      'incoming/CA-PLEIKU/b.csv',
    );
    for (const [code, vintage] of [
      ['23869', 2020],
      [IA_KLA_2025, 2025],
    ] as const) {
      const left = bodyOf(await ask(code, `?vintage=${vintage}`));
      expect(left.items.map((item: { formId: string }) => item.formId)).toEqual(['F3']);
    }
  });

  it("shows a form's personal fields to the agency that uploaded it alone, in JSON and in CSV", async () => {
    await batch('b3', [rejectedRow(1, 'F9')], [], 'incoming/CA-GIALAI/c.csv');
    const body = WorklistView.parse(bodyOf(await ask('23869')));
    expect(body.items.map((item) => [item.agencyCode, item.formId, item.person])).toEqual([
      ['CA-GIALAI', 'F9', PERSON],
      ['CA-PLEIKU', 'F2', undefined],
      ['CA-PLEIKU', 'F3', undefined],
    ]);
    const csv = (await ask('23869', '?format=csv')) as unknown as { body: string };
    const lines = csv.body.slice(1).trimEnd().split('\r\n');
    expect(lines[1]).toMatch(/^CA-GIALAI,b3,1,F9,.*,Lê Văn Ba,1990-02-30,"Xã Ia Kla, .*","Xã Ia Kla, .*"$/);
    for (const line of lines.slice(2)) {
      expect(line).toMatch(/^CA-PLEIKU,.*,,,,,$/);
      expect(line).not.toContain('Lê Văn Ba');
    }
    // the ID is never shown, to anyone
    expect(JSON.stringify(body) + csv.body).not.toContain('001090000123');
  });

  it('lists probable duplicates and conflicts until they are decided, and unplaced forms at the own unit', async () => {
    const lines: OutcomeEntry[] = [
      [1, 'probable_duplicate', 'pk1', 'F10', [{ code: 'PROBABLE_DUPLICATE' }], null, 2, null, THERE],
      [2, 'conflict', 'pk2', 'F11', [{ code: 'IDENTITY_CONFLICT' }], null, 3, null, THERE],
      [3, 'new', 'pk3', 'F12', [], null, 4, null, placesOf({ permanentAddress: 'Không rõ' })],
      [4, 'new', 'pk4', 'F13', [], null, 5, null, THERE],
      [5, 'duplicate', 'pk4', 'F13', [{ code: 'SAME_FORM' }], null, 6, null, THERE],
    ];
    const forms = lines.flatMap((line) => listedForm(line, 'CA-GIALAI', PERSON) ?? []);
    expect(forms.map((form) => form.kind)).toEqual(['duplicate', 'conflict', 'unplaced']);
    await recollections.put('CA-GIALAI', 'b4', forms, 2_000_000_000);
    await register.putReview({
      id: 'b4.1',
      agencyCode: 'CA-GIALAI',
      batchId: 'b4',
      row: 1,
      formId: 'F10',
      personKey: 'pk1',
      candidatePersonKey: 'pk0',
      score: 9,
      reasons: [],
      fields: [],
      createdAt: '2026-12-01T00:00:00.000Z',
    });
    const listed = WorklistView.parse(bodyOf(await ask('23869'))).items;
    expect(listed.map((item) => [item.kind, item.formId, item.reviewId])).toEqual([
      ['duplicate', 'F10', 'b4.1'],
      ['conflict', 'F11', undefined],
      ['rejected', 'F2', undefined],
      ['rejected', 'F3', undefined],
    ]);
    expect(listed[0]).toMatchObject({
      commune2020: '23869',
      commune2025: IA_KLA_2025,
      codes: [
        {
          code: 'PROBABLE_DUPLICATE',
          vi: OUTCOME_CODES.PROBABLE_DUPLICATE.vi,
          en: OUTCOME_CODES.PROBABLE_DUPLICATE.en,
        },
      ],
      person: PERSON,
    });
    // in the 2025 list too
    const in2025 = WorklistView.parse(bodyOf(await ask(IA_KLA_2025, '?vintage=2025'))).items;
    expect(in2025.map((item) => item.formId)).toEqual(['F10', 'F11', 'F2', 'F3']);

    // a reviewer keeps the two apart: the duplicate leaves
    expect(await register.resolveReview('CA-GIALAI', 'b4.1', 'keepApart')).toBe(true);
    const after = WorklistView.parse(bodyOf(await ask('23869'))).items;
    expect(after.map((item) => item.formId)).toEqual(['F11', 'F2', 'F3']);

    // the form that places nowhere: at the agency's own unit, to it alone
    const unplaced = WorklistView.parse(bodyOf(await ask('64', '?vintage=2020')));
    expect(unplaced.commune).toEqual({ code: '64', vintage: 2020, name: 'Tỉnh Gia Lai' });
    expect(unplaced.items).toEqual([
      expect.objectContaining({
        kind: 'unplaced',
        formId: 'F12',
        commune2020: '',
        commune2025: '',
        person: PERSON,
      }),
    ]);
    const pleiku = bodyOf(await ask('622', '?vintage=2020', { agency: 'CA-PLEIKU', roles: ['viewer'] }));
    expect(pleiku.items).toEqual([]);
  });

  it('pages with a nextToken', async () => {
    const first = bodyOf(await ask('23869', '?limit=1'));
    expect(first.items.map((item: { row: number }) => item.row)).toEqual([1]);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = bodyOf(await ask('23869', `?limit=1&nextToken=${first.nextToken}`));
    expect(second.items.map((item: { row: number }) => item.row)).toEqual([2]);
    expect(second.nextToken).toBeUndefined();
    const wrong = await ask('23869', '?nextToken=bm90LWEta2V5');
    expect(bodyOf(wrong).error.code).toBe('QUERY_INVALID');
  });

  it('answers CSV with a BOM for printing, asked by format or by Accept', async () => {
    for (const answer of [
      await ask('23869', '?format=csv'),
      await ask('23869', '', undefined, { accept: 'text/csv' }),
    ]) {
      expect(answer).toMatchObject({ statusCode: 200 });
      const { headers, body } = answer as unknown as { headers: Record<string, string>; body: string };
      expect(headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(body.startsWith(`\uFEFF${CSV_HEADER}\r\n`)).toBe(true);
      const lines = body.slice(1).trimEnd().split('\r\n');
      expect(lines).toHaveLength(3);
      // another agency's line: its person's cells empty
      expect(lines[1]).toBe(
        `CA-PLEIKU,b1,1,F2,23869,${IA_KLA_2025},SEX_INVALID DATE_INVALID,${ROW_CODES.SEX_INVALID.vi}; ${ROW_CODES.DATE_INVALID.vi},rejected,${ROW_CODES.SEX_INVALID.en}; ${ROW_CODES.DATE_INVALID.en},,,,,`,
      );
    }
  });

  it.each([
    ['a commune outside its own', { agency: 'CA-PLEIKU', roles: ['viewer'] }, 'OUTSIDE_JURISDICTION'],
    ['a role without viewer', { agency: 'CA-GIALAI', roles: ['uploader', 'reviewer'] }, 'ROLE_MISSING'],
    ['the platform agency', { agency: 'DANCU-PLATFORM', roles: ['viewer'] }, 'PLATFORM_NO_PERSONAL_DATA'],
  ])('refuses %s', async (_, caller, code) => {
    const answer = await ask('23869', '?vintage=2020', caller);
    expect(answer).toMatchObject({ statusCode: 403 });
    expect(bodyOf(answer).error.code).toBe(code);
  });

  it.each([
    ['622', '?vintage=2020', 'WORKLIST_COMMUNE_INVALID'],
    ['99999', '?vintage=2020', 'WORKLIST_COMMUNE_INVALID'],
    ['abc', '', 'WORKLIST_COMMUNE_INVALID'],
    ['23869', '?vintage=2021', 'COVERAGE_VINTAGE_INVALID'],
  ])('answers 400 for %s%s, in both languages', async (commune, query, code) => {
    const answer = await ask(commune, query);
    expect(answer).toMatchObject({ statusCode: 400 });
    const { error } = bodyOf(answer);
    expect(error.code).toBe(code);
    expect(error.messageVi).toMatch(/vintage/);
  });
});
