// Issue 16, as an attacker would try it: agency B uploads agency A's people without their IDs, and record linkage
// joins them to A's persons. Every byte B can read back (its reports, its batches over the API, its review list)
// is scanned for A's personal IDs: none may appear, while the same keys show that the rows did meet A's persons.
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { objectKeys, REPORT_FILES } from '../../shared/keys.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, quietLog, signedIn, tempDir, withoutIds } from './harness.ts';

const A = 'CA-PLEIKU';
const B = 'CA-ANKHE';

let stack: LocalStack;
let agency: Agency;
/** A's personal IDs, and the key each became */
let idsOfA: string[];
let keysOfA: Set<string>;
/** A's batch: B may learn that its rows met A's forms, never which batch or row */
let batchOfA: string;
/** what B reads back: each report file, and each API response, as text */
const readByB = new Map<string, string>();

const stripDiacritics = (text: string) =>
  text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

/** A's lines without any ID: a third as A wrote them, a third without diacritics, a third born elsewhere. */
function copyWithoutIds(ndjson: string): string {
  return withoutIds(ndjson, (values, i) => {
    if (i % 3 === 1) values.full_name = stripDiacritics(values.full_name ?? '');
    if (i % 3 === 2) values.birth_registration_place = 'Xã Ia Kla, Huyện Đức Cơ, Tỉnh Gia Lai';
  });
}

async function getAsB(path: string): Promise<unknown> {
  const response = await fetch(`${stack.http}${path}`, { headers: await signedIn(stack.http, B) });
  const text = await response.text();
  expect(response.status, `${path}: ${text}`).toBe(200);
  readByB.set(`GET ${path}`, text);
  return JSON.parse(text);
}

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 2 },
    extraEnv: { LINKAGE: 'on' },
    log: quietLog,
  });
  agency = new Agency(stack);

  const batch = buildBatch({ rows: 300, seed: 1616, errorRate: 0, duplicateRate: 0, format: 'ndjson' });
  idsOfA = batch.truth.flatMap((row) => (row.personalId ? [row.personalId] : []));
  keysOfA = new Set(idsOfA.map((id) => stack.personKeyer.seal(`id:${id}`)));
  const atA = await agency.upload(objectKeys.upload(A, 'people.ndjson'), batch.bytes);
  batchOfA = (await agency.waitForSummary(A, 'people.ndjson', atA, { timeoutMs: 90_000 })).batchId;

  const atB = await agency.upload(objectKeys.upload(B, 'same-people.ndjson'), copyWithoutIds(batch.text));
  const summary = await agency.waitForSummary(B, 'same-people.ndjson', atB, { timeoutMs: 90_000 });
  for (const file of REPORT_FILES) {
    const key = objectKeys.report(B, 'same-people.ndjson', file);
    readByB.set(key, await agency.text(key));
  }
  const list = (await getAsB('/batches')) as { batches: { batchId: string }[] };
  for (const { batchId } of list.batches) await getAsB(`/batches/${batchId}`);
  let next: string | undefined;
  do {
    const page = (await getAsB(`/review${next ? `?nextToken=${encodeURIComponent(next)}` : ''}`)) as {
      nextToken?: string;
    };
    next = page.nextToken;
  } while (next);
  expect(summary.status).toBe('completed');
}, 240_000);
afterAll(async () => stack?.stop());

describe('person keys across agencies', () => {
  it('joins B’s rows to A’s persons: the keys B reads are A’s persons’ keys', () => {
    expect(idsOfA.length).toBeGreaterThan(250);
    const outcomes = Papa.parse<Record<string, string>>(
      readByB.get(objectKeys.report(B, 'same-people.ndjson', 'outcomes.csv')) ?? '',
      { header: true, skipEmptyLines: true },
    ).data;
    const metA = outcomes.filter((line) => keysOfA.has(line.person_key ?? ''));
    // most rows joined one of A's persons outright, under A's key, and say so with a code in the message
    expect(metA.length).toBeGreaterThan(150);
    const joined = metA.filter((line) => (line.codes ?? '').startsWith('PERSON_LINKED;'));
    expect(joined.length).toBeGreaterThan(150);
    for (const line of joined) {
      expect(line.message).toContain(
        `Joined a person already held, by record linkage (person ${line.person_key}`,
      );
      // compared with A's form, which B sees only as another agency's
      expect(line.message).toContain('compared with a batch of another agency');
    }
    const review = Papa.parse<Record<string, string>>(
      readByB.get(objectKeys.report(B, 'same-people.ndjson', 'review.csv')) ?? '',
      { header: true, skipEmptyLines: true },
    ).data;
    // and some are on B's review list beside one of A's persons
    expect(review.some((line) => keysOfA.has(line.candidate_person_key ?? ''))).toBe(true);
    const reviewApi = [...readByB.entries()].filter(([what]) => what.startsWith('GET /review'));
    expect(reviewApi.some(([, text]) => [...keysOfA].some((key) => text.includes(key)))).toBe(true);
  });

  it('shows B none of A’s personal IDs, in any byte of its reports, batches or review list', () => {
    expect(readByB.size).toBeGreaterThanOrEqual(REPORT_FILES.length + 3);
    const ids = new Set(idsOfA);
    for (const [what, text] of readByB) {
      // every 12-digit run, wherever it sits (keys, messages, masked fields, JSON)
      const found = [...text.matchAll(/\d{12}/g)].map(([digits]) => digits).filter((d) => ids.has(d));
      expect(found, what).toEqual([]);
      for (const id of idsOfA) expect(text.includes(id), `${what} holds an ID of A`).toBe(false);
      // nor A's batch: its id and rows are A's uploads, not B's
      expect(text.includes(batchOfA), `${what} names A's batch`).toBe(false);
    }
  });

  it('keeps A’s keys opaque in A’s own report too: no ID is a key', async () => {
    const outcomes = await agency.outcomes(A, 'people.ndjson');
    const keys = outcomes.map((line) => line[3] ?? '');
    expect(keys.every((key) => /^p1:(id|nk):[\w-]{22}$/.test(key))).toBe(true);
    expect(keys.filter((key) => keysOfA.has(key)).length).toBe(idsOfA.length);
  });
});
