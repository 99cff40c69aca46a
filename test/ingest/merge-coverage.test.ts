// A merge moves the coverage counters once (issue 18): the merged person counts no more where it did, the person it
// joins moves if the merge changed its address, and a retry after a crash on either side of the counters moves
// nothing twice and loses nothing.
import { describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { placesIn, placesOf } from '../../shared/coverage/places.ts';
import { type Decision, mergePerson } from '../../shared/ingest/resolve-review.ts';
import { MemoryCoverage } from '../fakes/coverage.ts';
import { historyOf } from '../fakes/history.ts';
import { MemoryRegister } from '../fakes/register.ts';

/** a link pass made the merges */
const PASS: Decision = { by: { kind: 'link-pass', id: 'p1' }, why: 'link-pass', source: { passId: 'p1' } };
const HOI_THUONG = 'Phường Hội Thương, Thành phố Pleiku, Tỉnh Gia Lai'; // 23566
const IA_KLA = 'Xã Ia Kla, Huyện Đức Cơ, Tỉnh Gia Lai'; // 23869

const person = (fields: Partial<PopulationRecord>): PopulationRecord => ({
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1990-01-02',
  sex: 'male',
  birthRegistrationPlace: 'Gia Lai',
  hometown: 'Gia Lai',
  ethnicityCode: '01',
  nationality: 'VN',
  currentAddress: HOI_THUONG,
  ...fields,
});

/** Two persons counted where they live, as finalize would have counted them. */
async function world() {
  const register = new MemoryRegister();
  const coverage = new MemoryCoverage();
  const origin = (row: number) => ({ batchId: 'b1', row, agencyCode: 'CA-PLEIKU' });
  const from = person({ permanentAddress: IA_KLA });
  const into = person({ permanentAddress: HOI_THUONG });
  await register.createPerson('A', from, origin(1));
  await register.createPerson('B', into, origin(2));
  return { register, coverage };
}

/** The counters' permanent residents per 2020 commune of Gia Lai, non-zero ones. */
async function counted(coverage: MemoryCoverage): Promise<Record<string, number>> {
  const items = await coverage.province(2020, '64');
  return Object.fromEntries(
    items
      .filter((item) => item.counts.permanent !== 0)
      .map((item) => ['code' in item.place ? item.place.code : '?', item.counts.permanent]),
  );
}

/**
 * What a merge must move, from the register itself: A (23869) counts no more, and B moves from 23566 to wherever its
 * merged record places it (A's newer permanent address may have filled or replaced B's).
 */
function expected(register: MemoryRegister): Record<string, number> {
  const now = placesIn(placesOf(register.persons.get('B')?.record ?? {}), 2020).permanent;
  const moves: Record<string, number> = {};
  for (const [code, by] of [
    ['23869', -1],
    ['23566', -1],
    [now, 1],
  ] as const)
    moves[code] = (moves[code] ?? 0) + by;
  return Object.fromEntries(Object.entries(moves).filter(([, n]) => n !== 0));
}

describe('a merge and the coverage counters', () => {
  it('takes the merged person out of its commune once, however often it is repeated', async () => {
    const { register, coverage } = await world();
    expect(placesIn(placesOf({ permanentAddress: IA_KLA }), 2020).permanent).toBe('23869');
    expect(await mergePerson(register, historyOf(register), 'A', 'B', 'review#b1.1', PASS, coverage)).toBe(
      true,
    );
    const once = await counted(coverage);
    expect(once).toEqual(expected(register));
    expect(Object.values(once).reduce((a, b) => a + b, 0)).toBe(-1);
    expect(await mergePerson(register, historyOf(register), 'A', 'B', 'review#b1.1', PASS, coverage)).toBe(
      false,
    );
    expect(await counted(coverage)).toEqual(once);
  });

  it('moves the counters on a retry after the merge landed but the counters did not', async () => {
    const { register, coverage } = await world();
    const failing = {
      apply: async () => {
        throw new Error('injected: the counters are unavailable');
      },
    };
    await expect(
      mergePerson(register, historyOf(register), 'A', 'B', 'link#p1#A', PASS, failing),
    ).rejects.toThrow('injected');
    // the pointer waits for the counters: not merged yet, and nothing counted
    expect(register.persons.get('A')?.mergedInto).toBeUndefined();
    expect(await mergePerson(register, historyOf(register), 'A', 'B', 'link#p1#A', PASS, coverage)).toBe(
      true,
    );
    expect(await counted(coverage)).toEqual(expected(register));
  });

  it('moves the counters of a merge an earlier attempt finished but died before counting', async () => {
    const { register, coverage } = await world();
    // an attempt without counters: the merge lands, the counters never hear of it
    expect(await mergePerson(register, historyOf(register), 'A', 'B', 'link#p1#A', PASS)).toBe(true);
    expect(await counted(coverage)).toEqual({});
    expect(await mergePerson(register, historyOf(register), 'A', 'B', 'link#p1#A', PASS, coverage)).toBe(
      false,
    );
    expect(await counted(coverage)).toEqual(expected(register));
    expect(await mergePerson(register, historyOf(register), 'A', 'B', 'link#p1#A', PASS, coverage)).toBe(
      false,
    );
    expect(await counted(coverage)).toEqual(expected(register));
  });
});
