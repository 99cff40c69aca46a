// A person's history on the DynamoDB emulator (issue 19): rows and a reviewer's merge through the real register and
// history stores (a row's new person derived from the person, no item), a crash between a change's two writes completed by the retry, the history table's items expiring
// the stage's days after they were written, `npm run history -- migrate` moving the register's items from before
// issue 19 (twice: nothing moves twice), and `npm run history` printing what the route answers.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { parseHistoryCommand, runHistory } from '../../local/history-command.ts';
import { type Emulators, startEmulators } from '../../local/runtime/emulators.ts';
import { provision } from '../../local/runtime/provision.ts';
import { landedChanges } from '../../shared/ingest/person-history.ts';
import { registerKeys } from '../../shared/keys.ts';
import type { PersonHistory, Register } from '../../shared/model/ports.ts';
import type { HeldPerson } from '../../shared/model/register.ts';
import { keyOf } from '../fakes/keyer.ts';
import { PERSON } from '../fixtures/person.ts';
import { quietLog, tempDir } from './harness.ts';

let emulators: Emulators;
let names: Awaited<ReturnType<typeof provision>>;
let register: Register;
let history: PersonHistory;
let crashing: Register & { crashOnce: boolean };
let stores: {
  registerRecord: typeof import('../../shared/ingest/register-row.ts').registerRecord;
  resolveReview: typeof import('../../shared/ingest/resolve-review.ts').resolveReview;
  migrateHistory: typeof import('../../shared/store/history-migration.ts').migrateHistory;
  documents: typeof import('../../shared/aws/dynamodb.ts').documents;
};

const DAYS = 30;

beforeAll(async () => {
  emulators = await startEmulators({ dir: await tempDir(), ports: { s3: 0, sqs: 0, dynamodb: 0 } });
  names = await provision({ endpoints: emulators.endpoints, log: quietLog });
  Object.assign(process.env, {
    AWS_REGION: names.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
  });
  // the SDK clients read their endpoints as their modules load: after the environment is set
  const { RegisterStore } = await import('../../shared/store/register-store.ts');
  const { HistoryStore } = await import('../../shared/store/history-store.ts');
  register = new RegisterStore(names.tables.register);
  history = new HistoryStore(names.tables.history, DAYS);
  /** the register whose next change after its history item throws once: a crash between the two */
  class CrashingRegister extends RegisterStore {
    crashOnce = false;
    override recordOutcome(
      key: string,
      held: HeldPerson,
      entry: string,
      merged?: PopulationRecord,
      lastChange?: string,
    ) {
      if (this.crashOnce && lastChange) {
        this.crashOnce = false;
        return Promise.reject(new Error('injected crash'));
      }
      return super.recordOutcome(key, held, entry, merged, lastChange);
    }
  }
  crashing = new CrashingRegister(names.tables.register);
  stores = {
    registerRecord: (await import('../../shared/ingest/register-row.ts')).registerRecord,
    resolveReview: (await import('../../shared/ingest/resolve-review.ts')).resolveReview,
    migrateHistory: (await import('../../shared/store/history-migration.ts')).migrateHistory,
    documents: (await import('../../shared/aws/dynamodb.ts')).documents,
  };
}, 60_000);
afterAll(async () => emulators?.stop());

const origin = (batchId: string, row: number) => ({
  batchId,
  row,
  agencyCode: 'CA-PLEIKU',
  uploadedBy: 'sub-clerk',
});
const landed = async (key: string) => {
  const person = await register.getPerson(key);
  return person ? landedChanges(key, await history.list(key), person) : [];
};

describe('a person’s history on the emulator', () => {
  const person: PopulationRecord = { ...PERSON, personalId: '064090111222', fatherName: 'Lê Văn Tâm' };
  const key = keyOf(person);
  const row = (record: PopulationRecord, batchId: string, n: number, store: Register = register) =>
    stores.registerRecord({ row: n, personKey: key, record }, origin(batchId, n), store, history);

  it('records a new person and its update in order, completes a crashed update, and expires them', async () => {
    const before = Math.floor(Date.now() / 1000);
    await row(person, 'b1', 1);
    (crashing as { crashOnce: boolean }).crashOnce = true;
    const moved = { ...person, currentAddress: 'Phường Hội Thương, Pleiku' };
    await expect(row(moved, 'b1', 2, crashing)).rejects.toThrow('injected');
    expect((await landed(key)).map((change) => change.change)).toEqual(['b1#1']);
    expect(await row(moved, 'b1', 2, crashing)).toMatchObject({ outcome: 'updated' });
    const changes = await landed(key);
    expect(changes.map((change) => [change.version, change.outcome, change.by.id])).toEqual([
      [1, 'created', 'sub-clerk'],
      [2, 'updated', 'sub-clerk'],
    ]);
    expect(changes[1]?.changes).toEqual({
      currentAddress: { from: person.currentAddress, to: moved.currentAddress },
    });
    // the creation derived from the person as the register table gives it back: when, the row, the record as created
    const stored = await register.getPerson(key);
    expect(stored?.creation).toEqual({ at: changes[0]?.at, by: 'sub-clerk', why: 'new' });
    expect(changes[0]).toMatchObject({ batchId: 'b1', row: 1, agencyCode: 'CA-PLEIKU', why: 'new' });
    expect(changes[0]?.changes).toEqual(
      Object.fromEntries(Object.entries(person).map(([field, value]) => [field, { to: value }])),
    );
    // the retry put nothing twice, and the creation put nothing: one item, the update's
    expect((await history.list(key)).map((item) => item.sk)).toEqual(['00000002#b1#2']);
    const { Item } = await stores.documents.send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({
        TableName: names.tables.history,
        Key: { pk: key, sk: '00000002#b1#2' },
      }),
    );
    expect(Item?.expiresAt).toBeGreaterThanOrEqual(before + DAYS * 86_400);
    expect(Item?.expiresAt).toBeLessThan(before + DAYS * 86_400 + 120);
  });

  it('records a reviewer’s merge on both persons, with who decided it', async () => {
    const held: PopulationRecord = { ...PERSON, fatherName: 'Nguyễn Văn Sơn', motherName: 'Trần Thị Lan' };
    const twin: PopulationRecord = { ...held, fullName: 'Nguyễn Văn Hưng', phone: '0912345678' };
    const batchId = 'Rv7Q2mZ0aL9cT4vY8nW3sE';
    for (const [i, record] of [held, twin].entries())
      await stores.registerRecord(
        { row: i + 1, personKey: keyOf(record), record },
        origin(batchId, i + 1),
        register,
        history,
        true,
      );
    const by = { by: { kind: 'person' as const, id: 'sub-reviewer' }, request: 'req-9' };
    const result = await stores.resolveReview(
      register as never,
      history,
      'CA-PLEIKU',
      `${batchId}.2`,
      'merge',
      by,
    );
    expect(result.status).toBe('resolved');
    expect((await landed(keyOf(held))).map((change) => change.outcome)).toEqual(['created', 'merged']);
    expect((await landed(keyOf(twin))).map((change) => change.outcome)).toEqual(['created', 'merged_into']);
    expect((await landed(keyOf(held)))[1]).toMatchObject({ request: 'req-9', by: by.by });
  });
});

describe('npm run history -- migrate, and npm run history -- KEY', () => {
  it('moves the register’s history items once, keeps them first, and prints them', async () => {
    const person: PopulationRecord = { ...PERSON, personalId: '064090333444' };
    const key = keyOf(person);
    await stores.registerRecord(
      { row: 1, personKey: key, record: person },
      origin('b5', 1),
      register,
      history,
    );
    // an update's item as issue 5 wrote it in the register
    const old = {
      ...registerKeys.history(key, { batchId: 'b0', row: 9 }),
      batchId: 'b0',
      row: 9,
      agencyCode: 'CA-PLEIKU',
      changes: { phone: { from: '0900000000', to: '0912345678' } },
      at: '2026-11-30T01:02:03.000Z',
    };
    await stores.documents.send(new PutCommand({ TableName: names.tables.register, Item: old }));

    // and one under a key from before issue 16: left for the re-key, which seals it first
    const legacy = { ...old, ...registerKeys.history('id:064090333444', { batchId: 'b0', row: 9 }) };
    await stores.documents.send(new PutCommand({ TableName: names.tables.register, Item: legacy }));

    const first = await stores.migrateHistory(names.tables.register, history as never);
    expect(first).toEqual({ found: 2, moved: 1, already: 0, deleted: 1, legacy: 1 });
    const again = await stores.migrateHistory(names.tables.register, history as never);
    expect(again).toEqual({ found: 1, moved: 0, already: 0, deleted: 0, legacy: 1 });
    const changes = await landed(key);
    expect(changes.map((change) => [change.version, change.outcome, change.migrated ?? false])).toEqual([
      [0, 'updated', true],
      [1, 'created', false],
    ]);
    expect(changes[0]).toMatchObject({ batchId: 'b0', row: 9, at: old.at, changes: old.changes });

    const out: string[] = [];
    const line = parseHistoryCommand([key]);
    if (line?.kind !== 'print') throw new Error('not a print');
    expect(
      await runHistory(line, { register, history }, { out: (t) => out.push(t), err: () => undefined }),
    ).toBe(0);
    expect(out[0]).toBe(`${key}: 2 changes`);
    expect(out.join('\n')).toContain('phone: 0900000000 → 0912345678');
    const masked: string[] = [];
    const as = parseHistoryCommand([key, '--as', 'CA-KONTUM']);
    if (as?.kind !== 'print') throw new Error('not a print');
    expect(
      await runHistory(as, { register, history }, { out: () => undefined, err: (t) => masked.push(t) }),
    ).toBe(1);
  });
});
