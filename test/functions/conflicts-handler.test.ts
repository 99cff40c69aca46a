// GET /conflicts and POST /conflicts/{id} (issue 19): a reviewer of the uploading agency (or of a unit above it)
// decides once what a form whose personal ID is held for another identity does: keep the held values (nothing
// changes), take the incoming ones (pending identity corrections, which a second officer approves), or find the two
// different persons (the form stored as its own person, without the ID, and both kept apart, with their history).

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import type { DecisionDeps } from '../../functions/decisions/handler.ts';
import { conflictTag, reviewId } from '../../shared/keys.ts';
import type { StoredConflict } from '../../shared/model/conflict.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { MemoryCorrections } from '../fakes/corrections.ts';
import { MemoryHistory } from '../fakes/history.ts';
import { MemoryRegister } from '../fakes/register.ts';
import { PERSON } from '../fixtures/person.ts';
import { setAgencyEnvironment } from './events.ts';
import { bodyOf, get, lambdaContext, post } from './http.ts';

setAgencyEnvironment();
let decisionsHandler: typeof import('../../functions/decisions/handler.ts').decisionsHandler;
beforeAll(async () => {
  ({ decisionsHandler } = await import('../../functions/decisions/handler.ts'));
});

const BATCH = 'B'.repeat(22);
const ID = reviewId({ batchId: BATCH, row: 7 });
const KEY = 'p1:id:AAAAAAAAAAAAAAAAAAAAAA';
const APART = 'p1:nk:DDDDDDDDDDDDDDDDDDDDDD';
const HELD = { ...PERSON, personalId: '064090001234' };
const INCOMING: PopulationRecord = {
  ...HELD,
  fullName: 'Trần Thị Bình',
  sex: 'female',
  dateOfBirth: '1990-05-01',
  formId: 'F77',
};

let corrections: MemoryCorrections;
let register: MemoryRegister;
let history: MemoryHistory;
let counted: string[];
let deps: DecisionDeps;

function conflict(overrides: Partial<StoredConflict> = {}): StoredConflict {
  return {
    id: ID,
    agencyCode: 'CA-PLEIKU',
    batchId: BATCH,
    row: 7,
    formId: 'F77',
    personKey: KEY,
    incoming: INCOMING,
    differing: ['fullName', 'dateOfBirth', 'sex'],
    apartKey: APART,
    uploadedBy: 'clerk-1',
    createdAt: '2026-12-08T00:00:00.000Z',
    status: 'open',
    ...overrides,
  };
}

beforeEach(async () => {
  corrections = new MemoryCorrections();
  register = new MemoryRegister();
  history = new MemoryHistory();
  counted = [];
  await register.createPerson(KEY, HELD, { batchId: 'first', row: 1, agencyCode: 'CA-PLEIKU' });
  await register.putConflict(conflict());
  deps = {
    corrections,
    register,
    history,
    conflicts: register,
    resolved: {
      addConflictResolved: async (batchId) => {
        counted.push(batchId);
      },
    },
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
const reviewer = (agency = 'CA-PLEIKU', subject = 'reviewer-1'): Caller => ({
  agency,
  roles: ['reviewer'],
  subject,
});
const TAKE = { decision: 'take', reason: 'collection_error', evidenceRef: 'BB-2026-17' };
const decide = async (body: unknown, caller: Caller, id = ID) =>
  (await handler()(
    post(`/conflicts/${id}`, 'POST /conflicts/{id}', body, { pathParameters: { id }, ...caller }),
    lambdaContext(),
  )) as { statusCode: number; body: string };
const approve = async (id: string, caller: Caller) =>
  (await handler()(
    post(
      `/corrections/${id}`,
      'POST /corrections/{id}',
      { decision: 'approve' },
      { pathParameters: { id }, ...caller },
    ),
    lambdaContext(),
  )) as { statusCode: number; body: string };
const list = async (caller: Caller, query = '') =>
  (await handler()(get(`/conflicts${query}`, 'GET /conflicts', caller), lambdaContext())) as {
    statusCode: number;
    body: string;
  };
const stored = () => register.getConflict('CA-PLEIKU', ID);

describe('POST /conflicts/{id}', () => {
  it('keeps the held values: the conflict is decided, the person untouched, no history item', async () => {
    const answer = await decide({ decision: 'keep' }, reviewer());
    expect(answer.statusCode).toBe(200);
    expect(bodyOf(answer)).toMatchObject({
      id: ID,
      status: 'decided',
      decision: { decision: 'keep', by: 'reviewer-1', byKind: 'person' },
    });
    expect(bodyOf(answer)).not.toHaveProperty('apartKey');
    expect((await register.getPerson(KEY))?.record).toEqual(HELD);
    expect(history.items.size).toBe(0);
    expect(counted).toEqual([BATCH]);
    expect((await stored())?.counted).toBe(true);
  });

  it('takes the incoming values as pending identity corrections, which a second officer applies', async () => {
    const answer = await decide(TAKE, reviewer());
    expect(answer.statusCode).toBe(200);
    const ids = [`${ID}.full_name`, `${ID}.date_of_birth`, `${ID}.sex`];
    expect(bodyOf(answer).decision.corrections.map((item: { id: string }) => item.id)).toEqual(ids);
    const pending = (await corrections.listCorrections('CA-PLEIKU', { status: 'pending' })).items;
    expect(pending.map((item) => item.id).sort()).toEqual([...ids].sort());
    expect(pending.find((item) => item.field === 'full_name')).toMatchObject({
      personKey: KEY,
      from: HELD.fullName,
      to: INCOMING.fullName,
      reason: 'collection_error',
      evidenceRef: 'BB-2026-17',
      submittedBy: 'reviewer-1',
      conflictId: ID,
    });
    // nothing changed yet
    expect((await register.getPerson(KEY))?.record).toEqual(HELD);
    expect(history.items.size).toBe(0);

    // the reviewer who took it cannot approve it; a second officer can
    const self = await approve(`${ID}.full_name`, {
      agency: 'CA-PLEIKU',
      roles: ['approver'],
      subject: 'reviewer-1',
    });
    expect(bodyOf(self).error.code).toBe('CORRECTION_SELF_APPROVAL');
    const officer = { agency: 'CA-PLEIKU', roles: ['approver'], subject: 'officer-2' };
    expect((await approve(`${ID}.full_name`, officer)).statusCode).toBe(200);
    expect((await register.getPerson(KEY))?.record.fullName).toBe(INCOMING.fullName);
    const change = [...history.items.values()].find((item) => item.outcome === 'corrected');
    expect(change).toMatchObject({
      by: { kind: 'person', id: 'officer-2' },
      submittedBy: 'reviewer-1',
      why: 'collection_error',
      evidenceRef: 'BB-2026-17',
      changes: { fullName: { from: HELD.fullName, to: INCOMING.fullName } },
    });
  });

  it('refuses a take by a system, and a take without its reason or evidence', async () => {
    const machine = await decide(TAKE, { agency: 'CA-PLEIKU', roles: ['reviewer'], machine: true });
    expect([machine.statusCode, bodyOf(machine).error.code]).toEqual([403, 'CONFLICT_TAKER_NOT_PERSON']);
    const bare = await decide({ decision: 'take' }, reviewer());
    expect([bare.statusCode, bodyOf(bare).error.code]).toEqual([400, 'CONFLICT_BODY_INVALID']);
    expect((await decide({ ...TAKE, reason: 'whim' }, reviewer())).statusCode).toBe(400);
    expect((await stored())?.status).toBe('open');
    // a system may keep
    expect(
      (await decide({ decision: 'keep' }, { agency: 'CA-PLEIKU', roles: ['reviewer'], machine: true }))
        .statusCode,
    ).toBe(200);
  });

  it('stores a different person apart, without the disputed ID, both kept apart with their history', async () => {
    const answer = await decide({ decision: 'different' }, reviewer());
    expect(answer.statusCode).toBe(200);
    expect(bodyOf(answer).decision).toMatchObject({ decision: 'different', personKey: APART });
    const apart = await register.getPerson(APART);
    const { personalId: _id, ...without } = INCOMING;
    expect(apart?.record).toEqual(without);
    expect(apart?.agencyCode).toBe('CA-PLEIKU');
    expect(apart?.keptApart).toEqual([KEY]);
    expect((await register.getPerson(KEY))?.keptApart).toEqual([APART]);
    expect((await register.getPerson(KEY))?.record).toEqual(HELD);
    const tag = conflictTag(ID);
    expect(history.of(APART)).toEqual([`00000001#${tag} created`, `00000002#${tag} kept_apart`]);
    expect(history.of(KEY)).toEqual([`00000002#${tag} kept_apart`]);
    const items = [...history.items.values()];
    expect(items.every((item) => item.by.id === 'reviewer-1' && item.request !== undefined)).toBe(true);
    expect(items.find((item) => item.outcome === 'created')?.changes.fullName).toEqual({
      to: INCOMING.fullName,
    });
    // each change is in its person's chain
    expect((await register.getPerson(APART))?.lastChange).toBe(`00000002#${tag}`);
  });

  it('decides once: the same caller’s replay answers the same, another decision is refused', async () => {
    expect((await decide({ decision: 'different' }, reviewer())).statusCode).toBe(200);
    const replay = await decide({ decision: 'different' }, reviewer());
    expect([replay.statusCode, bodyOf(replay).decision.decision]).toEqual([200, 'different']);
    const other = await decide({ decision: 'keep' }, reviewer('CA-PLEIKU', 'reviewer-2'));
    expect([other.statusCode, bodyOf(other).error.code]).toEqual([409, 'CONFLICT_ALREADY_DECIDED']);
    const sameByOther = await decide({ decision: 'different' }, reviewer('CA-PLEIKU', 'reviewer-2'));
    expect(sameByOther.statusCode).toBe(409);
    expect(history.items.size).toBe(3);
    expect(counted).toEqual([BATCH]);
  });

  it('puts a take’s corrections as first decided, whatever a replay’s body says', async () => {
    expect((await decide(TAKE, reviewer())).statusCode).toBe(200);
    const replay = await decide({ ...TAKE, reason: 'other', evidenceRef: 'X' }, reviewer());
    expect(bodyOf(replay).decision).toMatchObject({ reason: 'collection_error', evidenceRef: 'BB-2026-17' });
    const pending = (await corrections.listCorrections('CA-PLEIKU')).items;
    expect(pending).toHaveLength(3);
    expect(pending.every((item) => item.reason === 'collection_error')).toBe(true);
    expect(counted).toEqual([BATCH]);
  });

  it('lets one of two decisions sent at once win, and only its writes land', async () => {
    const answers = await Promise.all([
      decide(TAKE, reviewer()),
      decide({ decision: 'different' }, reviewer('CA-PLEIKU', 'reviewer-2')),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    const won = (await stored())?.decision?.decision;
    expect(corrections.items.size).toBe(won === 'take' ? 3 : 0);
    expect(register.persons.has(APART)).toBe(won === 'different');
    expect(counted).toEqual([BATCH]);
  });

  it('finishes a different person after a crash, on the same caller’s replay', async () => {
    register.crashOnChange = true;
    expect((await decide({ decision: 'different' }, reviewer())).statusCode).toBe(500);
    expect((await stored())?.status).toBe('decided');
    expect(counted).toEqual([]);
    expect((await decide({ decision: 'different' }, reviewer())).statusCode).toBe(200);
    expect((await register.getPerson(KEY))?.keptApart).toEqual([APART]);
    expect((await register.getPerson(APART))?.keptApart).toEqual([KEY]);
    expect(counted).toEqual([BATCH]);
  });

  it('refuses a caller of another agency of the unit, and one beside it; a unit above decides', async () => {
    const beside = await decide({ decision: 'keep' }, reviewer('BD-PLEIKU'));
    expect([beside.statusCode, bodyOf(beside).error.code]).toEqual([403, 'AGENCY_FORBIDDEN']);
    expect((await decide({ decision: 'keep' }, reviewer('CA-ANKHE'))).statusCode).toBe(403);
    const noRole = await decide({ decision: 'keep' }, { agency: 'CA-PLEIKU', roles: ['viewer'] });
    expect([noRole.statusCode, bodyOf(noRole).error.code]).toEqual([403, 'ROLE_MISSING']);
    expect((await stored())?.status).toBe('open');
    expect((await decide({ decision: 'keep' }, reviewer('CA-GIALAI'))).statusCode).toBe(200);
  });

  it('answers an unknown or malformed id, or body, as such', async () => {
    expect((await decide({ decision: 'keep' }, reviewer(), `${'C'.repeat(22)}.1`)).statusCode).toBe(404);
    expect((await decide({ decision: 'keep' }, reviewer(), `${BATCH}.8`)).statusCode).toBe(404);
    expect((await decide({ decision: 'keep' }, reviewer(), 'nope')).statusCode).toBe(400);
    expect((await decide('{', reviewer())).statusCode).toBe(400);
    expect((await decide({ decision: 'merge' }, reviewer())).statusCode).toBe(400);
  });
});

describe('GET /conflicts', () => {
  it('shows both versions side by side, the held side in clear when the agency registered the person', async () => {
    const answer = await list(reviewer(), '?status=open');
    expect(answer.statusCode).toBe(200);
    const [item] = bodyOf(answer).items;
    expect(item).toMatchObject({
      id: ID,
      personKey: KEY,
      status: 'open',
      heldBy: 'CA-PLEIKU',
      formId: 'F77',
    });
    expect(item).not.toHaveProperty('incoming');
    expect(item).not.toHaveProperty('apartKey');
    const byField = Object.fromEntries(item.fields.map((field: { field: string }) => [field.field, field]));
    expect(byField.fullName).toEqual({
      field: 'fullName',
      incoming: INCOMING.fullName,
      held: HELD.fullName,
      same: false,
    });
    expect(byField.personalId).toMatchObject({ same: true, held: HELD.personalId });
    expect(byField.formId).toBeUndefined();
  });

  it('masks the held side of a person another agency registered', async () => {
    register.persons.clear();
    await register.createPerson(KEY, HELD, { batchId: 'first', row: 1, agencyCode: 'CA-ANKHE' });
    const [item] = bodyOf(await list(reviewer())).items;
    const byField = Object.fromEntries(item.fields.map((field: { field: string }) => [field.field, field]));
    expect(byField.fullName.held).toBe('N*** V*** H***');
    expect(byField.dateOfBirth.held).toBe('1990-**-**');
    expect(byField.personalId.held).toBe('***');
    expect(byField.currentAddress.held).toBe('***');
    // the form's own values are the agency's own
    expect(byField.fullName.incoming).toBe(INCOMING.fullName);
  });

  it("lists the agency's own, or an agency's below the caller's unit; no one else", async () => {
    expect(bodyOf(await list(reviewer('CA-GIALAI'), '?agency=CA-PLEIKU')).items).toHaveLength(1);
    expect((await list(reviewer('CA-ANKHE'), '?agency=CA-PLEIKU')).statusCode).toBe(403);
    expect((await list(reviewer('BD-PLEIKU'), '?agency=CA-PLEIKU')).statusCode).toBe(403);
    expect((await list({ agency: 'CA-PLEIKU', roles: ['viewer'] })).statusCode).toBe(403);
    expect(bodyOf(await list(reviewer(), '?status=decided')).items).toEqual([]);
    expect((await list(reviewer(), '?status=whatever')).statusCode).toBe(400);
  });
});
