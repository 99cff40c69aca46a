// Issue 19 on the local stack: a generated batch whose repeated forms all conflict (a held personal ID under another
// name, date of birth or sex) puts each conflict on the uploading agency's list; a reviewer lists them over HTTP, side
// by side, and decides them: keep (the person untouched), take (pending identity corrections, which a second officer
// approves into the record) and different (a person of its own, kept apart). The batch counts the decided ones; its
// report stays as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '#batch/ledger.ts';
import { startPipeline } from '../../local/pipeline.ts';
import { signInAs } from '../../local/runtime/sign-in-client.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { objectKeys, registerKeys } from '../../shared/keys.ts';
import { unpackRecord } from '../../shared/model/person-record.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, quietLog, tempDir } from './harness.ts';

const AGENCY = 'CA-PLEIKU';
const NAME = 'conflicts.csv';

let stack: LocalStack;
let agency: Agency;
let summary: BatchSummary;

const as = async (subject: string, roles: ('reviewer' | 'approver' | 'viewer' | 'uploader')[]) => {
  const { idToken } = await signInAs(stack.http as string, { agency: AGENCY, roles, subject });
  return { authorization: `Bearer ${idToken}` };
};

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 2 },
    extraEnv: { LINKAGE: 'off', SPLIT_CHUNK_ROWS: '20' },
    log: quietLog,
  });
  agency = new Agency(stack);
  const batch = buildBatch({
    rows: 160,
    seed: 1925,
    errorRate: 0,
    duplicateRate: 0.2,
    repeatMix: { conflict: 100 },
    format: 'csv',
  });
  const at = await agency.upload(objectKeys.upload(AGENCY, NAME), batch.bytes);
  summary = await agency.waitForSummary(AGENCY, NAME, at, { timeoutMs: 120_000 });
}, 300_000);
afterAll(async () => stack?.stop());

interface Listed {
  id: string;
  personKey: string;
  status: string;
  differing: string[];
  fields: { field: string; incoming?: string; held?: string; same: boolean }[];
}

describe('conflicts over HTTP', () => {
  it('lists each conflict of the batch on the agency’s list, both versions side by side, and decides them', async () => {
    const conflicts = summary.outcomes.conflict ?? 0;
    expect(conflicts).toBeGreaterThanOrEqual(3);
    const reviewer = await as('reviewer-1', ['reviewer']);
    const listed = await fetch(`${stack.http}/conflicts?status=open`, { headers: reviewer });
    expect(listed.status).toBe(200);
    const { items } = (await listed.json()) as { items: Listed[] };
    expect(items).toHaveLength(conflicts);
    for (const item of items) {
      expect(item.id.startsWith(`${summary.batchId}.`)).toBe(true);
      const differing = item.fields.filter((field) => !field.same).map((field) => field.field);
      for (const field of item.differing) expect(differing).toContain(field);
      expect(item.fields.find((field) => field.field === 'personalId')?.same).toBe(true);
    }
    // a viewer is no reviewer
    expect(
      (await fetch(`${stack.http}/conflicts`, { headers: await as('viewer-1', ['viewer']) })).status,
    ).toBe(403);

    const [kept, taken, parted] = items as [Listed, Listed, Listed];
    const decide = (id: string, body: unknown, headers = reviewer) =>
      fetch(`${stack.http}/conflicts/${id}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const keep = await decide(kept.id, { decision: 'keep' });
    expect(keep.status).toBe(200);
    expect(await keep.json()).toMatchObject({
      status: 'decided',
      decision: { decision: 'keep', by: 'reviewer-1' },
    });
    // once: another decision is refused
    expect((await decide(kept.id, { decision: 'different' })).status).toBe(409);

    const take = await decide(taken.id, {
      decision: 'take',
      reason: 'collection_error',
      evidenceRef: 'BB-19',
    });
    expect(take.status).toBe(200);
    const { decision } = (await take.json()) as { decision: { corrections: { id: string; to?: string }[] } };
    expect(decision.corrections.length).toBeGreaterThan(0);
    const approver = await as('officer-2', ['approver']);
    for (const correction of decision.corrections) {
      const approved = await fetch(`${stack.http}/corrections/${correction.id}`, {
        method: 'POST',
        headers: { ...approver, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      });
      expect([correction.id, approved.status]).toEqual([correction.id, 200]);
    }

    const apart = await decide(parted.id, { decision: 'different' });
    expect(apart.status).toBe(200);
    const { decision: different } = (await apart.json()) as { decision: { personKey: string } };

    const register = await agency.scan('register');
    const person = (key: string) =>
      register.find((item) => item.pk === key && item.sk === registerKeys.personSortKey) as Record<
        string,
        unknown
      >;
    // kept: as it was; taken: the incoming identity, once approved
    const incomingOf = (item: Listed, field: string) => item.fields.find((f) => f.field === field)?.incoming;
    const takenRecord = unpackRecord(String(person(taken.personKey).record)) as Record<string, unknown>;
    for (const field of taken.differing) expect(takenRecord[field], field).toBe(incomingOf(taken, field));
    // different: a person of its own without the ID, and both kept apart
    const created = person(different.personKey);
    expect(unpackRecord(String(created.record)).personalId).toBeUndefined();
    expect([...(created.keptApart as Set<string>)]).toEqual([parted.personKey]);
    expect([...(person(parted.personKey).keptApart as Set<string>)]).toEqual([different.personKey]);

    const history = await agency.scan('history');
    const mine = history.filter((item) => String(item.sk).includes(`conflict#${parted.id}`));
    expect(mine.map((item) => item.outcome).sort()).toEqual(['created', 'kept_apart', 'kept_apart']);

    // the batch counts them; its report is as it was
    const batch = await fetch(`${stack.http}/batches/${summary.batchId}`, {
      headers: await as('viewer-1', ['viewer']),
    });
    expect(((await batch.json()) as { conflictsResolved?: number }).conflictsResolved).toBe(3);
    const again = JSON.parse(await agency.text(`reports/${AGENCY}/${NAME}/summary.json`)) as BatchSummary;
    expect(again.outcomes.conflict).toBe(conflicts);
    const open = await fetch(`${stack.http}/conflicts?status=open`, { headers: reviewer });
    expect(((await open.json()) as { items: Listed[] }).items).toHaveLength(conflicts - 3);
  });
});
