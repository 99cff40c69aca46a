// Issue 19 on the local stack: a generated correction file against a generated register gives outcomes equal to its
// ground truth, row for row; applied rows change the person and put a history item saying who, why and on what
// evidence; identity corrections wait on the agency's correction list, the record unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '#batch/ledger.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { objectKeys } from '../../shared/keys.ts';
import { unpackRecord } from '../../shared/model/person-record.ts';
import { buildCorrections, type CorrectionBatch } from '../../tools/synthetic/corrections.ts';
import { generateRows } from '../../tools/synthetic/generator.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, quietLog, signedIn, tempDir } from './harness.ts';

const AGENCY = 'CA-PLEIKU';
const GENERATION = { rows: 240, seed: 1919, errorRate: 0, duplicateRate: 0 };

let stack: LocalStack;
let agency: Agency;
let corrections: CorrectionBatch;
let summary: BatchSummary;
let lines: string[][];
let register: Record<string, unknown>[];
let history: Record<string, unknown>[];

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 2 },
    // the truth is exact keys' (record linkage would join no one here, but it is not what is tested)
    extraEnv: { LINKAGE: 'off', SPLIT_CHUNK_ROWS: '20' },
    log: quietLog,
  });
  agency = new Agency(stack);
  const people = buildBatch({ ...GENERATION, format: 'csv' });
  const registered = await agency.upload(objectKeys.upload(AGENCY, 'people.csv'), people.bytes);
  const first = await agency.waitForSummary(AGENCY, 'people.csv', registered, { timeoutMs: 120_000 });
  expect(first.outcomes.new).toBe(GENERATION.rows);
  corrections = buildCorrections([...generateRows(GENERATION)], { count: 60, seed: 19, today: '2026-12-08' });
  const at = await agency.upload(objectKeys.upload(AGENCY, 'corrections.csv'), corrections.bytes);
  summary = await agency.waitForSummary(AGENCY, 'corrections.csv', at, { timeoutMs: 120_000 });
  lines = await agency.outcomes(AGENCY, 'corrections.csv');
  register = await agency.scan('register');
  history = await agency.scan('history');
}, 300_000);
afterAll(async () => stack?.stop());

describe('a correction file against the register', () => {
  it('is reported as corrections, counting applied, pending and rejected rows', () => {
    const count = (outcome: string) => corrections.truth.filter((t) => t.outcome === outcome).length;
    expect(summary).toMatchObject({
      kind: 'corrections',
      status: 'completed',
      rows: corrections.truth.length,
      outcomes: {
        applied: count('applied'),
        pending_approval: count('pending_approval'),
        rejected: count('rejected'),
      },
    });
    expect(Object.keys(summary.outcomes).sort()).toEqual(['applied', 'pending_approval', 'rejected']);
    expect(count('applied')).toBeGreaterThan(10);
    expect(count('pending_approval')).toBeGreaterThan(3);
  });

  it('tells the batch API it holds corrections', async () => {
    const reader = await signedIn(stack.http, AGENCY, ['viewer']);
    const answer = await fetch(`${stack.http}/batches/${summary.batchId}`, { headers: reader });
    expect(await answer.json()).toMatchObject({
      kind: 'corrections',
      status: 'completed',
      outcomes: summary.outcomes,
    });
  });

  it('gives every row the outcome and code of its ground truth', () => {
    expect(lines.map(([row, , outcome]) => [Number(row), outcome])).toEqual(
      corrections.truth.map((t) => [t.row, t.outcome]),
    );
    for (const [i, t] of corrections.truth.entries()) {
      const codes = lines[i]?.[4] ?? '';
      if (t.outcome === 'applied') expect(codes, `row ${t.row}`).toBe('CORRECTION_APPLIED');
      else if (t.outcome === 'pending_approval') expect(codes, `row ${t.row}`).toBe('CORRECTION_PENDING');
      else expect(codes.split(';')[0], `row ${t.row} (${t.kind})`).toBe(t.code);
    }
  });

  it('changes each applied field to its new value, the last of a chain last', () => {
    const persons = new Map(
      register.filter((item) => item.sk === 'PERSON').map((item) => [String(item.pk), item]),
    );
    const applied = corrections.truth.filter((t) => t.outcome === 'applied');
    // a chain's last row says what the field holds
    const last = new Map(applied.map((t) => [`${t.personalId} ${t.field}`, t]));
    for (const t of last.values()) {
      const line = lines[t.row - 1];
      const person = persons.get(line?.[3] ?? '');
      const record = unpackRecord(String(person?.record)) as Record<string, unknown>;
      expect(record[t.field], `row ${t.row}`).toBe(t.after);
    }
  });

  it('puts a history item for each applied row: the change, its reason, evidence and uploader', () => {
    const items = history.filter((item) => item.outcome === 'corrected');
    expect(items).toHaveLength(corrections.truth.filter((t) => t.outcome === 'applied').length);
    for (const item of items) {
      expect(item).toMatchObject({
        batchId: summary.batchId,
        agencyCode: AGENCY,
        by: { kind: 'uploader' },
      });
      expect(String(item.evidenceRef)).toMatch(/^QD-\d{6}$/);
      expect(['collection_error', 'civil_registration', 'court_decision', 'other']).toContain(item.why);
    }
  });

  it('lists each identity correction for a second officer, the record as it was', () => {
    const pending = corrections.truth.filter((t) => t.outcome === 'pending_approval');
    const listed = register.filter((item) => String(item.pk) === `CORRECTION#${AGENCY}`);
    expect(listed.map((item) => item.row).sort()).toEqual(pending.map((t) => t.row).sort());
    for (const item of listed) expect(item).toMatchObject({ status: 'pending', field: 'full_name' });
  });
});

describe('a pending correction over HTTP', () => {
  it('is listed for an approver, and a second officer approves it into the record and its history', async () => {
    const approver = await signedIn(stack.http, AGENCY, ['approver']);
    const listed = await fetch(`${stack.http}/corrections?status=pending`, { headers: approver });
    expect(listed.status).toBe(200);
    const { items } = (await listed.json()) as { items: { id: string; personKey: string; to: string }[] };
    const first = items[0];
    if (!first) throw new Error('a pending correction');
    // an uploader is no approver
    const uploader = await signedIn(stack.http, AGENCY, ['uploader']);
    const post = (headers: Record<string, string>) =>
      fetch(`${stack.http}/corrections/${first.id}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve' }),
      });
    expect((await post(uploader)).status).toBe(403);
    const approved = await post(approver);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ id: first.id, status: 'approved' });
    // the person's history (a reviewer's read) ends with the approved change
    const reviewer = await signedIn(stack.http, AGENCY, ['reviewer']);
    const history = await fetch(`${stack.http}/persons/${encodeURIComponent(first.personKey)}/history`, {
      headers: reviewer,
    });
    const { changes } = (await history.json()) as { changes: Record<string, unknown>[] };
    expect(changes.at(-1)).toMatchObject({
      outcome: 'corrected',
      why: 'court_decision',
      by: { kind: 'person' },
      fields: [{ field: 'fullName', to: first.to }],
    });
    expect(changes[0]).toMatchObject({ outcome: 'created' });
  });
});
