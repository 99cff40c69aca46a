// The register's conditional writes against the DynamoDB emulator, evaluated as DynamoDB would: a row that joins
// a person writes from the copy its blocking item filed only while the person is as first stored (`applied[0]`,
// `version`, `mergedInto`), and one invocation at a time holds a chunk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { type Emulators, startEmulators } from '../../local/runtime/emulators.ts';
import { provision } from '../../local/runtime/provision.ts';
import type { BatchStore } from '../../shared/store/batch-store.ts';
import type { HeldPerson, RegisterStore as Store } from '../../shared/store/register-store.ts';
import { PERSON } from '../fixtures/person.ts';
import { quietLog, tempDir } from './harness.ts';

let emulators: Emulators;
let store: Store;
let batches: BatchStore;

const record: PopulationRecord = PERSON;
const origin = (row: number) => ({ batchId: 'b1', row, agencyCode: 'CA-PLEIKU' });

beforeAll(async () => {
  emulators = await startEmulators({ dir: await tempDir(), ports: { s3: 0, sqs: 0, dynamodb: 0 } });
  const names = await provision({ endpoints: emulators.endpoints, log: quietLog });
  Object.assign(process.env, {
    AWS_REGION: names.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
  });
  const { RegisterStore } = await import('../../shared/store/register-store.ts');
  store = new RegisterStore(names.tables.register);
  const { BatchStore } = await import('../../shared/store/batch-store.ts');
  batches = new BatchStore(names.tables.batches);
}, 60_000);
afterAll(async () => emulators?.stop());

/** A person stored and filed as the register stores a new one; its filed copy as a Query returns it. */
async function storedAndFiled(key: string, blockingKey: string): Promise<HeldPerson> {
  await store.fileForLinkage(key, record, [blockingKey], 'CA-PLEIKU', 'b1#1:new');
  expect(await store.createPerson(key, record, origin(1))).toBe(true);
  const [candidate] = await store.findCandidates([blockingKey]);
  expect(candidate).toEqual({ personKey: key, record, agencyCode: 'CA-PLEIKU', created: 'b1#1:new' });
  return { record, version: 1, applied: ['b1#1:new'], filed: 'b1#1:new' };
}

describe('writing from a filed copy', () => {
  it('lands while the person is as first stored, and not once anything changed it', async () => {
    const filed = await storedAndFiled('nk:one', 'bg:one');
    expect(await store.recordOutcome('nk:one', filed, 'b1#2:duplicate')).toBe(true);
    expect((await store.getPerson('nk:one'))?.applied).toEqual(['b1#1:new', 'b1#2:duplicate']);
    // the same copy again: the person is at version 2 now
    expect(await store.recordOutcome('nk:one', filed, 'b1#3:duplicate')).toBe(false);
  });

  it('does not land on a person that a different first row stored under the same key', async () => {
    const filed = await storedAndFiled('nk:two', 'bg:two');
    expect(
      await store.recordOutcome('nk:two', { ...filed, filed: 'b9#9:new', applied: ['b9#9:new'] }, 'x'),
    ).toBe(false);
  });

  it('does not land on a person a reviewer merged into another', async () => {
    const filed = await storedAndFiled('nk:three', 'bg:three');
    await store.markMerged('nk:three', 'nk:other');
    expect(await store.recordOutcome('nk:three', filed, 'b1#4:duplicate')).toBe(false);
    expect((await store.getPerson('nk:three'))?.version).toBe(2);
  });
});

describe("a chunk's lease", () => {
  it('is held by one invocation until it lets go or the lease runs out', async () => {
    const until = Date.now() + 60_000;
    expect(await batches.takeChunkLease('b1', 3, 0, 'first', until)).toBe(true);
    expect(await batches.takeChunkLease('b1', 3, 0, 'second', until)).toBe(false);
    // another chunk is free
    expect(await batches.takeChunkLease('b1', 3, 1, 'second', until)).toBe(true);
    // only its holder lets it go
    await batches.releaseChunkLease('b1', 3, 0, 'second');
    expect(await batches.takeChunkLease('b1', 3, 0, 'second', until)).toBe(false);
    await batches.releaseChunkLease('b1', 3, 0, 'first');
    expect(await batches.takeChunkLease('b1', 3, 0, 'second', until)).toBe(true);
    // a lease that ran out (its holder died) is taken over
    expect(await batches.takeChunkLease('b1', 4, 0, 'dead', Date.now() - 1)).toBe(true);
    expect(await batches.takeChunkLease('b1', 4, 0, 'next', until)).toBe(true);
  });
});
