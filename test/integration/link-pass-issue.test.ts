// Issue 20 on the local stack, as the `pass` stage runs it: a batch of forms without personal IDs registered by exact
// keys, then one link pass through the real queue and function with issuance on. Each person the pass leaves without
// a number gets one that passes the project's own ID checks; the agency finds them in `issued-ids.csv` beside the
// batch's report; and a later form that carries an issued number joins the person it was issued to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPersonalId } from '#domain/personal-id.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { ISSUED_IDS_HEADER } from '../../shared/ingest/link-pass-issue.ts';
import { batchKeys, objectKeys } from '../../shared/keys.ts';
import { unpackRecord } from '../../shared/model/person-record.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, agenciesWith, quietLog, runLinkPass, tempDir, withoutIds } from './harness.ts';

const AGENCY = 'CA-ISSUE';
const NAME = 'no-ids.ndjson';
let stack: LocalStack;
let agency: Agency;
let batchId: string;
let lines: string[];
let pass: Record<string, unknown>;

// the generated people without their IDs: nobody in the register has a number
const batch = buildBatch({ rows: 60, seed: 2020, errorRate: 0, duplicateRate: 0, format: 'ndjson' });
const forms = withoutIds(batch.text);

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 2, linkPass: 5 },
    // the `pass` stage: exact keys at registration, the link pass afterwards, numbers after it
    extraEnv: { LINKAGE: 'off', ISSUE_IDS: 'on' },
    agencies: agenciesWith(AGENCY),
    log: quietLog,
  });
  agency = new Agency(stack);
  const at = await agency.upload(objectKeys.upload(AGENCY, NAME), forms);
  batchId = (await agency.waitForSummary(AGENCY, NAME, at, { timeoutMs: 120_000 })).batchId;
  pass = await runLinkPass(stack, agency, 'it-issue-1', { segments: 2, partitions: 2 });
  const csv = await agency.text(`reports/${AGENCY}/${NAME}/issued-ids.csv`);
  expect(csv.startsWith('\ufeff')).toBe(true);
  const [header, ...rest] = csv.slice(1).trimEnd().split('\r\n');
  expect(header).toBe(ISSUED_IDS_HEADER);
  lines = rest;
}, 240_000);
afterAll(async () => stack?.stop());

describe('numbers for the persons a link pass leaves without one (issue 20)', () => {
  it('numbers every person it may, lists each once by row, and the batch says how many', async () => {
    const issued = pass.issued as Record<
      string,
      { issued: number; waiting: number; refused: Record<string, number> }
    >;
    const total = Object.values(issued).reduce((n, step) => n + step.issued, 0);
    const refused = Object.values(issued).reduce(
      (n, step) => n + Object.values(step.refused).reduce((a, b) => a + b, 0),
      0,
    );
    const persons = (await agency.scan('register')).filter((item) => item.sk === 'PERSON' && item.record);
    // every person the batch made was read by the pass, and either numbered, left waiting, or refused with a code
    expect(total + refused + Object.values(issued).reduce((n, step) => n + step.waiting, 0)).toBe(
      persons.length,
    );
    expect(total).toBeGreaterThan(persons.length * 0.8);
    expect(lines).toHaveLength(total);
    const rows = lines.map((line) => Number(line.split(',')[0]));
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(new Set(rows).size).toBe(rows.length);
    const numbers = lines.map((line) => line.split(',')[2]);
    expect(new Set(numbers).size).toBe(numbers.length);
    // the batch's own copy is the same, and the batch counts them (GET /batches/{batchId} offers the file then)
    const own = await agency.text(`reports/${AGENCY}/${NAME}/batches/${batchId}/issued-ids.csv`);
    expect(own.slice(1).trimEnd().split('\r\n').slice(1)).toEqual(lines);
    const item = (await agency.scan('batches')).find(
      (i) => i.pk === batchKeys.batch(batchId).pk && i.sk === batchKeys.batch(batchId).sk,
    );
    expect(item?.issuedIds).toBe(total);
  });

  it('puts each number on its person, valid for the person’s sex, birth year and birth-registration place', async () => {
    const numbered = (await agency.scan('register'))
      .filter((item) => item.sk === 'PERSON' && item.record)
      .map((item) => unpackRecord(String(item.record)))
      .filter((record) => record.personalId);
    expect(numbered).toHaveLength(lines.length);
    for (const record of numbered) {
      const number = record.personalId as string;
      expect(
        checkPersonalId(number, 'personal_id', {
          sex: record.sex,
          birthYear: Number(record.dateOfBirth.slice(0, 4)),
        }),
      ).toEqual([]);
      expect(lines.some((line) => line.split(',')[2] === number)).toBe(true);
    }
  });

  it('joins a later form that carries an issued number to the person it was issued to', async () => {
    const outcomes = await agency.outcomes(AGENCY, NAME);
    const [first] = lines;
    const [row, , number] = String(first).split(',');
    const keyOfRow = outcomes.find(([r]) => r === row)?.[3];
    // the same form again, now with the number the agency was given
    const again = JSON.parse(forms.split('\n')[Number(row) - 1] as string) as Record<string, string>;
    const name = 'with-number.ndjson';
    const at = await agency.upload(
      objectKeys.upload(AGENCY, name),
      JSON.stringify({ ...again, personal_id: number }),
    );
    await agency.waitForSummary(AGENCY, name, at, { timeoutMs: 60_000 });
    const [line] = await agency.outcomes(AGENCY, name);
    expect(line?.[2]).toMatch(/^(duplicate|updated)$/);
    expect(line?.[3]).toBe(keyOfRow);
  });
});
