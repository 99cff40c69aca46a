// The worklists against the DynamoDB emulator (issue 25): keep puts a rejected form on its communes' lists, take
// marks it off them, a keep delivered again after the take does not put it back, and a list pages by its token.

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../local/runtime/emulators.ts';
import { provision } from '../../local/runtime/provision.ts';
import { documents } from '../../shared/aws/dynamodb.ts';
import { registerKeys, reviewId, worklistKeys } from '../../shared/keys.ts';
import type { ListedForm, RejectedForm } from '../../shared/model/coverage.ts';
import type { RecollectStore } from '../../shared/store/recollect-store.ts';
import type { RegisterStore } from '../../shared/store/register-store.ts';
import type { WorklistStore } from '../../shared/store/worklist-store.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { bodyOf, get, lambdaContext } from '../functions/http.ts';
import { quietLog, tempDir } from './harness.ts';

let emulators: Emulators;
let recollections: RecollectStore;
let worklists: WorklistStore;
let register: RegisterStore;
let registerTable: string;
let agencyHandler: typeof import('../../functions/agency/handler.ts').agencyHandler;
let agencyDeps: typeof import('../../functions/agency/handler.ts').agencyDeps;

beforeAll(async () => {
  emulators = await startEmulators({ dir: await tempDir(), ports: { s3: 0, sqs: 0, dynamodb: 0 } });
  const names = await provision({ endpoints: emulators.endpoints, log: quietLog });
  Object.assign(process.env, {
    AWS_REGION: names.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
    BATCHES_BUCKET: names.buckets.batches,
    BATCHES_TABLE: names.tables.batches,
    REGISTER_TABLE: names.tables.register,
    AGENCIES_TABLE: names.tables.agencies,
    IDS_TABLE: names.tables.ids,
    HISTORY_TABLE: names.tables.history,
    HISTORY_DAYS: '30',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  const { RecollectStore } = await import('../../shared/store/recollect-store.ts');
  const { WorklistStore } = await import('../../shared/store/worklist-store.ts');
  recollections = new RecollectStore(names.tables.batches);
  const { RegisterStore } = await import('../../shared/store/register-store.ts');
  worklists = new WorklistStore(names.tables.batches, names.tables.register);
  register = new RegisterStore(names.tables.register);
  registerTable = names.tables.register;
  ({ agencyHandler, agencyDeps } = await import('../../functions/agency/handler.ts'));
}, 60_000);
afterAll(async () => emulators?.stop());

const BATCH = 'AAAAAAAAAAAAAAAAAAAAAA';
const LATER = 'BBBBBBBBBBBBBBBBBBBBBB';
const form = (row: number, communes: [string, string]): RejectedForm => ({
  key: `FF${row}`,
  matches: [`FF${row}`],
  batchId: BATCH,
  row,
  communes,
  codes: ['SEX_INVALID'],
});
const list = (vintage: 2020 | 2025, commune: string, limit: number, nextToken?: string) =>
  worklists.list(worklistKeys.communePartition(vintage, commune), limit, nextToken);
const rows = async (vintage: 2020 | 2025, commune: string) =>
  (await list(vintage, commune, 100))?.items.map((item) => item.row);

describe('worklists', () => {
  it('lists a kept rejection under both communes until it is taken, and a late keep does not bring it back', async () => {
    const forms = [form(1, ['23869', '23870']), form(2, ['23869', '']), form(3, ['', ''])];
    await recollections.keep('CA-PLEIKU', forms, 2_000_000_000);
    expect(await rows(2020, '23869')).toEqual([1, 2]);
    expect(await rows(2025, '23870')).toEqual([1]);
    expect((await list(2020, '23869', 100))?.items[0]).toEqual({
      kind: 'rejected',
      agencyCode: 'CA-PLEIKU',
      batchId: BATCH,
      row: 1,
      formId: 'F1',
      codes: ['SEX_INVALID'],
      communes: ['23869', '23870'],
    });
    expect(await recollections.take('CA-PLEIKU', 'FF1', LATER)).toBe(true);
    expect(await rows(2020, '23869')).toEqual([2]);
    expect(await rows(2025, '23870')).toEqual([]);
    // finalize of the rejecting batch delivered again
    await recollections.keep('CA-PLEIKU', forms, 2_000_000_000);
    expect(await rows(2020, '23869')).toEqual([2]);
    expect(await rows(2025, '23870')).toEqual([]);
    // a take refused (another batch has it) marks nothing
    expect(await recollections.take('CA-PLEIKU', 'FF1', BATCH)).toBe(false);
  });

  it('lists a form rejected again while its first rejection is open once, as the rejection a take marks', async () => {
    await recollections.keep('CA-KRONG', [form(7, ['23650', ''])], 2_000_000_000);
    // a later batch rejects the same form again, and a batch rejects it twice
    await recollections.keep(
      'CA-KRONG',
      [{ ...form(8, ['23650', '']), key: 'FF7', batchId: LATER }],
      2_000_000_000,
    );
    await recollections.keep('CA-KRONG', [{ ...form(9, ['23650', '']), key: 'FF7' }], 2_000_000_000);
    expect(await rows(2020, '23650')).toEqual([7]);
    expect(await recollections.take('CA-KRONG', 'FF7', 'CCCCCCCCCCCCCCCCCCCCCC')).toBe(true);
    expect(await rows(2020, '23650')).toEqual([]);
  });

  it('pages by its token, and refuses a token that is not one', async () => {
    await recollections.keep(
      'CA-GIALAI',
      [1, 2, 10].map((row) => form(row, ['00004', ''])),
      2_000_000_000,
    );
    const first = await list(2020, '00004', 2);
    expect(first?.items.map((item) => item.row)).toEqual([1, 2]);
    const second = await list(2020, '00004', 2, first?.nextToken);
    expect(second?.items.map((item) => item.row)).toEqual([10]);
    expect(await list(2020, '00004', 2, 'bm90LWEta2V5')).toBeUndefined();
  });

  it('lists duplicates and conflicts until decided, and shows personal fields to the uploading agency alone', async () => {
    const person = { fullName: 'Lê Văn Ba', dateOfBirth: '1990-01-02', permanentAddress: 'Xã Ia Kla' };
    // CA-PLEIKU's rejected form, and CA-GIALAI's probable duplicate, conflict and unplaced form
    await recollections.keep('CA-PLEIKU', [{ ...form(4, ['23872', '']), person }], 2_000_000_000);
    const lines: ListedForm[] = [
      {
        kind: 'duplicate',
        row: 1,
        formId: 'D1',
        personKey: 'pk1',
        communes: ['23872', ''],
        codes: [],
        lists: [worklistKeys.communePartition(2020, '23872')],
        person,
      },
      {
        kind: 'conflict',
        row: 2,
        formId: 'C2',
        personKey: 'pk2',
        communes: ['23872', ''],
        codes: [],
        lists: [worklistKeys.communePartition(2020, '23872')],
        person,
      },
      {
        kind: 'unplaced',
        row: 3,
        formId: 'U3',
        personKey: 'pk3',
        communes: ['', ''],
        codes: [],
        lists: [worklistKeys.unplacedPartition('CA-GIALAI')],
        person,
      },
    ];
    await worklists.put('CA-GIALAI', LATER, lines, 2_000_000_000);
    await worklists.put('CA-GIALAI', LATER, lines, 2_000_000_000); // a chunk decided again
    await register.putReview({
      id: reviewId({ batchId: LATER, row: 1 }),
      agencyCode: 'CA-GIALAI',
      batchId: LATER,
      row: 1,
      personKey: 'pk1',
      candidatePersonKey: 'pk0',
      score: 9,
      reasons: [],
      fields: [],
      createdAt: '2026-12-01T00:00:00.000Z',
    });
    await register.putConflict({
      id: reviewId({ batchId: LATER, row: 2 }),
      agencyCode: 'CA-GIALAI',
      batchId: LATER,
      row: 2,
      personKey: 'pk2',
      incoming: {} as never,
      differing: ['fullName'],
      createdAt: '2026-12-01T00:00:00.000Z',
      status: 'open',
    });

    const agencies = MemoryAgencies.of(
      { code: 'CA-GIALAI' },
      { code: 'CA-PLEIKU', unit: { code: '622', vintage: 2020 } },
    );
    const ask = async (code: string, agency: string) => {
      const answer = await agencyHandler(agencyDeps({ agencies }))(
        get(`/worklists/${code}?vintage=2020`, 'GET /worklists/{commune}', {
          agency,
          roles: ['viewer'],
          pathParameters: { commune: code },
        }) as never,
        lambdaContext(),
      );
      return bodyOf(answer) as {
        items: { kind: string; formId: string; reviewId?: string; person?: unknown }[];
      };
    };
    const listed = (await ask('23872', 'CA-GIALAI')).items;
    expect(listed.map((item) => [item.kind, item.formId, item.reviewId, item.person])).toEqual([
      ['duplicate', 'D1', `${LATER}.1`, person],
      ['conflict', 'C2', undefined, person],
      // CA-PLEIKU's form: no personal field for CA-GIALAI
      ['rejected', 'F4', undefined, undefined],
    ]);
    const csv = await agencyHandler(agencyDeps({ agencies }))(
      get('/worklists/23872?vintage=2020&format=csv', 'GET /worklists/{commune}', {
        agency: 'CA-GIALAI',
        roles: ['viewer'],
        pathParameters: { commune: '23872' },
      }) as never,
      lambdaContext(),
    );
    const rowsOfCsv = (csv as { body: string }).body.trimEnd().split('\r\n');
    expect(rowsOfCsv.filter((line) => line.includes('Lê Văn Ba'))).toHaveLength(2);
    expect(rowsOfCsv[3]).toMatch(/^CA-PLEIKU,.*,,,,,$/);

    // decided: the reviewer keeps them apart; the conflict is closed
    await register.resolveReview('CA-GIALAI', `${LATER}.1`, 'keepApart');
    await documents.send(
      new UpdateCommand({
        TableName: registerTable,
        Key: registerKeys.conflict('CA-GIALAI', reviewId({ batchId: LATER, row: 2 })),
        UpdateExpression: 'SET #status = :decided',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':decided': 'decided' },
      }),
    );
    expect((await ask('23872', 'CA-GIALAI')).items.map((item) => item.formId)).toEqual(['F4']);
    // the unplaced form: at CA-GIALAI's own unit, to it alone
    expect((await ask('64', 'CA-GIALAI')).items).toEqual([
      expect.objectContaining({ kind: 'unplaced', formId: 'U3', person }),
    ]);
    expect((await ask('622', 'CA-PLEIKU')).items).toEqual([]);
  });
});
