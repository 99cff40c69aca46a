// POST /corrections/{id} and GET /corrections (issue 19): the maker-checker rule cannot be bypassed. Only a signed-in
// person with the approver role, in the submitting agency or a unit above it, who is not the submitter, decides; a
// replay, or an approve racing a reject, decides once; an approval applies the correction to the record as it is then,
// with its history item naming approver and submitter, or rejects it if the old value is no longer held.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DecisionDeps } from '../../functions/decisions/handler.ts';
import { readCorrectionValues } from '../../shared/corrections/correction-values.ts';
import type { StoredCorrection } from '../../shared/model/correction.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { MemoryCorrections } from '../fakes/corrections.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { PERSON } from '../fixtures/person.ts';
import { setAgencyEnvironment } from './events.ts';
import { bodyOf, get, lambdaContext, post } from './http.ts';

setAgencyEnvironment();
// the module makes its AWS handler as it loads: after the environment
let decisionsHandler: typeof import('../../functions/decisions/handler.ts').decisionsHandler;
beforeAll(async () => {
  ({ decisionsHandler } = await import('../../functions/decisions/handler.ts'));
});

const BATCH = 'B'.repeat(22);
const ID = `${BATCH}.7`;
const KEY = 'p1:id:AAAAAAAAAAAAAAAAAAAAAA';
const HELD = { ...PERSON, personalId: '064090001234' };
const context = { today: '2026-12-08' };

let corrections: MemoryCorrections;
let register: MemoryRegister;
let history: MemoryHistory;
let deps: DecisionDeps;

function pending(field: 'full_name' | 'personal_id', oldValue: string, newValue: string): StoredCorrection {
  const read = readCorrectionValues({ field, oldValue, newValue }, context);
  if (!read.ok) throw new Error('a valid correction');
  return {
    id: ID,
    agencyCode: 'CA-PLEIKU',
    batchId: BATCH,
    row: 7,
    personKey: KEY,
    field,
    values: read.values,
    from: oldValue,
    to: newValue,
    reason: 'court_decision',
    evidenceRef: 'QD-123456',
    submittedBy: 'clerk-1',
    createdAt: '2026-12-08T00:00:00.000Z',
    status: 'pending',
  };
}

beforeEach(async () => {
  corrections = new MemoryCorrections();
  register = new MemoryRegister();
  history = new MemoryHistory();
  await register.createPerson(KEY, HELD, { batchId: 'first', row: 1, agencyCode: 'CA-PLEIKU' });
  await corrections.putCorrection(pending('full_name', 'Nguyễn Văn Hùng', 'Nguyễn Văn Hưng'));
  deps = {
    corrections,
    register,
    history,
    conflicts: register,
    resolved: { addConflictResolved: async () => undefined },
    // Pleiku city (622) and another agency of it; the province (64) above; An Khê (623) beside it
    agencies: MemoryAgencies.of(
      { code: 'CA-PLEIKU', unit: { code: '622', vintage: 2020 } },
      { code: 'BD-PLEIKU', unit: { code: '622', vintage: 2020 }, kind: 'post-office' },
      { code: 'CA-GIALAI', unit: { code: '64', vintage: 2020 } },
      { code: 'CA-ANKHE', unit: { code: '623', vintage: 2020 } },
    ),
    batches: {
      get: async (batchId) => (batchId === BATCH ? ({ agencyCode: 'CA-PLEIKU' } as never) : undefined),
    },
  };
});

const handler = () => decisionsHandler(deps);
type Caller = { agency: string; roles?: string[]; subject?: string; machine?: boolean };
const approver = (agency = 'CA-PLEIKU', subject = 'officer-2'): Caller => ({
  agency,
  roles: ['approver'],
  subject,
});
const decide = async (decision: string, caller: Caller, id = ID) =>
  (await handler()(
    post(`/corrections/${id}`, 'POST /corrections/{id}', { decision }, { pathParameters: { id }, ...caller }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
const held = async () => (await register.getPerson(KEY))?.record.fullName;
const corrected = () => [...history.items.values()].filter((item) => item.outcome === 'corrected');

describe('POST /corrections/{id}', () => {
  it('applies an approved correction: the record, a history item by the approver naming the submitter', async () => {
    const answer = await decide('approve', approver());
    expect(answer.statusCode).toBe(200);
    expect(bodyOf(answer)).toMatchObject({ id: ID, status: 'approved', decision: { by: 'officer-2' } });
    expect(await held()).toBe('Nguyễn Văn Hưng');
    expect(corrected()).toEqual([
      expect.objectContaining({
        why: 'court_decision',
        evidenceRef: 'QD-123456',
        by: { kind: 'person', id: 'officer-2' },
        submittedBy: 'clerk-1',
        changes: { fullName: { from: 'Nguyễn Văn Hùng', to: 'Nguyễn Văn Hưng' } },
      }),
    ]);
  });

  it('refuses the submitter, a system, a caller without the role, and another agency of the same unit', async () => {
    const refused = async (caller: Caller) => {
      const answer = await decide('approve', caller);
      return [answer.statusCode, bodyOf(answer).error.code];
    };
    expect(await refused(approver('CA-PLEIKU', 'clerk-1'))).toEqual([403, 'CORRECTION_SELF_APPROVAL']);
    expect(await refused({ ...approver(), machine: true })).toEqual([403, 'CORRECTION_APPROVER_NOT_PERSON']);
    expect(await refused({ agency: 'CA-PLEIKU', roles: ['uploader', 'reviewer'], subject: 'x' })).toEqual([
      403,
      'ROLE_MISSING',
    ]);
    expect(await refused(approver('BD-PLEIKU'))).toEqual([403, 'AGENCY_FORBIDDEN']);
    expect((await refused(approver('CA-ANKHE')))[0]).toBe(403);
    expect(await held()).toBe('Nguyễn Văn Hùng');
    expect(corrected()).toEqual([]);
  });

  it('lets an approver of the unit above decide', async () => {
    expect((await decide('approve', approver('CA-GIALAI', 'officer-64'))).statusCode).toBe(200);
    expect(await held()).toBe('Nguyễn Văn Hưng');
  });

  it('decides once: a replay answers the same, the other decision finds it decided', async () => {
    expect((await decide('approve', approver())).statusCode).toBe(200);
    const replay = await decide('approve', approver());
    expect(replay.statusCode).toBe(200);
    expect(bodyOf(replay).status).toBe('approved');
    const reject = await decide('reject', approver('CA-PLEIKU', 'officer-3'));
    expect([reject.statusCode, bodyOf(reject).error.code]).toEqual([409, 'CORRECTION_ALREADY_DECIDED']);
    expect(corrected()).toHaveLength(1);
  });

  it('lets one of an approve and a reject sent at once win, and only one', async () => {
    const answers = await Promise.all([
      decide('approve', approver()),
      decide('reject', approver('CA-PLEIKU', 'officer-3')),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    const item = await corrections.getCorrection('CA-PLEIKU', ID);
    const approved = item?.status === 'approved';
    expect(item?.status).toMatch(/^(approved|rejected)$/);
    expect(await held()).toBe(approved ? 'Nguyễn Văn Hưng' : 'Nguyễn Văn Hùng');
    expect(corrected()).toHaveLength(approved ? 1 : 0);
  });

  it('leaves the record as it was when rejected', async () => {
    const answer = await decide('reject', approver());
    expect([answer.statusCode, bodyOf(answer).status]).toEqual([200, 'rejected']);
    expect(await held()).toBe('Nguyễn Văn Hùng');
  });

  it('rejects an approval whose old value is no longer held, with the code', async () => {
    const person = await register.getPerson(KEY);
    if (!person) throw new Error('held');
    await register.recordOutcome(KEY, person, 'other#2:updated', { ...HELD, fullName: 'Trần Văn Hùng' });
    const answer = await decide('approve', approver());
    expect([answer.statusCode, bodyOf(answer).error.code]).toEqual([409, 'CORRECTION_STALE']);
    const item = await corrections.getCorrection('CA-PLEIKU', ID);
    expect(item).toMatchObject({ status: 'rejected', decision: { code: 'CORRECTION_OLD_VALUE_MISMATCH' } });
    expect(await held()).toBe('Trần Văn Hùng');
  });

  it('finishes an approval that stopped between its history item and the record, once', async () => {
    register.crashOnChange = true;
    await expect(decide('approve', approver())).resolves.toMatchObject({ statusCode: 500 });
    expect((await corrections.getCorrection('CA-PLEIKU', ID))?.status).toBe('approving');
    expect(await held()).toBe('Nguyễn Văn Hùng');
    // another officer cannot take over an approval in progress; the same one's retry ends it
    expect((await decide('reject', approver('CA-PLEIKU', 'officer-3'))).statusCode).toBe(409);
    expect((await decide('approve', approver())).statusCode).toBe(200);
    expect(await held()).toBe('Nguyễn Văn Hưng');
    const landed = (await register.getPerson(KEY))?.lastChange;
    expect(corrected().filter((item) => item.sk === landed)).toHaveLength(1);
  });

  it('puts a corrected ID as an alias of the person, and refuses an ID another person holds', async () => {
    corrections.items.clear();
    const item = {
      ...pending('personal_id', '064090001234', '064090009999'),
      aliasKey: 'p1:id:BBBBBBBBBBBBBBBBBBBBBB',
    };
    await corrections.putCorrection(item);
    expect((await decide('approve', approver())).statusCode).toBe(200);
    expect((await register.getPerson(KEY))?.record.personalId).toBe('064090009999');
    expect((await register.getPerson('p1:id:BBBBBBBBBBBBBBBBBBBBBB'))?.mergedInto).toBe(KEY);

    corrections.items.clear();
    await register.createPerson('p1:id:CCCCCCCCCCCCCCCCCCCCCC', HELD, {
      batchId: 'x',
      row: 1,
      agencyCode: 'CA-PLEIKU',
    });
    const other = `${BATCH}.8`;
    await corrections.putCorrection({
      ...pending('personal_id', '064090009999', '064090005555'),
      id: other,
      row: 8,
      aliasKey: 'p1:id:CCCCCCCCCCCCCCCCCCCCCC',
    });
    const answer = await decide('approve', approver(), other);
    expect([answer.statusCode, bodyOf(answer).error.code]).toEqual([409, 'CORRECTION_STALE']);
    expect((await corrections.getCorrection('CA-PLEIKU', other))?.decision?.code).toBe('CORRECTION_ID_HELD');
    expect((await register.getPerson(KEY))?.record.personalId).toBe('064090009999');
  });

  it('answers an unknown or malformed id as such', async () => {
    expect((await decide('approve', approver(), `${'C'.repeat(22)}.1`)).statusCode).toBe(404);
    expect((await decide('approve', approver(), 'nope')).statusCode).toBe(400);
    expect((await decide('maybe', approver())).statusCode).toBe(400);
  });
});

describe('GET /corrections', () => {
  const list = async (caller: Caller, query = '') =>
    (await handler()(get(`/corrections${query}`, 'GET /corrections', caller), lambdaContext())) as {
      statusCode: number;
      body: string;
    };

  it("lists the agency's own, and a unit above lists those of an agency below it; no one else", async () => {
    const own = await list({ agency: 'CA-PLEIKU', roles: ['viewer'] }, '?status=pending');
    expect(bodyOf(own).items.map((item: StoredCorrection) => item.id)).toEqual([ID]);
    expect(bodyOf(own).items[0]).not.toHaveProperty('values');
    const above = await list(approver('CA-GIALAI'), '?agency=CA-PLEIKU');
    expect(bodyOf(above).items).toHaveLength(1);
    expect((await list(approver('CA-ANKHE'), '?agency=CA-PLEIKU')).statusCode).toBe(403);
    expect((await list(approver('BD-PLEIKU'), '?agency=CA-PLEIKU')).statusCode).toBe(403);
  });
});
