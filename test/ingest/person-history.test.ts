// Every change to a person and its history item (issue 19, docs/data-model.md "A change and its history item"): a
// row's new person (derived when read: no item) and its update, a reviewer's merge and keep-apart, a link pass's
// merge, each with who, why and where from; and a crash between the two writes of each, after which the retry
// completes what is missing and the history shows exactly the changes that landed.
import { describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { historyView } from '../../shared/ingest/history-view.ts';
import { creationChange, creationKey, landedChanges } from '../../shared/ingest/person-history.ts';
import { registerRecord } from '../../shared/ingest/register-row.ts';
import { type Decision, mergePerson, resolveReview } from '../../shared/ingest/resolve-review.ts';
import { historyKeys } from '../../shared/keys.ts';
import type { RowOrigin } from '../../shared/model/register.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { keyOf } from '../fakes/keyer.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { PERSON } from '../fixtures/person.ts';

const withId: PopulationRecord = { ...PERSON, personalId: '064090123456', motherName: 'Trần Thị Lan' };
const moved: PopulationRecord = { ...withId, currentAddress: 'Xã Ia Kha, Huyện Ia Grai, Gia Lai' };
const withPhone: PopulationRecord = { ...moved, phone: '0912345678' };
const KEY = keyOf(withId);

const origin = (batchId: string, row: number, agencyCode = 'CA-PLEIKU'): RowOrigin => ({
  batchId,
  row,
  agencyCode,
  uploadedBy: `uploader-of-${agencyCode}`,
});

function world() {
  const register = new MemoryRegister();
  const history = new MemoryHistory();
  const row = (record: PopulationRecord, from: RowOrigin, linkage = false) =>
    registerRecord({ row: from.row, personKey: keyOf(record), record }, from, register, history, linkage);
  /** the changes that landed on a person, oldest first */
  const landed = async (key = KEY) => {
    const person = register.persons.get(key);
    return person ? landedChanges(key, await history.list(key), person) : [];
  };
  return { register, history, row, landed };
}

describe("a form's changes", () => {
  it('a new person: every field it was created with, by the batch’s uploader, derived from the person', async () => {
    const { register, history, row, landed } = world();
    const before = new Date().toISOString();
    await row(withId, origin('b1', 1));
    expect(history.items.size).toBe(0); // one write: the person, no history item
    const [created, ...rest] = await landed();
    expect(rest).toEqual([]);
    expect(created?.at).toBe(register.persons.get(KEY)?.creation?.at);
    expect(`${created?.at}` >= before && `${created?.at}` <= new Date().toISOString()).toBe(true);
    expect(created).toMatchObject({
      version: 1,
      change: 'b1#1',
      outcome: 'created',
      why: 'new',
      batchId: 'b1',
      row: 1,
      agencyCode: 'CA-PLEIKU',
      by: { kind: 'uploader', id: 'uploader-of-CA-PLEIKU' },
    });
    expect(created?.changes).toEqual(
      Object.fromEntries(Object.entries(withId).map(([field, value]) => [field, { to: value }])),
    );
    expect(register.persons.get(KEY)?.lastChange).toBe('00000001#b1#1');
  });

  it('an update: each changed field from and to, after the creation; a duplicate writes none', async () => {
    const { history, row, landed } = world();
    await row(withId, origin('b1', 1));
    await row(moved, origin('b1', 2));
    await row(moved, origin('b2', 1)); // the same form again
    const changes = await landed();
    expect(changes.map((change) => [change.version, change.change, change.outcome])).toEqual([
      [1, 'b1#1', 'created'],
      [2, 'b1#2', 'updated'],
    ]);
    expect(changes[1]?.changes).toEqual({
      currentAddress: { from: withId.currentAddress, to: moved.currentAddress },
    });
    expect(changes[1]?.prev).toBe('00000001#b1#1');
    expect(history.items.size).toBe(1); // the update's alone
  });

  it('a creation updated twice: its fields as created, each taken back through the changes since', async () => {
    const { register, history, row, landed } = world();
    const movedAgain: PopulationRecord = { ...withPhone, currentAddress: 'Phường Hội Thương, Pleiku' };
    await row(withId, origin('b1', 1, 'CA-KONTUM'));
    await row(moved, origin('b2', 5)); // currentAddress
    await row(movedAgain, origin('b3', 7)); // currentAddress again, and a phone where there was none
    expect(register.persons.get(KEY)?.record).toEqual(movedAgain);
    const changes = await landed();
    expect(changes.map((change) => `${change.version} ${change.outcome} ${change.change}`)).toEqual([
      '1 created b1#1',
      '2 updated b2#5',
      '3 updated b3#7',
    ]);
    const [created] = changes;
    // the original address (not the first update's), and no phone
    expect(created?.changes).toEqual(
      Object.fromEntries(Object.entries(withId).map(([field, value]) => [field, { to: value }])),
    );
    expect(created).toMatchObject({
      batchId: 'b1',
      row: 1,
      agencyCode: 'CA-KONTUM',
      why: 'new',
      by: { kind: 'uploader', id: 'uploader-of-CA-KONTUM' },
      at: register.persons.get(KEY)?.creation?.at,
    });
    expect(created).not.toHaveProperty('prev');
    expect(history.of(KEY)).toEqual(['00000002#b2#5 updated', '00000003#b3#7 updated']);
  });

  it('a person created with its creation’s item (before it was derived) reads the item', async () => {
    const { register, history, row, landed } = world();
    const first = origin('b0', 3);
    // as a row stored a new person then: its creation put as an item, nothing kept on the person to derive it
    await register.createPerson(KEY, withId, first, 'b0#3:new', { lastChange: creationKey(KEY, first) });
    await history.put({ ...creationChange(KEY, first, withId, 'new'), why: 'as put' });
    await row(moved, origin('b1', 2));
    const changes = await landed();
    expect(changes.map((change) => [change.version, change.outcome, change.why])).toEqual([
      [1, 'created', 'as put'],
      [2, 'updated', 'updated'],
    ]);
    expect(changes[0]?.at).toBe(history.items.get(`${KEY} 00000001#b0#3`)?.at);
    // without the item, and nothing to derive it from: the chain stops there, as for a birth's not yet put
    history.items.delete(`${KEY} 00000001#b0#3`);
    expect((await landed()).map((change) => change.change)).toEqual(['b1#2']);
  });

  it('with linkage: a joined row’s update on the person it joined, the same', async () => {
    const { row, landed } = world();
    await row(withId, origin('b1', 1), true);
    await row(withPhone, origin('b1', 2), true);
    expect((await landed()).map((change) => change.outcome)).toEqual(['created', 'updated']);
  });
});

describe('a crash between a change and its history item', () => {
  it('a new person is one write: a history table that fails every put does not touch it', async () => {
    const { history, row, landed } = world();
    for (const linkage of [false, true]) {
      history.crashOnPut = true; // a put would throw
      const record = linkage ? { ...withId, personalId: '064090999888' } : withId;
      expect(await row(record, origin('b1', linkage ? 2 : 1), linkage)).toMatchObject({ outcome: 'new' });
      expect(history.crashOnPut).toBe(true);
      expect((await landed(keyOf(record))).map((change) => change.outcome)).toEqual(['created']);
    }
  });

  it('a crash before the person is stored: nothing shown; the redelivery creates it, its creation once', async () => {
    const { register, row, landed } = world();
    register.crashOnCreate = true;
    await expect(row(withId, origin('b1', 1), true)).rejects.toThrow('injected');
    expect(await landed()).toEqual([]);
    expect(await row(withId, origin('b1', 1), true)).toMatchObject({ outcome: 'new' });
    expect(await row(withId, origin('b1', 1), true)).toMatchObject({ outcome: 'new' }); // and again
    expect((await landed()).map((change) => change.change)).toEqual(['b1#1']);
  });

  it('an update’s item put, its change not: not shown; the retry lands the change under the same item', async () => {
    const { register, history, row, landed } = world();
    await row(withId, origin('b1', 1));
    register.crashOnChange = true;
    await expect(row(moved, origin('b1', 2))).rejects.toThrow('injected');
    expect(history.items.size).toBe(1); // the item is there ...
    expect((await landed()).map((change) => change.change)).toEqual(['b1#1']); // ... and not shown
    expect(await row(moved, origin('b1', 2))).toMatchObject({ outcome: 'updated' });
    expect((await landed()).map((change) => change.change)).toEqual(['b1#1', 'b1#2']);
    expect(history.repeats).toBe(1); // the retry found its item: one item, one change
    expect(history.items.size).toBe(1);
  });

  it('another row changed the person before the retry: the first item stays unreached, the retry records anew', async () => {
    const { register, row, landed } = world();
    await row(withId, origin('b1', 1));
    register.crashOnChange = true;
    await expect(row(moved, origin('b1', 2))).rejects.toThrow('injected');
    await row({ ...withId, phone: '0912345678' }, origin('b2', 1));
    await row(moved, origin('b1', 2));
    const changes = await landed();
    expect(changes.map((change) => `${change.version} ${change.change}`)).toEqual([
      '1 b1#1',
      '2 b2#1',
      '3 b1#2',
    ]);
    // what the retry recorded is what it changed on the person as it then was
    expect(changes[2]?.changes).toEqual({
      currentAddress: { from: withId.currentAddress, to: moved.currentAddress },
    });
    expect(register.persons.get(KEY)?.version).toBe(3);
    // the unreached item's change is not taken back: the creation as it was
    expect(changes[0]?.changes.phone).toBeUndefined();
    expect(changes[0]?.changes.currentAddress).toEqual({ to: withId.currentAddress });
  });
});

describe("a reviewer's and a link pass's changes", () => {
  const held: PopulationRecord = { ...PERSON, fatherName: 'Nguyễn Văn Sơn', motherName: 'Trần Thị Lan' };
  const twin: PopulationRecord = { ...held, fullName: 'Nguyễn Văn Hưng', phone: '0912345678' };
  const reviewer = { by: { kind: 'person' as const, id: 'sub-reviewer' }, request: 'req-1' };

  async function reviewed() {
    const w = world();
    await w.row(held, origin('b1', 1), true);
    const [result] = [await w.row(twin, origin('b1', 2), true)];
    expect(result?.outcome).toBe('probable_duplicate');
    return w;
  }

  it('a merge, crashed before each of its two writes: both persons’ changes, once each, by the reviewer', async () => {
    const { register, history, landed } = await reviewed();
    register.crashOnChange = true; // before the person merged into is written
    await expect(resolveReview(register, history, 'CA-PLEIKU', 'b1.2', 'merge', reviewer)).rejects.toThrow();
    register.crashOnChange = true; // before the merged person points there
    await expect(resolveReview(register, history, 'CA-PLEIKU', 'b1.2', 'merge', reviewer)).rejects.toThrow();
    expect((await resolveReview(register, history, 'CA-PLEIKU', 'b1.2', 'merge', reviewer)).status).toBe(
      'resolved',
    );

    const into = await landed(keyOf(held));
    expect(into.map((change) => change.outcome)).toEqual(['created', 'merged']);
    // the person merged into, as created: without the phone the merge brought
    expect(into[0]?.changes).toEqual(
      Object.fromEntries(Object.entries(held).map(([field, value]) => [field, { to: value }])),
    );
    expect(into[1]).toMatchObject({
      why: 'review',
      reviewId: 'b1.2',
      request: 'req-1',
      other: keyOf(twin),
      by: { kind: 'person', id: 'sub-reviewer' },
      changes: { phone: { to: twin.phone } },
    });
    const from = await landed(keyOf(twin));
    expect(from.map((change) => change.outcome)).toEqual(['created', 'merged_into']);
    expect(from[0]).toMatchObject({ why: 'probable_duplicate', batchId: 'b1', row: 2 });
    expect(Object.keys(from[0]?.changes ?? {})).not.toContain('mergedInto');
    expect(from[1]?.changes).toEqual({ mergedInto: { to: keyOf(held) } });
    expect(register.persons.get(keyOf(twin))?.mergedInto).toBe(keyOf(held));
  });

  it('a keep-apart, crashed once: each person records it once', async () => {
    const { register, history, landed } = await reviewed();
    register.crashOnChange = true;
    await expect(
      resolveReview(register, history, 'CA-PLEIKU', 'b1.2', 'keepApart', reviewer),
    ).rejects.toThrow();
    await resolveReview(register, history, 'CA-PLEIKU', 'b1.2', 'keepApart', reviewer);
    await resolveReview(register, history, 'CA-PLEIKU', 'b1.2', 'keepApart', reviewer); // repeated: a no-op
    for (const [key, other] of [
      [keyOf(held), keyOf(twin)],
      [keyOf(twin), keyOf(held)],
    ] as const) {
      const changes = await landed(key);
      expect(changes.map((change) => change.outcome)).toEqual(['created', 'kept_apart']);
      expect(changes[1]?.changes).toEqual({ keptApart: { to: other } });
    }
  });

  it('a link pass’s merge: made by the pass, with the merged person’s agency as the supplier of its values', async () => {
    const { register, history, row, landed } = world();
    await row(held, origin('b1', 1));
    await row(twin, origin('b9', 4, 'CA-KONTUM'));
    const pass: Decision = {
      by: { kind: 'link-pass', id: 'p7' },
      why: 'link-pass',
      source: { passId: 'p7' },
    };
    expect(
      await mergePerson(register, history, keyOf(twin), keyOf(held), `link#p7#${keyOf(twin)}`, pass),
    ).toBe(true);
    const [, merged] = await landed(keyOf(held));
    expect(merged).toMatchObject({
      outcome: 'merged',
      why: 'link-pass',
      passId: 'p7',
      agencyCode: 'CA-KONTUM',
      by: { kind: 'link-pass', id: 'p7' },
    });
  });
});

describe('the history as an agency reads it', () => {
  it('masks the values another agency supplied, and hides where its changes came from', async () => {
    const { register, row, landed } = world();
    await row(withId, origin('b1', 1, 'CA-KONTUM'));
    await row(moved, origin('b2', 3));
    await row({ ...moved, fullName: 'Nguyễn Văn Hùng', phone: '0912345678' }, origin('b2', 4));
    const changes = await landed();
    const [created, updated] = historyView(changes, 'CA-PLEIKU', register.persons.get(KEY)?.agencyCode) ?? [];
    expect(created).toMatchObject({ outcome: 'created', otherAgency: true });
    expect(created).not.toHaveProperty('batchId');
    expect(created).not.toHaveProperty('by');
    const field = (name: string) => created?.fields.find((f) => f.field === name);
    expect(field('fullName')).toEqual({ field: 'fullName', to: 'N*** V*** H***' });
    expect(field('dateOfBirth')).toEqual({ field: 'dateOfBirth', to: '1990-**-**' });
    expect(field('personalId')).toEqual({ field: 'personalId', to: '***' });
    // its own change in clear, but the value it replaced was another agency's
    expect(updated).toMatchObject({ outcome: 'updated', batchId: 'b2', row: 3, by: { kind: 'uploader' } });
    expect(updated?.fields).toEqual([{ field: 'currentAddress', from: '***', to: moved.currentAddress }]);
    // the agency that made a change reads it all; an agency that never touched the person reads nothing
    expect(historyView(changes, 'CA-KONTUM', 'CA-KONTUM')?.[0]?.fields).toContainEqual({
      field: 'fullName',
      to: withId.fullName,
    });
    expect(historyView(changes, 'CA-OTHER', 'CA-KONTUM')).toBeUndefined();
    // the operator's command reads every value as written
    expect(historyView(changes, undefined, 'CA-KONTUM')?.[1]?.fields[0]?.from).toBe(withId.currentAddress);
  });
});

describe('the row a change’s sort key names', () => {
  it('reads a row’s back, and no row from a review’s, a merge’s, an issuance’s or a migrated one', () => {
    expect(historyKeys.rowOf(historyKeys.change(KEY, 1, 'Rv7Q2mZ0aL9cT4vY8nW3sE#12').sk)).toEqual({
      batchId: 'Rv7Q2mZ0aL9cT4vY8nW3sE',
      row: 12,
    });
    for (const change of ['review#b1.2', `link#p7#${KEY}#3`, 'issue#42', 'issue#p7'])
      expect(historyKeys.rowOf(historyKeys.change(KEY, 1, change).sk)).toBeUndefined();
    const migrated = historyKeys.migrated(KEY, '2026-11-30T01:02:03.000Z', { batchId: 'b0', row: 9 });
    expect(historyKeys.rowOf(migrated.sk)).toBeUndefined();
  });
});
