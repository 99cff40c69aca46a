// A row against the register, on the in-memory store, with and without record linkage: a form already applied to
// the person is a duplicate of it whatever has changed since (issue 21), and every outcome other than `new` says
// why and what it was compared with, the same on a redelivery.
import { describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { registerRecord } from '../../shared/ingest/register-row.ts';
import { resolveReview } from '../../shared/ingest/resolve-review.ts';
import type { ChunkEntry } from '../../shared/ingest/types.ts';
import { historyOf, REVIEWER } from '../fakes/history.ts';
import { keyOf, testKeyer } from '../fakes/keyer.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { PERSON } from '../fixtures/person.ts';

const withId: PopulationRecord = { ...PERSON, personalId: '064090123456', motherName: 'Trần Thị Lan' };
const moved: PopulationRecord = { ...withId, currentAddress: 'Xã Ia Kha, Huyện Ia Grai, Gia Lai' };
const withPhone: PopulationRecord = { ...withId, phone: '0912345678' };
const otherName: PopulationRecord = { ...withId, fullName: 'Trần Văn Bình' };

const origin = (batchId: string, row: number) => ({ batchId, row, agencyCode: 'CA-PLEIKU' });

async function upload(register: MemoryRegister, batchId: string, rows: PopulationRecord[], linkage: boolean) {
  const results = [];
  for (const [i, record] of rows.entries()) {
    const entry: ChunkEntry = { row: i + 1, personKey: keyOf(record), record };
    results.push(await registerRecord(entry, origin(batchId, i + 1), register, historyOf(register), linkage));
  }
  return results;
}

describe.each([
  ['exact keys', false],
  ['record linkage', true],
])('a new person (%s)', (_, linkage) => {
  it('is one write: no history item, its creation’s when, who and outcome kept on the person', async () => {
    const register = new MemoryRegister();
    const from = { ...origin('b1', 1), uploadedBy: 'sub-clerk' };
    const before = new Date().toISOString();
    const entry: ChunkEntry = { row: 1, personKey: keyOf(withId), record: withId };
    expect(await registerRecord(entry, from, register, historyOf(register), linkage)).toMatchObject({
      outcome: 'new',
    });
    expect(await registerRecord(entry, from, register, historyOf(register), linkage)).toMatchObject({
      outcome: 'new', // redelivered: decided as before, and nothing to complete
    });
    expect(historyOf(register).puts).toBe(0);
    const person = register.persons.get(keyOf(withId));
    expect(person).toMatchObject({
      lastChange: '00000001#b1#1',
      creation: { by: 'sub-clerk', why: 'new' },
    });
    expect(`${person?.creation?.at}` >= before).toBe(true);
    // an update puts its own item, and a row of an older batch (no uploader) is created by nobody named
    const stranger: PopulationRecord = {
      ...withId,
      fullName: 'Lò Thị Mai',
      dateOfBirth: '1975-02-03',
      personalId: '064090777666',
    };
    expect((await upload(register, 'b2', [moved, stranger], linkage)).map((r) => r.outcome)).toEqual([
      'updated',
      'new',
    ]);
    expect(historyOf(register).puts).toBe(1);
    expect(register.persons.get(keyOf(stranger))?.creation).toMatchObject({ why: 'new' });
    expect(register.persons.get(keyOf(stranger))?.creation).not.toHaveProperty('by');
  });
});

describe.each([
  ['exact keys', false],
  ['record linkage', true],
])('the same forms again (%s)', (_, linkage) => {
  it('a file whose second form updates the person, uploaded again: both rows duplicates, nothing written', async () => {
    const register = new MemoryRegister();
    const first = await upload(register, 'b1', [withId, moved], linkage);
    expect(first.map((r) => r.outcome)).toEqual(['new', 'updated']);
    const before = structuredClone(register.persons.get(keyOf(withId)));
    const history = historyOf(register).items.size;

    const again = await upload(register, 'b2', [withId, moved], linkage);

    expect(again).toEqual([
      {
        outcome: 'duplicate',
        personKey: keyOf(withId),
        note: { code: 'SAME_FORM', against: { batchId: 'b1', row: 1 } },
      },
      {
        outcome: 'duplicate',
        personKey: keyOf(withId),
        note: { code: 'SAME_FORM', against: { batchId: 'b1', row: 2 } },
      },
    ]);
    // the person keeps the newer address, its version and its entries: the second upload wrote nothing
    expect(register.persons.get(keyOf(withId))).toEqual(before);
    expect(before?.record.currentAddress).toBe(moved.currentAddress);
    expect(historyOf(register).items.size).toBe(history);
  });

  it('two identical rows in one file: the second is a duplicate of the first', async () => {
    const register = new MemoryRegister();
    const [, second] = await upload(register, 'b1', [withId, { ...withId, formId: 'DC01-2' }], linkage);
    expect(second).toEqual({
      outcome: 'duplicate',
      personKey: keyOf(withId),
      note: { code: 'SAME_FORM', against: { batchId: 'b1', row: 1 } },
    });
  });

  it('an update names the fields it changed and the form it is compared with; a redelivery says the same', async () => {
    const register = new MemoryRegister();
    const [, updated] = await upload(register, 'b1', [withId, withPhone], linkage);
    const note = { code: 'FIELDS_UPDATED', fields: ['phone'], against: { batchId: 'b1', row: 1 } };
    expect(updated).toEqual({ outcome: 'updated', personKey: keyOf(withId), note });
    const redelivered = await registerRecord(
      { row: 2, personKey: keyOf(withPhone), record: withPhone },
      origin('b1', 2),
      register,
      historyOf(register),
      linkage,
    );
    expect(redelivered).toEqual(updated);
    // a later update is compared with the form that made the record what it is now
    const [, , third] = await upload(
      register,
      'b2',
      [withId, withPhone, { ...withPhone, email: 'a@b.vn' }],
      linkage,
    );
    expect(third?.note).toEqual({
      code: 'FIELDS_UPDATED',
      fields: ['email'],
      against: { batchId: 'b1', row: 2 },
    });
  });

  it('a form that adds nothing, though not the same form, is compared with the record as held', async () => {
    const register = new MemoryRegister();
    const [, second] = await upload(register, 'b1', [withPhone, withId], linkage);
    expect(second).toEqual({
      outcome: 'duplicate',
      personKey: keyOf(withId),
      note: { code: 'NOTHING_NEW', against: { batchId: 'b1', row: 1 } },
    });
    expect(register.persons.get(keyOf(withId))?.record.phone).toBe(withPhone.phone);
  });

  it('a conflict names the identity fields and the form the person was created from; again, it is that form', async () => {
    const register = new MemoryRegister();
    const [, conflict] = await upload(register, 'b1', [withId, otherName], linkage);
    const note = { code: 'IDENTITY_CONFLICT', fields: ['fullName'], against: { batchId: 'b1', row: 1 } };
    expect(conflict).toEqual({ outcome: 'conflict', personKey: keyOf(withId), note });
    expect(register.persons.get(keyOf(withId))?.record.fullName).toBe(withId.fullName);
    const redelivered = await registerRecord(
      { row: 2, personKey: keyOf(otherName), record: otherName },
      origin('b1', 2),
      register,
      historyOf(register),
      linkage,
    );
    expect(redelivered).toEqual(conflict);
    const [, again] = await upload(register, 'b2', [withId, otherName], linkage);
    expect(again).toEqual({
      outcome: 'duplicate',
      personKey: keyOf(withId),
      note: { code: 'SAME_CONFLICT', against: { batchId: 'b1', row: 2 } },
    });
    // kept for correction once, not twice
    expect(register.conflicts).toEqual([`${keyOf(withId)} b1#2`]);
  });

  it('puts a conflict on the uploading agency’s list, with the key of the form without its ID', async () => {
    const register = new MemoryRegister();
    await upload(register, 'b1', [withId], linkage);
    const entry: ChunkEntry = { row: 2, personKey: keyOf(otherName), record: otherName };
    const from = { ...origin('b1', 2), uploadedBy: 'clerk-1' };
    await registerRecord(entry, from, register, historyOf(register), linkage, testKeyer);
    const { personalId: _id, ...apart } = otherName;
    expect(await register.getConflict('CA-PLEIKU', 'b1.2')).toMatchObject({
      id: 'b1.2',
      personKey: keyOf(withId),
      incoming: otherName,
      differing: ['fullName'],
      apartKey: keyOf(apart),
      uploadedBy: 'clerk-1',
      status: 'open',
    });
    // a decided conflict stays decided when its row comes again
    await register.decideConflict('CA-PLEIKU', 'b1.2', {
      decision: 'keep',
      by: 'r',
      byKind: 'person',
      at: 'now',
      request: 'q',
    });
    register.persons.get(keyOf(withId))?.applied.pop();
    await registerRecord(entry, from, register, historyOf(register), linkage, testKeyer);
    expect((await register.getConflict('CA-PLEIKU', 'b1.2'))?.status).toBe('decided');
  });
});

describe('a merged person’s form again', () => {
  it('joins the person it was merged into, as a duplicate of the form that made it', async () => {
    const held: PopulationRecord = { ...PERSON, fatherName: 'Nguyễn Văn Sơn', motherName: 'Trần Thị Lan' };
    const twin: PopulationRecord = { ...held, fullName: 'Nguyễn Văn Hưng' };
    const register = new MemoryRegister();
    const [, probable] = await upload(register, 'b1', [held, twin], true);
    expect(probable?.outcome).toBe('probable_duplicate');
    await resolveReview(register, historyOf(register), 'CA-PLEIKU', 'b1.2', 'merge', REVIEWER);
    const before = structuredClone(register.persons.get(keyOf(held)));
    const [again] = await upload(register, 'b2', [twin], true);
    expect(again).toEqual({
      outcome: 'duplicate',
      personKey: keyOf(held),
      link: { personKey: keyOf(held) },
      note: { code: 'SAME_FORM', against: { batchId: 'b1', row: 2 } },
    });
    expect(register.persons.get(keyOf(held))).toEqual(before);
  });
});
