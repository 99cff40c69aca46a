// Record linkage on the local stack: a generated register with noisy second forms through the real triggers,
// its ledger scored row by row against the generator's truth, the review list over HTTP, a reviewer's
// resolutions, and a redelivered chunk that decides exactly what it decided the first time.
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '#batch/ledger.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { objectKeys } from '../../shared/keys.ts';
import { generateLinkageRegister, linkageBatchNdjson } from '../../tools/synthetic/linkage.ts';
import { scoreLinkageLedger } from '../../tools/synthetic/linkage-truth.ts';
import { responseValidator } from '../api/validator.ts';
import { Agency, quietLog, signedIn, tempDir } from './harness.ts';

let stack: LocalStack;
let agency: Agency;
let http: string;
let summary: BatchSummary;
const rows = generateLinkageRegister({ rows: 500, seed: 'it-linkage', duplicateRate: 0.2 });
const NAME = 'linkage.ndjson';
// agencies of the dev stage: the local server refuses an agency header it does not know (issue 26)
const AGENCY = 'CA-ANKHE';

type Line = Record<string, string>;
const parse = (text: string) => Papa.parse<Line>(text, { header: true, skipEmptyLines: true }).data;
let outcomes: Line[];
let review: Line[];

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 2 },
    extraEnv: { SPLIT_CHUNK_ROWS: '60', LINKAGE: 'on' },
    log: quietLog,
  });
  agency = new Agency(stack);
  http = stack.http ?? '';
  const at = await agency.upload(`incoming/${AGENCY}/${NAME}`, linkageBatchNdjson(rows));
  summary = await agency.waitForSummary(AGENCY, NAME, at, { timeoutMs: 120_000 });
  outcomes = parse(await agency.text(`reports/${AGENCY}/${NAME}/outcomes.csv`));
  review = parse(await agency.text(`reports/${AGENCY}/${NAME}/review.csv`));
}, 180_000);
afterAll(async () => stack?.stop());

describe('record linkage on the local stack', () => {
  it('accounts for every row, and counts probable duplicates in the summary', () => {
    expect(summary.status).toBe('completed');
    expect(outcomes.map((line) => Number(line.row))).toEqual(rows.map((row) => row.row));
    const counted = Object.values(summary.outcomes).reduce((n, x) => n + x, 0);
    expect(counted).toBe(rows.length);
    expect(summary.outcomes.probable_duplicate).toBe(
      outcomes.filter((line) => line.outcome === 'probable_duplicate').length,
    );
    expect(summary.outcomes.probable_duplicate).toBeGreaterThan(0);
  });

  it('joins noisy second forms to their person and never merges two people (ground truth, row by row)', () => {
    const candidates = new Map(review.map((line) => [Number(line.row), String(line.candidate_person_key)]));
    const score = scoreLinkageLedger(
      rows,
      outcomes.map((line) => ({
        row: Number(line.row),
        outcome: String(line.outcome),
        personKey: String(line.person_key),
      })),
      candidates,
    );
    expect(score.joined.wrong, score.mistakes.join('\n')).toBe(0);
    expect(score.joined.right).toBeGreaterThan(0);
    const found = score.joined.right + score.reviewed.right + score.conflictsRight;
    expect(found / score.pairs, score.mistakes.join('\n')).toBeGreaterThanOrEqual(0.9);
    // a joined row names the person it joined, with its score, in the message
    const joined = outcomes.find((line) => line.codes?.startsWith('PERSON_LINKED;'));
    expect(joined?.message).toContain(`person ${joined?.person_key}`);
    expect(joined?.message).toMatch(/score \d+\.\d bits/);
  });

  it('writes review.csv: one line per probable duplicate, both records side by side', () => {
    const probable = outcomes.filter((line) => line.outcome === 'probable_duplicate');
    expect(review.map((line) => line.row)).toEqual(probable.map((line) => line.row));
    for (const line of review) {
      expect(line.review_id).toBe(`${summary.batchId}.${line.row}`);
      expect(line.full_name).toBeTruthy();
      expect(line.candidate_full_name).toBeTruthy();
      expect(line.full_name_level).toBeTruthy();
      expect(line.reasons).toMatch(/[+-]\d/);
    }
  });

  it("lists the agency's review items over HTTP, and no one else's", async () => {
    const own = await fetch(`${http}/review?agency=${AGENCY}&limit=100`, {
      headers: await signedIn(http, AGENCY),
    });
    expect(own.status).toBe(200);
    const body = (await own.json()) as {
      items: { row: number; fields: unknown[]; status: string }[];
    };
    expect(responseValidator('ReviewList')(body)).toBe(true);
    expect(body.items.map((item) => String(item.row))).toEqual(review.map((line) => line.row));
    expect(body.items[0]?.fields).toHaveLength(8);
    expect(body.items[0]?.status).toBe('open');
    const forbidden = await fetch(`${http}/review?agency=${AGENCY}`, {
      headers: await signedIn(http, 'CA-PLEIKU'),
    });
    expect(forbidden.status, String(forbidden.headers.get('x-dancu-local-hint'))).toBe(403);
    const other = (await (
      await fetch(`${http}/review`, { headers: await signedIn(http, 'CA-PLEIKU') })
    ).json()) as {
      items: unknown[];
    };
    expect(other.items).toEqual([]);
    const unsigned = await fetch(`${http}/review`);
    expect(unsigned.status).toBe(401);
  });

  it('decides a redelivered chunk exactly as the first time, writing nothing new to the register', {
    timeout: 120_000,
  }, async () => {
    const registerBefore = await agency.scan('register');
    const batch = (await agency.scan('batches')).find(
      (item) => item.sk === 'META' && item.batchId === summary.batchId,
    ) as { chunkCounts: number[] };
    const partition = batch.chunkCounts.findIndex((count) => count > 0);
    const Key = objectKeys.outcomes(summary.batchId, partition, 0);
    const before = await agency.text(Key);
    // as if the first attempt had died just before writing the chunk's outcomes
    await agency.s3.send(new DeleteObjectCommand({ Bucket: agency.bucket, Key }));
    const sqs = new SQSClient({
      region: stack.names.region,
      endpoint: stack.endpoints.sqs,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      useQueueUrlAsEndpoint: false,
    });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.names.queues.records.url,
        MessageBody: JSON.stringify({ kind: 'chunk', batchId: summary.batchId, partition, seq: 0 }),
      }),
    );
    let after = '';
    for (let i = 0; i < 200 && !after; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      after = await agency.s3
        .send(new GetObjectCommand({ Bucket: agency.bucket, Key }))
        .then((answer) => answer.Body?.transformToString() ?? '')
        .catch(() => '');
    }
    expect(after).toBe(before);
    expect(await agency.scan('register')).toEqual(registerBefore);
  });

  it('resolves items: keepApart is remembered on both persons, merge points the reviewed person to the candidate', async () => {
    const [first, second] = review;
    if (!first || !second) throw new Error('two review items expected');
    const resolve = async (id: string, resolution: string, agencyCode = AGENCY) =>
      fetch(`${http}/review/${id}`, {
        method: 'POST',
        headers: { ...(await signedIn(http, agencyCode)), 'content-type': 'application/json' },
        body: JSON.stringify({ resolution }),
      });
    expect((await resolve(String(first.review_id), 'merge', 'CA-PLEIKU')).status).toBe(404);
    const merged = await resolve(String(first.review_id), 'merge');
    expect(merged.status).toBe(200);
    expect(((await merged.json()) as { status: string }).status).toBe('merge');
    expect((await resolve(String(second.review_id), 'keepApart')).status).toBe(200);
    expect((await resolve(String(second.review_id), 'merge')).status).toBe(409);

    const persons = new Map(
      (await agency.scan('register'))
        .filter((item) => item.sk === 'PERSON')
        .map((item) => [String(item.pk), item]),
    );
    expect(persons.get(String(first.person_key))?.mergedInto).toBe(first.candidate_person_key);
    const keptApart = (key: unknown) => [...((persons.get(String(key))?.keptApart as Set<string>) ?? [])];
    expect(keptApart(second.person_key)).toEqual([second.candidate_person_key]);
    expect(keptApart(second.candidate_person_key)).toEqual([second.person_key]);
    const listed = (await (
      await fetch(`${http}/review?limit=100`, { headers: await signedIn(http, AGENCY) })
    ).json()) as {
      items: { id: string; status: string }[];
    };
    const statuses = new Map(listed.items.map((item) => [item.id, item.status]));
    expect(statuses.get(String(first.review_id))).toBe('merge');
    expect(statuses.get(String(second.review_id))).toBe('keepApart');
  });
});
