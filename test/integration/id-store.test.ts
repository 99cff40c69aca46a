// The allocator on the DynamoDB emulator (issue 20): many allocations at once for one prefix never collide and each
// passes the project's ID checks; a purpose asked again, at once or later, keeps its one number; a small space fills
// and then refuses; the claim's order key and size are fixed by the first claim.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../local/runtime/emulators.ts';
import { provision } from '../../local/runtime/provision.ts';
import { checkPersonalId } from '../../shared/domain/personal-id.ts';
import type { IdAllocator, IssueRequest } from '../../shared/model/ids.ts';
import type { IdStore } from '../../shared/store/id-store.ts';
import { quietLog, tempDir } from './harness.ts';

let emulators: Emulators;
let store: IdStore;
let allocatorOf: (spaceLimit?: number) => IdAllocator;

beforeAll(async () => {
  emulators = await startEmulators({ dir: await tempDir(), ports: { s3: 0, sqs: 0, dynamodb: 0 } });
  const names = await provision({ endpoints: emulators.endpoints, log: quietLog });
  Object.assign(process.env, {
    AWS_REGION: names.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
  });
  const { IdStore } = await import('../../shared/store/id-store.ts');
  const { createAllocator } = await import('../../shared/ids/allocator.ts');
  store = new IdStore(names.tables.ids);
  allocatorOf = (spaceLimit) =>
    createAllocator({
      counters: store,
      issued: store,
      held: async () => false,
      issuedBy: 'test',
      ...(spaceLimit ? { spaceLimit } : {}),
    });
}, 60_000);
afterAll(async () => emulators?.stop());

const request = (registrationId: string, sex: 'male' | 'female', birthYear: number): IssueRequest => ({
  purpose: { kind: 'birth', registrationId },
  placeCode: '064',
  sex,
  birthYear,
  issuedFor: 'TP-GIALAI',
  why: `birth registration ${registrationId}`,
});

describe('the allocator on the emulator', () => {
  it('never collides under many allocations at once, each number valid for its person', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 20, max: 120 }),
        fc.constantFrom('male' as const, 'female' as const),
        fc.integer({ min: 2000, max: 2099 }),
        fc.uuid(),
        async (count, sex, birthYear, run) => {
          const allocate = allocatorOf();
          const results = await Promise.all(
            Array.from({ length: count }, (_, i) => allocate.issue(request(`${run}-${i}`, sex, birthYear))),
          );
          const numbers = results.map((r) => (r.status === 'issued' ? r.record.number : r.status));
          expect(new Set(numbers).size).toBe(count);
          for (const number of numbers) expect(checkPersonalId(number, 'id', { sex, birthYear })).toEqual([]);
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);

  it('keeps one number per purpose, asked twice at once and again later', async () => {
    const allocate = allocatorOf();
    const [a, b] = await Promise.all([
      allocate.issue(request('KS-twice', 'male', 2026)),
      allocate.issue(request('KS-twice', 'male', 2026)),
    ]);
    const number = (r: typeof a) =>
      r.status === 'issued' || r.status === 'already' ? r.record.number : r.status;
    expect(number(a)).toBe(number(b));
    expect(await allocate.issue(request('KS-twice', 'male', 2026))).toMatchObject({
      status: 'already',
      record: { number: number(a), issuedFor: 'TP-GIALAI', issuedBy: 'test' },
    });
  });

  it('fills a small space, then refuses, the size fixed by the first claim', async () => {
    const allocate = allocatorOf(50);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => allocate.issue(request(`small-${i}`, 'female', 1999))),
    );
    expect(results.filter((r) => r.status === 'issued')).toHaveLength(50);
    expect(results.filter((r) => r.status === 'full')).toHaveLength(10);
    // a later allocator with a larger space does not widen a prefix already started
    expect((await allocatorOf(100).issue(request('small-late', 'female', 1999))).status).toBe('full');
  });
});
