// The register's conditional writes against the DynamoDB emulator, evaluated as DynamoDB would: a row that joins
// a person writes from the copy its blocking item filed only while the person is as first stored (`applied[0]`,
// `version`, `mergedInto`), a merge lands once, and the link pass's scan reads persons only. What every port
// promises besides is held by test/contracts (here on the emulators: adapters.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { type Emulators, startEmulators } from '../../local/runtime/emulators.ts';
import { provision } from '../../local/runtime/provision.ts';
import type { HeldPerson } from '../../shared/model/register.ts';
import type { RegisterStore as Store } from '../../shared/store/register-store.ts';
import { PERSON } from '../fixtures/person.ts';
import { quietLog, tempDir } from './harness.ts';

let emulators: Emulators;
let store: Store;
let registerTable: string;

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
  registerTable = names.tables.register;
}, 60_000);
afterAll(async () => emulators?.stop());

/** Every item of a table, counted by a plain Scan of the test's own. */
async function itemCount(table: string): Promise<number> {
  const { DynamoDBClient, paginateScan } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ endpoint: emulators.endpoints.dynamodb });
  let count = 0;
  for await (const page of paginateScan({ client }, { TableName: table })) count += page.Items?.length ?? 0;
  return count;
}

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
    expect(await store.markMerged('nk:three', 'nk:other', 1)).toBe(true);
    expect(await store.recordOutcome('nk:three', filed, 'b1#4:duplicate')).toBe(false);
    expect((await store.getPerson('nk:three'))?.version).toBe(2);
  });

  it('merges a person only as it was read, and only once', async () => {
    await storedAndFiled('nk:four', 'bg:four');
    // changed since it was read at version 1: the merge is refused, the caller reads again
    expect(
      await store.recordOutcome('nk:four', (await store.getPerson('nk:four')) as HeldPerson, 'b1#5:updated'),
    ).toBe(true);
    expect(await store.markMerged('nk:four', 'nk:other', 1)).toBe(false);
    expect(await store.markMerged('nk:four', 'nk:other', 2)).toBe(true);
    // merged already: never pointed elsewhere (no cycle, no second target)
    expect(await store.markMerged('nk:four', 'nk:elsewhere', 3)).toBe(false);
    expect((await store.getPerson('nk:four'))?.mergedInto).toBe('nk:other');
  });
});

describe("the link pass's scan", () => {
  it('scans persons only: not blocking items, aliases, merged persons or review items', async () => {
    await store.createPerson('nk:scan-a', record, origin(1));
    await store.createPerson('nk:scan-b', { ...record, fullName: 'Trần Văn Bình' }, origin(2));
    await store.putAlias('id:079090009999', 'nk:scan-a', origin(3), 'duplicate');
    await store.createPerson('nk:scan-c', record, origin(4));
    expect(await store.markMerged('nk:scan-c', 'nk:scan-a', 1)).toBe(true);
    await store.addKeptApart('nk:scan-b', 'nk:scan-a', 1, '00000002#review#b1.1');
    const seen = new Map<string, { keptApart?: string[] }>();
    const { RegisterScan } = await import('../../shared/store/register-scan.ts');
    const scan = new RegisterScan(registerTable);
    // a thousandth of a small table may hold nothing; one segment of one is the whole table, every item counted
    const items = await itemCount(registerTable);
    expect(await scan.estimateItems(1)).toBe(items);
    expect(await scan.estimateItems(2)).toBeGreaterThan(0);
    for (const segment of [0, 1]) {
      for await (const page of scan.scanPersons(segment, 2)) {
        for (const person of page) seen.set(person.key, person);
      }
    }
    expect(seen.has('nk:scan-a') && seen.has('nk:scan-b')).toBe(true);
    expect(seen.has('nk:scan-c') || seen.has('id:079090009999')).toBe(false);
    expect([...seen.keys()].every((key) => /^(id|nk):/.test(key))).toBe(true);
    expect(seen.get('nk:scan-b')?.keptApart).toEqual(['nk:scan-a']);
  });
});
