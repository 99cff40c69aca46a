// Finalize and the coverage counters (issue 18), on fakes: a report's rows counted once per batch (forms where they
// place, persons by the register's moves, re-collected forms matched by form id), a superseded batch's persons alone,
// and a redelivery that moves nothing twice.
import { beforeEach, describe, expect, it } from 'vitest';
import type { CoverageDeps } from '../../shared/coverage/batch-coverage.ts';
import { placesOf } from '../../shared/coverage/places.ts';
import { finalizeBatch } from '../../shared/ingest/report.ts';
import { personKeys } from '../../shared/keys.ts';
import type { Counts } from '../../shared/model/coverage.ts';
import { MemoryCoverage, MemoryRecollections } from '../fakes/coverage.ts';
import { testKeyer } from '../fakes/keyer.ts';
import { batchOf, pipelineFakes } from './pipeline-fakes.ts';

const HOI_THUONG = 'Phường Hội Thương, Thành phố Pleiku, Tỉnh Gia Lai'; // 23566 in 2020
const IA_KLA = 'Xã Ia Kla, Huyện Đức Cơ, Tỉnh Gia Lai'; // 23869 in 2020
const HERE = placesOf({ permanentAddress: HOI_THUONG, currentAddress: HOI_THUONG });
const THERE = placesOf({ permanentAddress: IA_KLA, currentAddress: IA_KLA });
const HEADER = ['form_id', 'full_name', 'permanent_address', 'current_address', 'personal_id'];

let world: ReturnType<typeof pipelineFakes>;
let counters: MemoryCoverage;
let deps: CoverageDeps;
let recollections: MemoryRecollections;

/** A batch of `objectKey` whose rows are the outcome lines given (one partition) and the rejected ones. */
async function batch(
  batchId: string,
  rejected: unknown[],
  outcomes: unknown[],
  objectKey = 'incoming/CA-PLEIKU/a.csv',
) {
  const stored = batchOf({
    batchId,
    objectKey,
    rows: rejected.length + outcomes.length,
    partitions: 1,
    chunkCounts: [1],
    checkpoint: {
      row: rejected.length + outcomes.length,
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
  return stored;
}

const lease = () => ({ holder: 'test', until: Date.now() + 60_000 });
const finalize = (batchId: string) =>
  finalizeBatch(batchId, world.files, world.batches, lease(), { coverage: deps });

/** The 2020 counts of a commune of Gia Lai. */
async function at(code: string): Promise<Partial<Counts>> {
  const item = (await counters.province(2020, '64')).find((i) => 'code' in i.place && i.place.code === code);
  return Object.fromEntries(Object.entries(item?.counts ?? {}).filter(([, n]) => n !== 0));
}

beforeEach(() => {
  world = pipelineFakes();
  counters = new MemoryCoverage();
  recollections = new MemoryRecollections();
  deps = {
    counters,
    recollections,
    keyer: async () => testKeyer,
    agencyUnit: async () => ({ code: '622', vintage: 2020 }),
    keepRejectedDays: 30,
  };
});

describe('finalize moves the coverage counters', () => {
  it('counts forms where they place and persons by their moves, once, and a re-collected form by its form id', async () => {
    await batch(
      'b1',
      [
        [
          2,
          'rejected',
          '',
          'F2',
          [{ code: 'SEX_INVALID' }],
          null,
          3,
          ['F2', 'Lê Văn Ba', IA_KLA, IA_KLA, ''],
        ],
      ],
      [
        [1, 'new', 'p1', 'F1', [], null, 2, null, HERE, `>${HERE}`],
        [3, 'duplicate', 'p1', 'F3', [], null, 4, null, HERE],
      ],
    );
    expect(await finalize('b1')).toBe('completed');
    expect(await at('23566')).toEqual({ permanent: 1, received: 2, duplicate: 1 });
    expect(await at('23869')).toEqual({ received: 1, rejected: 1 });
    // the faulty form collected again, accepted: re-collected where it places; its person arrives there. The first
    // try dies after the counters moved, before the batch is completed: its redelivery moves nothing twice
    await batch(
      'b2',
      [],
      [[1, 'new', 'p2', 'F2', [], null, 2, null, THERE, `>${THERE}`]],
      'incoming/CA-PLEIKU/b.csv',
    );
    const markCompleted = world.batches.markCompleted.bind(world.batches);
    let dies = 1;
    world.batches.markCompleted = async (...args) => {
      if (dies-- > 0) throw new Error('injected: finalize dies before the batch is completed');
      return markCompleted(...args);
    };
    await expect(finalize('b2')).rejects.toThrow('injected');
    expect(await at('23869')).toEqual({ permanent: 1, received: 2, rejected: 1, recollected: 1 });
    expect(await finalize('b2')).toBe('completed');
    expect(await at('23869')).toEqual({ permanent: 1, received: 2, rejected: 1, recollected: 1 });
    // completed: a message delivered again is skipped
    expect(await finalize('b2')).toBe('skipped');
    // and a later form of the same id re-collects nothing more
    await batch(
      'b3',
      [],
      [[1, 'duplicate', 'p2', 'F2', [], null, 2, null, THERE]],
      'incoming/CA-PLEIKU/c.csv',
    );
    await finalize('b3');
    expect((await at('23869')).recollected).toBe(1);
  });

  it('matches a re-collected form by the person’s ID when its form id is another, and keeps one item per rejection', async () => {
    const id = '064090123456';
    await batch(
      'b1',
      [
        [
          1,
          'rejected',
          '',
          'F1',
          [{ code: 'SEX_INVALID' }],
          null,
          2,
          ['F1', 'Lê Văn Ba', IA_KLA, IA_KLA, id],
        ],
      ],
      [],
    );
    await finalize('b1');
    expect([...recollections.items.values()].map(({ key, matches }) => ({ key, matches }))).toEqual([
      { key: 'FF1', matches: ['FF1', `K${testKeyer.seal(personKeys.identityById(id))}`] },
    ]);
    const key = testKeyer.seal(personKeys.identityById(id));
    await batch(
      'b2',
      [],
      [[1, 'new', key, 'G7', [], null, 2, null, THERE, `>${THERE}`]],
      'incoming/CA-PLEIKU/b.csv',
    );
    await finalize('b2');
    expect(await at('23869')).toEqual({ permanent: 1, received: 2, rejected: 1, recollected: 1 });
  });

  it('counts a superseded batch’s persons, not its forms', async () => {
    const old = await batch(
      'b1',
      [],
      [
        [1, 'new', 'p1', 'F1', [], null, 2, null, HERE, `>${HERE}`],
        [2, 'updated', 'p0', 'F2', [], null, 3, null, THERE, `${HERE}>${THERE}`],
      ],
    );
    // a newer upload of the same name came while it was registered
    await world.batches.claimLatest({ ...old, batchId: 'b9', startedAt: '2026-11-28T00:00:00.000Z' });
    expect(await finalize('b1')).toBe('superseded');
    expect(await at('23566')).toEqual({});
    expect(await at('23869')).toEqual({ permanent: 1 });
  });
});
