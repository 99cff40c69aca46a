// Issue 21 on the local stack: the same file uploaded again is all duplicates and leaves the register as it was,
// every outcome other than `new` says why and against what, and another agency's batch is never named.
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '#batch/ledger.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { objectKeys } from '../../shared/keys.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, quietLog, tempDir } from './harness.ts';

const A = 'CA-PLEIKU';
const B = 'CA-ANKHE';
const NAME = 'province.csv';

let stack: LocalStack;
let agency: Agency;
let first: BatchSummary;
let second: BatchSummary;
let byB: BatchSummary;
type Line = Record<string, string>;
let firstLines: Line[];
let secondLines: Line[];
let linesOfB: Line[];
let textOfB: string;
let registerBefore: string[];
let registerAfter: string[];

const parse = (text: string) => Papa.parse<Line>(text, { header: true, skipEmptyLines: true }).data;
/** every register item as JSON, in a stable order */
const registerItems = async () =>
  (await agency.scan('register')).map((item) => JSON.stringify(item, Object.keys(item).sort())).sort();

async function uploadAndWait(agencyCode: string, bytes: Buffer, notBatch?: string): Promise<BatchSummary> {
  const at = await agency.upload(objectKeys.upload(agencyCode, NAME), bytes);
  return agency.waitForSummary(agencyCode, NAME, at, {
    timeoutMs: 180_000,
    ...(notBatch ? { notBatch } : {}),
  });
}

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 2 },
    log: quietLog,
  });
  agency = new Agency(stack);
  // many repeats: persons whose later form updates them, duplicates and conflicts within the file
  const batch = buildBatch({ rows: 500, seed: 2121, duplicateRate: 0.3, format: 'csv' });

  first = await uploadAndWait(A, batch.bytes);
  firstLines = parse(await agency.text(objectKeys.report(A, NAME, 'outcomes.csv')));
  registerBefore = await registerItems();

  second = await uploadAndWait(A, batch.bytes, first.batchId);
  secondLines = parse(await agency.text(objectKeys.report(A, NAME, 'outcomes.csv')));
  registerAfter = await registerItems();

  byB = await uploadAndWait(B, batch.bytes);
  textOfB = await agency.text(objectKeys.report(B, NAME, 'outcomes.csv'));
  linesOfB = parse(textOfB);
}, 600_000);
afterAll(async () => stack?.stop());

describe('a file uploaded again', () => {
  it('had updates and conflicts the first time', () => {
    expect(first.status).toBe('completed');
    expect(first.outcomes.updated).toBeGreaterThan(10);
    expect(first.outcomes.conflict).toBeGreaterThan(3);
    expect(first.outcomes.duplicate).toBeGreaterThan(10);
  });

  it('is all duplicates the second time: every valid row, each of the form it repeats', () => {
    expect(second.status).toBe('completed');
    const valid = first.rows - (first.outcomes.rejected ?? 0);
    expect(second.outcomes).toMatchObject({ new: 0, updated: 0, conflict: 0, probable_duplicate: 0 });
    expect(second.outcomes.duplicate).toBe(valid);
    expect(second.outcomes.rejected).toBe(first.outcomes.rejected ?? 0);
    for (const line of secondLines.filter((l) => l.outcome !== 'rejected')) {
      const was = firstLines[Number(line.row) - 1];
      expect(line.codes, `row ${line.row}`).toBe(was?.outcome === 'conflict' ? 'SAME_CONFLICT' : 'SAME_FORM');
      // the batch is the agency's own: named with the row it repeats
      expect(line.message, `row ${line.row}`).toContain(`compared with row`);
      expect(line.message, `row ${line.row}`).toContain(`of batch ${first.batchId}`);
    }
    // an identical row of the first upload is compared with the earlier row of its own file
    const within = firstLines.find((l) => l.codes === 'SAME_FORM');
    expect(within?.message).toMatch(/compared with row \d+ of this file/);
  });

  it('leaves the register as it was: no person, entry, version, history or conflict written', () => {
    expect(registerAfter).toEqual(registerBefore);
  });

  it('says for every row other than new why, with a code, and what it was compared with', () => {
    for (const line of firstLines.filter((l) => l.outcome !== 'new' && l.outcome !== 'rejected')) {
      expect(line.codes, `row ${line.row}`).not.toBe('');
      expect(line.message, `row ${line.row}`).toMatch(/compared with|person p\d+:/);
    }
    const conflicts = firstLines.filter((l) => l.outcome === 'conflict');
    expect(conflicts.length).toBe(first.outcomes.conflict);
    for (const line of conflicts) {
      expect(line.codes).toBe('IDENTITY_CONFLICT');
      expect(line.message).toMatch(
        /^Số định danh .* \/ The personal ID is held for .*\(fields: [\w, ]+; compared with row \d+ of this file\)$/,
      );
    }
    for (const line of firstLines.filter((l) => l.outcome === 'updated'))
      expect(line.message).toMatch(/\(fields: [\w, ]+; compared with row \d+ of this file\)/);
    // outcome codes are not errors
    expect(
      Object.keys(first.errorsByCode).some((code) => /SAME_|IDENTITY_CONFLICT|FIELDS_UPDATED/.test(code)),
    ).toBe(false);
  });
});

describe('the same file from another agency', () => {
  it('is compared with the first agency’s forms without naming its batch or rows', () => {
    expect(byB.status).toBe('completed');
    const valid = linesOfB.filter((l) => l.outcome !== 'rejected');
    expect(valid.length).toBe(first.rows - (first.outcomes.rejected ?? 0));
    // the same forms, applied first by agency A: duplicates of them, A's batch named only as another agency's
    for (const line of valid) {
      expect(line.outcome, `row ${line.row}`).toBe('duplicate');
      expect(line.message, `row ${line.row}`).toContain('compared with a batch of another agency');
    }
    expect(textOfB.includes(first.batchId)).toBe(false);
    expect(textOfB.includes(second.batchId)).toBe(false);
  });
});
