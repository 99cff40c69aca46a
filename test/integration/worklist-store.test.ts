// The worklists against the DynamoDB emulator (issue 25): keep puts a rejected form on its communes' lists, take
// marks it off them, a keep delivered again after the take does not put it back, and a list pages by its token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../local/runtime/emulators.ts';
import { provision } from '../../local/runtime/provision.ts';
import { worklistKeys } from '../../shared/keys.ts';
import type { RejectedForm } from '../../shared/model/coverage.ts';
import type { RecollectStore } from '../../shared/store/recollect-store.ts';
import type { WorklistStore } from '../../shared/store/worklist-store.ts';
import { quietLog, tempDir } from './harness.ts';

let emulators: Emulators;
let recollections: RecollectStore;
let worklists: WorklistStore;

beforeAll(async () => {
  emulators = await startEmulators({ dir: await tempDir(), ports: { s3: 0, sqs: 0, dynamodb: 0 } });
  const names = await provision({ endpoints: emulators.endpoints, log: quietLog });
  Object.assign(process.env, {
    AWS_REGION: names.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
  });
  const { RecollectStore } = await import('../../shared/store/recollect-store.ts');
  const { WorklistStore } = await import('../../shared/store/worklist-store.ts');
  recollections = new RecollectStore(names.tables.batches);
  worklists = new WorklistStore(names.tables.batches);
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
});
