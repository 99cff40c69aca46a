// dancu's own allocator on the port fakes (issue 20): one number per purpose however often it is asked, concurrent
// allocations that never collide and each pass the project's ID checks, a held number skipped, a full prefix
// refused, and a crash between the claim and the record that still issues exactly one number.
import { describe, expect, it } from 'vitest';
import { checkPersonalId } from '../../shared/domain/personal-id.ts';
import { createAllocator } from '../../shared/ids/allocator.ts';
import type { IssueRequest } from '../../shared/model/ids.ts';
import { MemoryIdCounters, MemoryIssuedIds } from '../fakes/ids.ts';

const birth = (registrationId: string, sex: 'male' | 'female' = 'female'): IssueRequest => ({
  purpose: { kind: 'birth', registrationId },
  placeCode: '064',
  sex,
  birthYear: 2026,
  issuedFor: 'TP-GIALAI',
  why: `birth registration ${registrationId}`,
});

function allocator(options: { spaceLimit?: number; held?: Set<string> } = {}) {
  const counters = new MemoryIdCounters();
  const issued = new MemoryIssuedIds();
  const held = options.held ?? new Set<string>();
  return {
    counters,
    issued,
    allocate: createAllocator({
      counters,
      issued,
      held: async (number) => held.has(number),
      issuedBy: 'test',
      ...(options.spaceLimit ? { spaceLimit: options.spaceLimit } : {}),
      now: () => new Date('2026-12-07T00:00:00Z'),
    }),
  };
}

describe('the allocator', () => {
  it('issues a number the ID checks accept, and the same one however often the purpose asks', async () => {
    const { allocate } = allocator();
    const first = await allocate.issue(birth('KS-1'));
    expect(first).toMatchObject({ status: 'issued', record: { issuedFor: 'TP-GIALAI', issuedBy: 'test' } });
    if (first.status !== 'issued') return;
    expect(first.record.number).toMatch(/^064326\d{6}$/);
    expect(checkPersonalId(first.record.number, 'id', { sex: 'female', birthYear: 2026 })).toEqual([]);
    expect(await allocate.issue(birth('KS-1'))).toEqual({ status: 'already', record: first.record });
  });

  it('never gives two purposes one number, however many ask at once', async () => {
    const { allocate } = allocator();
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => allocate.issue(birth(`KS-${i}`, i % 2 ? 'male' : 'female'))),
    );
    const numbers = results.map((result) =>
      result.status === 'issued' ? result.record.number : result.status,
    );
    expect(new Set(numbers).size).toBe(500);
    for (const [i, number] of numbers.entries()) {
      expect(checkPersonalId(number, 'id', { sex: i % 2 ? 'male' : 'female', birthYear: 2026 })).toEqual([]);
    }
  });

  it('gives one number to one purpose asked twice at once', async () => {
    const { allocate, issued } = allocator();
    const [a, b] = await Promise.all([allocate.issue(birth('KS-9')), allocate.issue(birth('KS-9'))]);
    expect(a?.status === 'issued' ? a.record.number : undefined).toBeDefined();
    expect([a, b].map((result) => result.status === 'issued' || result.status === 'already')).toEqual([
      true,
      true,
    ]);
    expect(issued.records.size).toBe(1);
  });

  it('skips a number the register holds already', async () => {
    const first = allocator();
    const taken = await first.allocate.issue(birth('KS-1'));
    if (taken.status !== 'issued') throw new Error('not issued');
    // the same order key and counter, with the first number held by someone else
    const { allocate, counters } = allocator({ held: new Set([taken.record.number]) });
    const prefix = first.counters.prefixes.get('064326');
    if (!prefix) throw new Error('no counter');
    counters.prefixes.set('064326', { ...prefix, next: 0 });
    const next = await allocate.issue(birth('KS-2'));
    expect(next.status).toBe('issued');
    if (next.status === 'issued') expect(next.record.number).not.toBe(taken.record.number);
  });

  it('refuses when the prefix is full, and issues in another prefix still', async () => {
    const { allocate } = allocator({ spaceLimit: 1000 });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => allocate.issue(birth(`KS-${i}`))),
    );
    expect(results.every((result) => result.status === 'issued')).toBe(true);
    expect(new Set(results.map((r) => (r.status === 'issued' ? r.record.number : ''))).size).toBe(1000);
    expect(await allocate.issue(birth('KS-1000'))).toEqual({ status: 'full', prefix: '064326' });
    expect((await allocate.issue(birth('KS-1001', 'male'))).status).toBe('issued');
  });

  it('issues one number when it dies between the claim and the record, the claimed index left unused', async () => {
    const counters = new MemoryIdCounters();
    const issued = new MemoryIssuedIds();
    let crash = true;
    const dying = createAllocator({
      counters,
      issued: {
        get: (purpose) => issued.get(purpose),
        forBatch: (batchId) => issued.forBatch(batchId),
        record: async (record) => {
          if (crash) {
            crash = false;
            throw new Error('injected: the function dies before the record');
          }
          return issued.record(record);
        },
      },
      held: async () => false,
      issuedBy: 'test',
    });
    await expect(dying.issue(birth('KS-7'))).rejects.toThrow('injected');
    const retried = await dying.issue(birth('KS-7'));
    expect(retried.status).toBe('issued');
    expect(await dying.issue(birth('KS-7'))).toMatchObject({ status: 'already' });
    expect(issued.records.size).toBe(1);
    // index 0 was claimed and never used; the retry took index 1
    expect(counters.prefixes.get('064326')?.next).toBe(2);
  });

  it('refuses a place code or a year that cannot open an ID', async () => {
    const { allocate } = allocator();
    expect(await allocate.issue({ ...birth('KS-1'), placeCode: '64' })).toEqual({
      status: 'refused',
      code: 'ID_PLACE_UNKNOWN',
    });
    expect(await allocate.issue({ ...birth('KS-1'), birthYear: 1850 })).toEqual({
      status: 'refused',
      code: 'ID_YEAR_UNSUPPORTED',
    });
  });
});
