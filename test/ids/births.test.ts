// A birth event into the register on the port fakes (issue 20): checked like a DC01 form, a number issued once per
// registration, the child's person keyed by it with the mother's hometown and addresses, the parents linked by the
// IDs the register holds, and every redelivery or retry after a crash ending as one registration.
import { describe, expect, it } from 'vitest';
import { BirthEventError, parseBirthEvent } from '../../shared/births/birth-event.ts';
import { BirthRefused, birthOrigin, registerBirth } from '../../shared/births/register-birth.ts';
import { hmacKeyer } from '../../shared/domain/person-keyer.ts';
import { checkPersonalId } from '../../shared/domain/personal-id.ts';
import { createAllocator } from '../../shared/ids/allocator.ts';
import { personKeys } from '../../shared/keys.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { MemoryBirths, MemoryIdCounters, MemoryIssuedIds } from '../fakes/ids.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { PERSON } from '../fixtures/person.ts';

const NOW = new Date('2026-12-07T10:00:00Z');
const keyer = hmacKeyer('a test secret of at least thirty-two bytes', 1);
const MOTHER_ID = '064190012345';
const event = (overrides: Record<string, unknown> = {}) => ({
  registrationId: 'KS-2026-0001',
  registeringAgency: 'TP-GIALAI',
  occurredAt: '2026-12-01T09:00:00+07:00',
  child: {
    fullName: 'Nguyễn Thị Mai',
    dateOfBirth: '2026-11-20',
    sex: 'female',
    // 2025 list: 23650 Krông, formed from Gia Lai communes
    birthRegistrationCommune: '23650',
    ethnicity: 'Kinh',
    nationality: 'Việt Nam',
  },
  mother: { fullName: 'Trần Thị Lan', personalId: MOTHER_ID },
  father: { fullName: 'Nguyễn Văn Hải' },
  ...overrides,
});

function setup() {
  const register = new MemoryRegister();
  const births = new MemoryBirths();
  const issued = new MemoryIssuedIds();
  const history = new MemoryHistory();
  const deps = {
    history,
    sender: 'AROAJUSTICE:births',
    allocator: createAllocator({
      counters: new MemoryIdCounters(),
      issued,
      held: async () => false,
      issuedBy: 'test',
    }),
    register,
    keyer,
    births,
    agencyActive: async (code: string) => code === 'TP-GIALAI',
    now: () => NOW,
  };
  return { register, births, issued, history, deps };
}

async function withMother(register: MemoryRegister) {
  await register.createPerson(
    keyer.seal(personKeys.identityById(MOTHER_ID)),
    {
      ...PERSON,
      fullName: 'Trần Thị Lan',
      sex: 'female',
      personalId: MOTHER_ID,
      dateOfBirth: '1990-04-02',
      hometown: 'Bình Định',
      currentAddress: 'Tổ 3, phường Hội Thương, Pleiku',
      currentCommuneCode: '23566',
    },
    { batchId: 'mother', row: 1, agencyCode: 'CA-GIALAI' },
  );
}

describe('a birth event', () => {
  it('is read like a form, refused with a code that names the fields and never their values', () => {
    expect(parseBirthEvent(JSON.stringify(event()), NOW).child.fullName).toBe('Nguyễn Thị Mai');
    const refusal = (body: string) => {
      try {
        parseBirthEvent(body, NOW);
      } catch (error) {
        return error instanceof BirthEventError ? [error.code, error.fields] : error;
      }
      return 'accepted';
    };
    expect(refusal('{not json')).toEqual(['BIRTH_EVENT_INVALID', []]);
    expect(refusal(JSON.stringify(event({ registrationId: '' })))).toEqual([
      'BIRTH_EVENT_INVALID',
      ['registrationId'],
    ]);
    const child = event().child;
    expect(refusal(JSON.stringify(event({ child: { ...child, sex: 'X' } })))).toEqual([
      'BIRTH_EVENT_INVALID',
      ['child.sex'],
    ]);
    expect(
      refusal(JSON.stringify(event({ child: { ...child, birthRegistrationCommune: '99999' } }))),
    ).toEqual(['BIRTH_COMMUNE_UNKNOWN', ['child.birthRegistrationCommune']]);
    expect(refusal(JSON.stringify(event({ child: { ...child, ethnicity: 'Martian' } })))).toEqual([
      'BIRTH_ETHNICITY_UNKNOWN',
      ['child.ethnicity'],
    ]);
    expect(refusal(JSON.stringify(event({ child: { ...child, dateOfBirth: '2026-12-08' } })))).toEqual([
      'BIRTH_DATE_IN_FUTURE',
      ['child.dateOfBirth'],
    ]);
  });
});

describe('registering a birth', () => {
  it('issues the child a number and makes its person, with the mother’s hometown and addresses', async () => {
    const { register, births, history, deps } = setup();
    await withMother(register);
    const birth = await registerBirth(parseBirthEvent(JSON.stringify(event()), NOW), deps);
    expect(birth).toMatchObject({
      registrationId: 'KS-2026-0001',
      registeringAgency: 'TP-GIALAI',
      missing: [],
      parents: { mother: 'linked', father: 'notGiven' },
    });
    expect(birth.number).toMatch(/^064326\d{6}$/);
    expect(checkPersonalId(birth.number, 'id', { sex: 'female', birthYear: 2026 })).toEqual([]);
    const child = register.persons.get(birth.personKey);
    expect(birth.personKey).toBe(keyer.seal(personKeys.identityById(birth.number)));
    expect(child?.record).toMatchObject({
      fullName: 'Nguyễn Thị Mai',
      personalId: birth.number,
      sex: 'female',
      ethnicityCode: '01',
      nationality: 'VN',
      hometown: 'Bình Định',
      currentAddress: 'Tổ 3, phường Hội Thương, Pleiku',
      currentCommuneCode: '23566',
      motherId: MOTHER_ID,
      fatherName: 'Nguyễn Văn Hải',
    });
    expect(child?.applied).toEqual([
      `${birthOrigin(parseBirthEvent(JSON.stringify(event()), NOW)).batchId}#1:new`,
    ]);
    expect(births.births.get('KS-2026-0001')).toEqual(birth);
    // its creation in its history, named by the person, made by the event's sender (issue 19)
    const [created] = await history.list(birth.personKey);
    expect(created).toMatchObject({
      outcome: 'created',
      why: 'birth registration',
      agencyCode: 'TP-GIALAI',
      by: { kind: 'machine', id: 'AROAJUSTICE:births' },
      changes: { personalId: { to: birth.number } },
    });
    expect(child?.lastChange).toBe(created?.sk);
  });

  it('registers a child whose mother the register does not hold, listing what is to be collected', async () => {
    const { deps } = setup();
    const birth = await registerBirth(parseBirthEvent(JSON.stringify(event()), NOW), deps);
    expect(birth).toMatchObject({ missing: ['hometown', 'currentAddress'], parents: { mother: 'notFound' } });
  });

  it('ends as one registration when delivered again, or retried after a crash before the person', async () => {
    const { register, issued, history, deps } = setup();
    register.crashOnCreate = true;
    const parsed = parseBirthEvent(JSON.stringify(event()), NOW);
    await expect(registerBirth(parsed, deps)).rejects.toThrow('injected');
    const first = await registerBirth(parsed, deps);
    const again = await registerBirth(parsed, deps);
    expect(again).toEqual(first);
    expect(issued.records.size).toBe(1);
    expect(register.persons.size).toBe(1);
    expect(history.items.size).toBe(1);
  });

  it('puts the child’s creation in its history when retried after a crash between the person and the item', async () => {
    const { register, history, deps } = setup();
    history.crashOnPut = true;
    const parsed = parseBirthEvent(JSON.stringify(event()), NOW);
    await expect(registerBirth(parsed, deps)).rejects.toThrow('injected');
    expect(history.items.size).toBe(0);
    const birth = await registerBirth(parsed, deps);
    expect(history.of(birth.personKey)).toHaveLength(1);
    expect(register.persons.get(birth.personKey)?.lastChange).toBe([...history.items.values()][0]?.sk);
  });

  it('refuses an agency the table does not hold, before any number is issued', async () => {
    const { issued, deps } = setup();
    const parsed = parseBirthEvent(JSON.stringify(event({ registeringAgency: 'TP-NOWHERE' })), NOW);
    await expect(registerBirth(parsed, deps)).rejects.toMatchObject({ code: 'BIRTH_AGENCY_UNKNOWN' });
    expect(issued.records.size).toBe(0);
    expect(new BirthRefused('ID_PREFIX_FULL', '064326').prefix).toBe('064326');
  });
});
