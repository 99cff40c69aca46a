// The coverage counters against the DynamoDB emulator: each move lands once per item however often it is
// delivered, forgetting it is idempotent, a province reads back whole (without its set of move ids) and the
// recount's overwrite zeroes what it did not count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../local/runtime/emulators.ts';
import { provision } from '../../local/runtime/provision.ts';
import { coverageKeys } from '../../shared/keys.ts';
import { type CounterItem, type CounterPlace, zeroCounts } from '../../shared/model/coverage.ts';
import type { CoverageStore as Store } from '../../shared/store/coverage-store.ts';
import { quietLog, tempDir } from './harness.ts';

let emulators: Emulators;
let store: Store;
let table: string;

beforeAll(async () => {
  emulators = await startEmulators({ dir: await tempDir(), ports: { s3: 0, sqs: 0, dynamodb: 0 } });
  const names = await provision({ endpoints: emulators.endpoints, log: quietLog });
  Object.assign(process.env, {
    AWS_REGION: names.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
  });
  const { CoverageStore } = await import('../../shared/store/coverage-store.ts');
  store = new CoverageStore(names.tables.batches);
  table = names.tables.batches;
}, 60_000);
afterAll(async () => emulators?.stop());

const commune = (province: string, code: string): CounterPlace => ({
  kind: 'commune',
  vintage: 2020,
  province,
  code,
});

/** The raw stored item, `applied` included. */
async function raw(key: { pk: string; sk: string }) {
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const { documents } = await import('../../shared/aws/dynamodb.ts');
  const { Item } = await documents.send(new GetCommand({ TableName: table, Key: key }));
  return Item;
}

const sorted = (items: CounterItem[]) =>
  [...items].sort((a, b) => JSON.stringify(a.place).localeCompare(JSON.stringify(b.place)));

describe('apply', () => {
  it('moves each item once per move id, however often the move is delivered', async () => {
    const deltas = [
      { place: commune('01', '00001'), counts: { permanent: 3, received: 4, rejected: 1 } },
      { place: commune('01', '00004'), counts: { temporary: 2, received: 2 } },
    ];
    expect(await store.apply('b1', deltas)).toBe(2);
    expect(await store.apply('b1', deltas)).toBe(0);
    expect(await store.apply('b2', [deltas[0] ?? { place: commune('01', 'x'), counts: {} }])).toBe(1);
    const items = await store.province(2020, '01');
    expect(sorted(items)).toEqual([
      { place: commune('01', '00001'), counts: { ...zeroCounts(), permanent: 6, received: 8, rejected: 2 } },
      { place: commune('01', '00004'), counts: { ...zeroCounts(), temporary: 2, received: 2 } },
    ]);
    const stored = await raw(coverageKeys.commune(2020, '01', '00001'));
    expect(stored).toMatchObject({ kind: 'commune', vintage: 2020, province: '01', code: '00001' });
    expect(stored?.applied).toEqual(new Set(['b1', 'b2']));
  });

  it('moves the rest of a move that stopped half way, and adds up two deltas of one place', async () => {
    const first = { place: commune('02', '00100'), counts: { permanent: 1 } };
    const second = { place: commune('02', '00103'), counts: { permanent: 5, duplicate: 1 } };
    expect(await store.apply('half', [first])).toBe(1);
    expect(
      await store.apply('half', [first, second, { place: second.place, counts: { permanent: 2 } }]),
    ).toBe(1);
    const items = sorted(await store.province(2020, '02'));
    expect(items.map((item) => item.counts.permanent)).toEqual([1, 7]);
    expect(items[1]?.counts.duplicate).toBe(1);
  });

  it('takes negative deltas (a merge moves a person out) and writes nothing for deltas of zero', async () => {
    const place = commune('04', '00130');
    await store.apply('m0', [{ place, counts: { permanent: 2 } }]);
    expect(await store.apply('m1', [{ place, counts: { permanent: -1 } }])).toBe(1);
    expect(await store.apply('m2', [{ place: commune('04', '00133'), counts: { permanent: 0 } }])).toBe(0);
    const items = await store.province(2020, '04');
    expect(items).toEqual([{ place, counts: { ...zeroCounts(), permanent: 1 } }]);
  });

  it('keeps unplaced counts at the agency unit and reads them back as such', async () => {
    const place: CounterPlace = { kind: 'unplaced', vintage: 2025, province: '52', agencyUnit: '52' };
    expect(await store.apply('b3', [{ place, counts: { received: 7, rejected: 7 } }])).toBe(1);
    expect(await store.province(2025, '52')).toEqual([
      { place, counts: { ...zeroCounts(), received: 7, rejected: 7 } },
    ]);
    expect(await raw(coverageKeys.unplaced(2025, '52', '52'))).toMatchObject({
      kind: 'unplaced',
      agencyUnit: '52',
    });
  });
});

describe('forget', () => {
  it('drops the move id from each item, twice as well as once, and creates no item', async () => {
    const place = commune('06', '00200');
    await store.apply('b4', [{ place, counts: { received: 1 } }]);
    await store.forget('b4', [place, place, commune('06', '00202')]);
    await store.forget('b4', [place]);
    expect((await raw(coverageKeys.commune(2020, '06', '00200')))?.applied).toBeUndefined();
    expect(await raw(coverageKeys.commune(2020, '06', '00202'))).toBeUndefined();
    // forgotten, the same id would move it again: forgetting is only for a move nothing will deliver again
    expect(await store.apply('b4', [{ place, counts: { received: 1 } }])).toBe(1);
    expect((await store.province(2020, '06'))[0]?.counts.received).toBe(2);
  });
});

describe('province', () => {
  it('reads every page of a large partition', async () => {
    // each item carries a long set of move ids, so that the partition exceeds a Query page of 1 MB
    const places = Array.from({ length: 40 }, (_, i) => commune('08', String(10_000 + i)));
    for (let move = 0; move < 30; move++) {
      await store.apply(
        `${'x'.repeat(900)}-${move}`,
        places.map((place) => ({ place, counts: { received: 1 } })),
      );
    }
    // the partition does not fit one page: the store has to follow LastEvaluatedKey
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documents } = await import('../../shared/aws/dynamodb.ts');
    const first = await documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': coverageKeys.province(2020, '08') },
      }),
    );
    expect(first.LastEvaluatedKey).toBeDefined();
    const items = await store.province(2020, '08');
    expect(items).toHaveLength(40);
    expect(items.every((item) => item.counts.received === 30)).toBe(true);
  }, 60_000);

  it('is empty for a province nothing was counted in', async () => {
    expect(await store.province(2025, '99')).toEqual([]);
  });
});

describe('overwrite', () => {
  it('sets the counts given, zeroes the province items not given and keeps the move ids', async () => {
    const kept = commune('10', '00300');
    const gone = commune('10', '00301');
    const other = commune('11', '00400');
    await store.apply('b5', [
      { place: kept, counts: { permanent: 9, received: 9 } },
      { place: gone, counts: { permanent: 4 } },
      { place: other, counts: { permanent: 1 } },
    ]);
    await store.overwrite([{ place: kept, counts: { ...zeroCounts(), permanent: 5, conflict: 1 } }]);
    expect(sorted(await store.province(2020, '10'))).toEqual([
      { place: kept, counts: { ...zeroCounts(), permanent: 5, conflict: 1 } },
      { place: gone, counts: zeroCounts() },
    ]);
    // another province is not the recount's to zero
    expect((await store.province(2020, '11'))[0]?.counts.permanent).toBe(1);
    // a move still under way stays refused on the items it already moved
    expect(await store.apply('b5', [{ place: kept, counts: { permanent: 1 } }])).toBe(0);
    expect((await raw(coverageKeys.commune(2020, '10', '00300')))?.applied).toEqual(new Set(['b5']));
  });
});

describe('the view through the stores', () => {
  it('reads the partitions and the newest reference, and prints what GET /coverage answers', async () => {
    const { ReferenceStore } = await import('../../shared/store/reference-store.ts');
    const { coverageView } = await import('../../shared/coverage/rollup.ts');
    const { runCoverage } = await import('../../local/coverage-command.ts');
    const { unitRegistry } = await import('../../shared/domain/units.ts');
    const references = new ReferenceStore(table);
    await store.apply('view-1', [
      { place: commune('64', '23557'), counts: { permanent: 10, received: 11 } },
      // a 2025 commune as finalize counts it in the 2020 list: its own not-assigned item
      {
        place: { kind: 'notAssigned', vintage: 2020, province: '64', code: '23650' },
        counts: { permanent: 2, received: 2 },
      },
      {
        place: { kind: 'commune', vintage: 2025, province: '52', code: '23650' },
        counts: { permanent: 2, received: 2 },
      },
      {
        place: { kind: 'unplaced', vintage: 2020, province: '64', agencyUnit: '64' },
        counts: { received: 4 },
      },
    ]);
    const reference = {
      vintage: 2020 as const,
      province: '64',
      uploadedAt: '2026-12-01T00:00:00.000Z',
      objectKey: 'reference/population/gialai.csv',
    };
    await references.put({ ...reference, asOf: '2019-04-01', communes: {} });
    await references.put({
      ...reference,
      asOf: '2020-11-01',
      communes: {
        23557: { permanent: 40, temporary: 0, source: 't' },
        23650: { permanent: 8, temporary: 0, source: 't' },
      },
    });
    const reads = { counters: store, references };
    const view = await coverageView(reads, unitRegistry, 2020, '64');
    expect(view).toMatchObject({
      asOf: '2020-11-01',
      permanent: { residents: 48, collected: 12, percent: 25 },
      forms: { received: 13 },
      unplaced: 4,
    });
    const out: string[] = [];
    const io = { out: (text: string) => out.push(text), err: (text: string) => out.push(text) };
    expect(
      await runCoverage(
        { unit: '64', vintage: 2020, json: false, aws: false, dir: '' },
        reads,
        unitRegistry,
        io,
      ),
    ).toBe(0);
    expect(
      out
        .find((text) => text.includes('(total)'))
        ?.split(/\s{2,}/)
        .slice(0, 4),
    ).toEqual(['64 Tỉnh Gia Lai (total)', '48', '12', '25.00']);
  });
});
