// The register flow with record linkage, on an in-memory store: which person a row joins, what goes to review,
// and that a redelivered or half-done row decides the same.
import { describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { landedChanges } from '../../shared/ingest/person-history.ts';
import { registerRecord } from '../../shared/ingest/register-row.ts';
import { resolveReview } from '../../shared/ingest/resolve-review.ts';
import type { ChunkEntry } from '../../shared/ingest/types.ts';
import { filingKeys } from '../../shared/linkage/blocking.ts';
import { historyOf, REVIEWER } from '../fakes/history.ts';
import { keyOf } from '../fakes/keyer.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { PERSON } from '../fixtures/person.ts';

const held: PopulationRecord = { ...PERSON, fatherName: 'Nguyễn Văn Sơn', motherName: 'Trần Thị Lan' };
/** the same person, written without diacritics and a day/month swap, on a form with a new phone */
const noisy: PopulationRecord = {
  ...held,
  fullName: 'Nguyen Van Hung',
  dateOfBirth: '1990-12-03',
  phone: '0912345678',
};
/** a twin: same parents, birth date and places, a given name one letter off */
const twin: PopulationRecord = { ...held, fullName: 'Nguyễn Văn Hưng' };
const stranger: PopulationRecord = {
  ...held,
  fullName: 'Lê Thị Mai',
  sex: 'female',
  dateOfBirth: '1975-07-21',
  fatherName: 'Lê Văn Tâm',
  motherName: 'Phạm Thị Hoa',
};

const entry = (row: number, record: PopulationRecord): ChunkEntry => ({
  row,
  personKey: keyOf(record),
  record,
});
const origin = (row: number, batchId = 'b1') => ({ batchId, row, agencyCode: 'CA-PLEIKU' });

async function registered(register: MemoryRegister, rows: PopulationRecord[], batchId = 'b1') {
  const results = [];
  for (const [i, record] of rows.entries()) {
    results.push(
      await registerRecord(entry(i + 1, record), origin(i + 1, batchId), register, historyOf(register), true),
    );
  }
  return results;
}

describe('register with record linkage', () => {
  it('files a new person under its three keys, with one row entry', async () => {
    const register = new MemoryRegister();
    const [result] = await registered(register, [held]);
    expect(result).toEqual({ outcome: 'new', personKey: keyOf(held) });
    expect(register.calls.filingItems).toBe(filingKeys(held).length);
    expect(filingKeys(held)).toHaveLength(3);
    // the row, its outcome and the digest of its form
    expect(register.persons.get(keyOf(held))?.applied).toEqual([
      expect.stringMatching(/^b1#1:new~[\w-]{8}$/),
    ]);
  });

  it('joins a noisy copy to the held person: updated with what it adds, with the score', async () => {
    const register = new MemoryRegister();
    const [, joined] = await registered(register, [held, noisy]);
    expect(joined?.outcome).toBe('updated');
    expect(joined?.personKey).toBe(keyOf(held));
    expect(joined?.link?.personKey).toBe(keyOf(held));
    expect(joined?.link?.score).toBeGreaterThanOrEqual(14);
    const person = register.persons.get(keyOf(held));
    // the held name and date stay; the phone is news
    expect(person?.record.fullName).toBe(held.fullName);
    expect(person?.record.dateOfBirth).toBe(held.dateOfBirth);
    expect(person?.record.phone).toBe(noisy.phone);
    expect(register.persons.has(keyOf(noisy))).toBe(false);
  });

  it('reads three Queries for an ID-less record, new or joining a person as first stored: no GetItem', async () => {
    const register = new MemoryRegister();
    await registered(register, [held]);
    expect(register.calls).toMatchObject({ query: 3, getPerson: 0 });
    await registered(register, [noisy], 'b2');
    expect(register.calls).toMatchObject({ query: 6, getPerson: 0 });
    // the update's item alone, after the creation it names: a creation is derived when read, not put
    expect(historyOf(register).of(keyOf(held))).toEqual(['00000002#b2#1 updated']);
    expect((await historyOf(register).list(keyOf(held)))[0]?.prev).toBe('00000001#b1#1');
    // the same form again, under its own key: the blocking item's copy, no GetItem either
    const [again] = await registered(register, [held], 'b3');
    expect(again).toEqual({
      outcome: 'duplicate',
      personKey: keyOf(held),
      note: { code: 'SAME_FORM', against: { batchId: 'b1', row: 1 } },
    });
    expect(register.calls).toMatchObject({ query: 9, getPerson: 1 });
  });

  it('reads the person when it changed since it was filed; the stale copy’s history item is in no chain', async () => {
    const register = new MemoryRegister();
    await registered(register, [held, noisy]);
    expect(register.persons.get(keyOf(held))?.version).toBe(2);
    const reads = register.calls.getPerson;
    // a third copy with the phone the second one added: from the filed copy it would be an update
    const [third] = await registered(register, [{ ...noisy, fullName: 'Nguyễn Văn Hùng' }], 'b2');
    expect(third?.outcome).toBe('duplicate');
    expect(third?.personKey).toBe(keyOf(held));
    expect(register.calls.getPerson).toBe(reads + 1);
    expect(register.persons.get(keyOf(held))?.applied).toHaveLength(3);
    // the update tried from the filed copy put its item first; its write did not land, so no chain reaches it
    const person = register.persons.get(keyOf(held));
    if (!person) throw new Error('not held');
    const items = await historyOf(register).list(keyOf(held));
    expect(items.map((item) => item.sk)).toContain('00000002#b2#1');
    const changes = landedChanges(keyOf(held), items, person);
    expect(changes.map((change) => change.change)).toEqual(['b1#1', 'b1#2']);
    // the creation, derived: taken back through the landed update alone, so as the first row gave it
    expect(changes[0]?.changes).toEqual(
      Object.fromEntries(Object.entries(held).map(([field, value]) => [field, { to: value }])),
    );
  });

  it('does not write to a person a reviewer merged, though its filed copy is unchanged', async () => {
    const register = new MemoryRegister();
    const other: PopulationRecord = { ...stranger, fullName: 'Lê Thị Mai Anh' };
    await registered(register, [held, other]);
    expect(await register.markMerged(keyOf(held), keyOf(other), 1)).toBe(true);
    const [joined] = await registered(register, [noisy], 'b2');
    expect(joined?.personKey).toBe(keyOf(other));
    expect(register.persons.get(keyOf(held))?.applied).toEqual([expect.stringMatching(/^b1#1:new~/)]);
    expect(register.persons.get(keyOf(other))?.applied.at(-1)).toMatch(/^b2#1:updated/);
  });

  it('sends a twin to review: its own person, a review item with both records side by side', async () => {
    const register = new MemoryRegister();
    const [, second] = await registered(register, [held, twin]);
    expect(second?.outcome).toBe('probable_duplicate');
    expect(second?.personKey).toBe(keyOf(twin));
    expect(second?.link?.personKey).toBe(keyOf(held));
    expect(register.persons.has(keyOf(twin))).toBe(true);
    const review = register.reviews.get('CA-PLEIKU/b1.2');
    expect(review).toMatchObject({
      personKey: keyOf(twin),
      candidatePersonKey: keyOf(held),
      row: 2,
    });
    expect(review?.fields.find((f) => f.field === 'fullName')).toEqual({
      field: 'fullName',
      incoming: twin.fullName,
      held: held.fullName,
      level: 'givenTypo',
    });
    expect(second?.link?.review?.fields).toEqual(review?.fields);
  });

  it("shows another agency's person to the reviewer only by initials, year and levels", async () => {
    const register = new MemoryRegister();
    await registerRecord(
      entry(1, held),
      { ...origin(1), agencyCode: 'CA-KONTUM' },
      register,
      historyOf(register),
      true,
    );
    await registerRecord(entry(2, twin), origin(2), register, historyOf(register), true);
    const fields = register.reviews.get('CA-PLEIKU/b1.2')?.fields ?? [];
    const byField = new Map(fields.map((f) => [f.field, f]));
    expect(byField.get('fullName')).toEqual({
      field: 'fullName',
      incoming: twin.fullName,
      held: 'N*** V*** H***',
      level: 'givenTypo',
    });
    expect(byField.get('dateOfBirth')?.held).toBe('1990-**-**');
    expect(byField.get('birthRegistrationPlace')?.held).toBe('***');
    expect(byField.get('birthRegistrationPlace')?.incoming).toBe(twin.birthRegistrationPlace);
  });

  it('keeps a stranger apart', async () => {
    const register = new MemoryRegister();
    const [, other] = await registered(register, [held, stranger]);
    expect(other).toEqual({ outcome: 'new', personKey: keyOf(stranger) });
  });

  it('links a record with an ID to the ID-less person, and the next form with that ID goes straight there', async () => {
    const register = new MemoryRegister();
    const withId = { ...noisy, personalId: '064090123456' };
    const [, joined] = await registered(register, [held, withId]);
    expect(joined?.personKey).toBe(keyOf(held));
    expect(register.persons.get(keyOf(held))?.record.personalId).toBe('064090123456');
    expect(register.persons.get(keyOf(withId))?.mergedInto).toBe(keyOf(held));
    const queries = register.calls.query;
    const [again] = await registered(register, [withId], 'b2');
    expect(again).toMatchObject({ outcome: 'duplicate', personKey: keyOf(held) });
    expect(register.calls.query).toBe(queries);
  });

  it('gives a redelivered chunk the same outcomes, person keys and links, and writes no row twice', async () => {
    const register = new MemoryRegister();
    const rows = [held, noisy, twin, stranger, { ...noisy, personalId: '064090123456' }];
    const first = await registered(register, rows);
    const persons = JSON.stringify([...register.persons.entries()]);
    const again = await registered(register, rows);
    expect(again).toEqual(first);
    expect(JSON.stringify([...register.persons.entries()])).toBe(persons);
    expect(first.map((r) => r.outcome)).toEqual(['new', 'updated', 'probable_duplicate', 'new', 'updated']);
  });

  it('decides the same after a crash between the blocking items and the person', async () => {
    const register = new MemoryRegister();
    await registered(register, [held]);
    register.crashOnCreate = true;
    await expect(
      registerRecord(entry(2, twin), origin(2), register, historyOf(register), true),
    ).rejects.toThrow('injected');
    const retried = await registerRecord(entry(2, twin), origin(2), register, historyOf(register), true);
    expect(retried.outcome).toBe('probable_duplicate');
    expect(register.reviews.size).toBe(1);
  });

  it('keeps the exact-key semantics: the same form again is a duplicate of its person', async () => {
    const register = new MemoryRegister();
    const [, second] = await registered(register, [held, held]);
    expect(second).toEqual({
      outcome: 'duplicate',
      personKey: keyOf(held),
      note: { code: 'SAME_FORM', against: { batchId: 'b1', row: 1 } },
    });
  });
});

describe('resolving a review item', () => {
  it('merge: the reviewed person points to the candidate, and its later rows join the candidate', async () => {
    const register = new MemoryRegister();
    await registered(register, [held, twin]);
    const result = await resolveReview(register, historyOf(register), 'CA-PLEIKU', 'b1.2', 'merge', REVIEWER);
    expect(result.status).toBe('resolved');
    expect(register.persons.get(keyOf(twin))?.mergedInto).toBe(keyOf(held));
    expect(register.persons.get(keyOf(held))?.applied).toContain('review#b1.2:merged');
    // a redelivery of the reviewed row still reports what was decided then
    const [redelivered] = await registered(register, [held, twin]).then((r) => r.slice(1));
    expect(redelivered).toMatchObject({ outcome: 'probable_duplicate', personKey: keyOf(twin) });
    const [later] = await registered(register, [twin], 'b2');
    expect(later?.personKey).toBe(keyOf(held));
    expect(later?.outcome).toBe('duplicate');
    // repeating the same resolution changes nothing; the other one is refused
    expect(
      (await resolveReview(register, historyOf(register), 'CA-PLEIKU', 'b1.2', 'merge', REVIEWER)).status,
    ).toBe('resolved');
    expect(
      (await resolveReview(register, historyOf(register), 'CA-PLEIKU', 'b1.2', 'keepApart', REVIEWER)).status,
    ).toBe('alreadyResolved');
  });

  it('keepApart: both persons remember it; another agency cannot see or resolve the item', async () => {
    const register = new MemoryRegister();
    await registered(register, [held, twin]);
    expect(
      (await resolveReview(register, historyOf(register), 'CA-OTHER', 'b1.2', 'keepApart', REVIEWER)).status,
    ).toBe('notFound');
    await resolveReview(register, historyOf(register), 'CA-PLEIKU', 'b1.2', 'keepApart', REVIEWER);
    expect(register.persons.get(keyOf(twin))?.keptApart).toEqual([keyOf(held)]);
    expect(register.persons.get(keyOf(held))?.keptApart).toEqual([keyOf(twin)]);
  });
});
