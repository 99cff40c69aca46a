// A correction row against the register (issue 19): applied on the version read with its history item first; a
// redelivered row decides the same and writes nothing twice; a crash between the item and the record is completed by
// the retry; a DC01 row and a correction of the same person at the same time end in one order, both in the history.
import { beforeEach, describe, expect, it } from 'vitest';
import type { CorrectionLine } from '../../shared/corrections/correction.ts';
import { readCorrectionValues } from '../../shared/corrections/correction-values.ts';
import type { FieldName } from '../../shared/domain/fields.ts';
import { creationKey, landedChanges } from '../../shared/ingest/person-history.ts';
import { registerCorrection, registerCorrections } from '../../shared/ingest/register-correction.ts';
import { registerRecord } from '../../shared/ingest/register-row.ts';
import { personKeys } from '../../shared/keys.ts';
import { MemoryCorrections } from '../fakes/corrections.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { testKeyer } from '../fakes/keyer.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { PERSON } from '../fixtures/person.ts';

const HELD = { ...PERSON, personalId: '064090001234', phone: '0905123456' };
const KEY = testKeyer.seal(personKeys.identityById(HELD.personalId));
const ORIGIN = { batchId: 'corrections1', agencyCode: 'CA-PLEIKU', uploadedBy: 'clerk-1' };

let register: MemoryRegister;
let history: MemoryHistory;
let corrections: MemoryCorrections;
const stores = () => ({ register, history, corrections });

function line(row: number, field: FieldName, oldValue: string, newValue: string): CorrectionLine {
  const read = readCorrectionValues({ field, oldValue, newValue }, { today: '2026-12-08' });
  if (!read.ok) throw new Error(`a valid correction: ${read.issue.code}`);
  return {
    row,
    field,
    values: read.values,
    reason: 'collection_error',
    evidenceRef: `QD-${row}`,
    identity: personKeys.identityById(HELD.personalId),
  };
}
const correct = (l: CorrectionLine) =>
  registerCorrection(l, KEY, { ...ORIGIN, row: l.row }, stores(), testKeyer);
const held = async () => (await register.getPerson(KEY))?.record;
const chain = async () => {
  const person = await register.getPerson(KEY);
  if (!person) throw new Error('held');
  return landedChanges(KEY, await history.list(KEY), person);
};

beforeEach(async () => {
  register = new MemoryRegister();
  history = new MemoryHistory();
  corrections = new MemoryCorrections();
  const first = { batchId: 'first', row: 1, agencyCode: 'CA-PLEIKU' };
  // as the register creates a DC01 row's person: its creation is read back from the record and the changes since
  await register.createPerson(KEY, HELD, first, 'new', { lastChange: creationKey(KEY, first), why: 'new' });
});

describe('a correction row', () => {
  it('applies a field at once: the record, an entry for its row, and a history item saying why', async () => {
    const result = await correct(line(1, 'phone', '0905 123 456', '+84 912 345 678'));
    expect(result).toMatchObject({ outcome: 'applied', personKey: KEY });
    expect((await held())?.phone).toBe('0912345678');
    expect(await chain()).toEqual([
      expect.objectContaining({ outcome: 'created' }),
      expect.objectContaining({
        outcome: 'corrected',
        why: 'collection_error',
        evidenceRef: 'QD-1',
        batchId: 'corrections1',
        row: 1,
        by: { kind: 'uploader', id: 'clerk-1' },
        changes: { phone: { from: '0905123456', to: '0912345678' } },
      }),
    ]);
    // the creation is read back with the value held before the correction
    expect((await chain())[0]?.changes.phone).toEqual({ to: '0905123456' });
  });

  it("finds its person by a key from an earlier report as by an ID, and a merged person's key leads on", async () => {
    const { identity: _id, ...byKey } = line(1, 'phone', '0905123456', '0912345678');
    const [entry] = await registerCorrections([{ ...byKey, personKey: KEY }], ORIGIN, stores(), testKeyer, 1);
    expect(entry?.slice(0, 3)).toEqual([1, 'applied', KEY]);
    // the key of a person merged into this one names this one
    const old = 'p1:nk:AAAAAAAAAAAAAAAAAAAAAA';
    await register.putAlias(old, KEY, { batchId: 'x', row: 1, agencyCode: 'CA-PLEIKU' }, 'updated');
    const [merged] = await registerCorrections(
      [{ ...line(2, 'phone', '0912345678', '0987654321'), identity: undefined, personKey: old }],
      ORIGIN,
      stores(),
      testKeyer,
      1,
    );
    expect(merged?.slice(0, 3)).toEqual([2, 'applied', KEY]);
    expect((await held())?.phone).toBe('0987654321');
  });

  it('decides the same when its chunk comes again, and writes nothing twice', async () => {
    const phone = line(1, 'phone', '0905123456', '0912345678');
    const name = line(2, 'full_name', HELD.fullName, 'Nguyễn Văn Hưng');
    const first = await registerCorrections([phone, name], ORIGIN, stores(), testKeyer, 4);
    const puts = history.puts;
    const again = await registerCorrections([phone, name], ORIGIN, stores(), testKeyer, 4);
    expect(again).toEqual(first);
    expect(first.map((entry) => entry[1])).toEqual(['applied', 'pending_approval']);
    expect(history.puts).toBe(puts);
    expect((await corrections.listCorrections('CA-PLEIKU')).items).toHaveLength(1);
    expect((await held())?.fullName).toBe(HELD.fullName);
  });

  it('stays pending when its chunk comes again after the record changed', async () => {
    await correct(line(2, 'full_name', HELD.fullName, 'Nguyễn Văn Hưng'));
    const person = await register.getPerson(KEY);
    if (!person) throw new Error('held');
    await register.recordOutcome(KEY, person, 'other#1:updated', { ...HELD, fullName: 'Trần Văn Hùng' });
    expect((await correct(line(2, 'full_name', HELD.fullName, 'Nguyễn Văn Hưng'))).outcome).toBe(
      'pending_approval',
    );
  });

  it('is finished by its retry after a crash between its history item and the record', async () => {
    register.crashOnChange = true;
    await expect(correct(line(1, 'current_address', 'Pleiku', 'Phường Hoa Lư, Pleiku'))).rejects.toThrow();
    expect((await held())?.currentAddress).toBe('Pleiku');
    expect(await correct(line(1, 'current_address', 'Pleiku', 'Phường Hoa Lư, Pleiku'))).toMatchObject({
      outcome: 'applied',
    });
    expect((await held())?.currentAddress).toBe('Phường Hoa Lư, Pleiku');
    expect((await chain()).filter((change) => change.outcome === 'corrected')).toHaveLength(1);
  });

  it('is rejected with a code for a person not held, an old value not held, or a new ID held by another', async () => {
    const other = {
      ...line(1, 'phone', '', '0912345678'),
      identity: personKeys.identityById('064090009999'),
    };
    const unknown = await registerCorrection(
      other,
      testKeyer.seal(other.identity as string),
      { ...ORIGIN, row: 1 },
      stores(),
      testKeyer,
    );
    expect(unknown.issues[0]?.code).toBe('CORRECTION_PERSON_UNKNOWN');
    expect((await correct(line(2, 'phone', '0905000000', '0912345678'))).issues[0]?.code).toBe(
      'CORRECTION_OLD_VALUE_MISMATCH',
    );
    await register.createPerson(
      testKeyer.seal(personKeys.identityById('064090005555')),
      { ...HELD, personalId: '064090005555' },
      { batchId: 'x', row: 1, agencyCode: 'CA-PLEIKU' },
    );
    expect((await correct(line(3, 'personal_id', HELD.personalId, '064090005555'))).issues[0]?.code).toBe(
      'CORRECTION_ID_HELD',
    );
  });
});

describe('a correction and a DC01 row of the same person at the same time', () => {
  it.each([false, true])(
    'end in one order (the form started first: %s), both in the history',
    async (formFirst) => {
      const form = { ...HELD, currentAddress: 'Thôn 3, Ia Kha', phone: '0905123456' };
      const correction = () => correct(line(1, 'phone', '0905123456', '0912345678'));
      const dc01 = () =>
        registerRecord(
          { row: 1, personKey: KEY, record: form },
          { batchId: 'dc01', row: 1, agencyCode: 'CA-PLEIKU' },
          register,
          history,
        );
      const [corrected, updated] = formFirst
        ? await Promise.all([dc01(), correction()]).then(([u, c]) => [c, u] as const)
        : await Promise.all([correction(), dc01()]);
      expect(corrected.outcome).toBe('applied');
      expect(updated.outcome).toBe('updated');
      // neither is lost: each was made on the version the other left, and the history holds both in that order
      const changes = await chain();
      expect(
        changes
          .map((change) => change.outcome)
          .slice(1)
          .sort(),
      ).toEqual(['corrected', 'updated']);
      // replayed from the creation, every change starts from what the one before it left, and ends at the record held
      const replayed: Record<string, unknown> = {};
      for (const change of changes)
        for (const [field, { from, to }] of Object.entries(change.changes)) {
          if (change.outcome !== 'created') expect(from, `${change.outcome} ${field}`).toBe(replayed[field]);
          replayed[field] = to;
        }
      expect(replayed).toMatchObject({ ...(await held()) });
      // the record is what the later of the two made it: the form's phone if it came last, else the corrected one
      const last = changes[2]?.outcome === 'corrected' ? '0912345678' : '0905123456';
      expect(await held()).toMatchObject({ phone: last, currentAddress: 'Thôn 3, Ia Kha' });
      expect((await chain()).map((change) => change.version)).toEqual([1, 2, 3]);
    },
  );
});
