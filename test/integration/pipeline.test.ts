// The ingestion pipeline end to end on the emulators, through the real triggers: S3 → intake queue → split →
// records queue → register → finalize → report. Each test checks the ledger row by row against the
// generator's ground truth, and the register against the people that truth says it must hold.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { s3Notification } from '../functions/events.ts';
import { Agency, expectedPeople, expectLedger, quietLog, tempDir } from './harness.ts';

let stack: LocalStack;
let agency: Agency;
const expected = new Set<string>(); // everyone the register must hold after the tests so far

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    // short, so that chunks are redelivered while they run (exactly-once under stress); finalize's stays longer
    // than a finalize takes, as AWS's (6× the timeout) does: a copy of the message that arrives while the
    // first invocation holds the batch's lease is consumed, and must not be, should that invocation then fail
    visibilityTimeouts: { intake: 2, records: 2, finalize: 20 },
    // the batch generator's truth is the exact-key register's; linkage has its own truth (linkage.test.ts)
    extraEnv: { LINKAGE: 'off', SPLIT_CHUNK_ROWS: '40' },
    log: quietLog,
  });
  agency = new Agency(stack);
}, 60_000);
afterAll(async () => stack?.stop());

describe('ingestion on the local stack', () => {
  it('a clean batch: every row new, every person in the register', async () => {
    const batch = buildBatch({ rows: 300, seed: 11, errorRate: 0, duplicateRate: 0 });
    const at = await agency.upload('incoming/CA-PLEIKU/clean.csv', batch.bytes);
    const summary = await agency.waitForSummary('CA-PLEIKU', 'clean.csv', at);
    expect(summary).toMatchObject({ status: 'completed', rows: 300, outcomes: { new: 300, rejected: 0 } });
    expectLedger(await agency.outcomes('CA-PLEIKU', 'clean.csv'), batch.truth, agency.stack.personKeyer);
    for (const key of expectedPeople(batch.truth, agency.stack.personKeyer)) expected.add(key);
    expect(await agency.personKeys()).toEqual(expected);
  });

  it('every kind of faulty row and duplicates within the batch, as NDJSON', async () => {
    const batch = buildBatch({ rows: 600, seed: 12, errorRate: 0.25, duplicateRate: 0.25, format: 'ndjson' });
    const kinds = new Set(batch.truth.flatMap((t) => t.codes));
    expect(kinds.size).toBeGreaterThan(15);
    const at = await agency.upload('incoming/CA-ANKHE/faulty.ndjson', batch.bytes);
    const summary = await agency.waitForSummary('CA-ANKHE', 'faulty.ndjson', at);
    expect(summary.outcomes).toEqual({ probable_duplicate: 0, ...batch.summary.outcomes });
    expectLedger(await agency.outcomes('CA-ANKHE', 'faulty.ndjson'), batch.truth, agency.stack.personKeyer);
    for (const key of expectedPeople(batch.truth, agency.stack.personKeyer)) expected.add(key);
    expect(await agency.personKeys()).toEqual(expected);
    const conflicts = (await agency.scan('register')).filter((i) => String(i.pk) === 'CONFLICT#CA-ANKHE');
    expect(conflicts).toHaveLength(batch.summary.outcomes.conflict);
  });

  it('duplicates across batches: the same people again are duplicates, and nobody is added', async () => {
    const first = buildBatch({ rows: 300, seed: 11, errorRate: 0, duplicateRate: 0 });
    const before = await agency.personKeys();
    const at = await agency.upload('incoming/CA-PLEIKU/again.csv', first.bytes);
    const summary = await agency.waitForSummary('CA-PLEIKU', 'again.csv', at);
    expect(summary.outcomes).toMatchObject({ new: 0, duplicate: 300 });
    const lines = await agency.outcomes('CA-PLEIKU', 'again.csv');
    expect(lines.map((l) => l[3])).toEqual(
      first.truth.map((t) => t.identity && agency.stack.personKeyer.seal(t.identity)),
    );
    expect(await agency.personKeys()).toEqual(before);
  });

  it('a re-upload of the same key is a new batch whose report supersedes the old one', async () => {
    const v1 = buildBatch({ rows: 50, seed: 21, errorRate: 0, duplicateRate: 0 });
    const at1 = await agency.upload('incoming/CA-CHUSE/forms.csv', v1.bytes);
    const s1 = await agency.waitForSummary('CA-CHUSE', 'forms.csv', at1);
    const v2 = buildBatch({ rows: 80, seed: 22, errorRate: 0.1, duplicateRate: 0 });
    const at2 = await agency.upload('incoming/CA-CHUSE/forms.csv', v2.bytes);
    const s2 = await agency.waitForSummary('CA-CHUSE', 'forms.csv', at2, { notBatch: s1.batchId });
    expect(s2.batchId).not.toBe(s1.batchId);
    expect(s2.rows).toBe(80);
    expectLedger(await agency.outcomes('CA-CHUSE', 'forms.csv'), v2.truth, agency.stack.personKeyer);
    for (const key of [
      ...expectedPeople(v1.truth, agency.stack.personKeyer),
      ...expectedPeople(v2.truth, agency.stack.personKeyer),
    ])
      expected.add(key);
    expect(await agency.personKeys()).toEqual(expected);
  });

  it('the same S3 event delivered twice is one batch', async () => {
    const batch = buildBatch({ rows: 120, seed: 31, errorRate: 0.1, duplicateRate: 0.1 });
    const at = await agency.upload('incoming/CA-DUCCO/twice.csv', batch.bytes);
    const summary = await agency.waitForSummary('CA-DUCCO', 'twice.csv', at);
    const batches = (await agency.scan('batches')).filter(
      (i) => i.objectKey === 'incoming/CA-DUCCO/twice.csv' && i.sk === 'META',
    );
    expect(batches).toHaveLength(1);
    // deliver the same notification again, as S3 may
    const sqs = new SQSClient({
      region: stack.names.region,
      endpoint: stack.endpoints.sqs,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      useQueueUrlAsEndpoint: false,
    });
    const batchItem = batches[0] as { eTag: string; sequencer: string; size: number; versionId?: string };
    const { size, eTag, sequencer } = batchItem;
    const notification = s3Notification(
      'incoming/CA-DUCCO/twice.csv',
      { size, eTag, sequencer },
      agency.bucket,
    );
    const people = await agency.personKeys();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.names.queues.intake.url,
        MessageBody: JSON.stringify(notification),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const after = (await agency.scan('batches')).filter(
      (i) => i.objectKey === 'incoming/CA-DUCCO/twice.csv' && i.sk === 'META',
    );
    expect(after).toHaveLength(1);
    expect(JSON.parse(await agency.text('reports/CA-DUCCO/twice.csv/summary.json'))).toEqual(summary);
    expect(await agency.personKeys()).toEqual(people);
    for (const key of expectedPeople(batch.truth, agency.stack.personKeyer)) expected.add(key);
  });

  it('a file that cannot be read fails as a whole with a code, and nothing reaches the register', async () => {
    const before = await agency.personKeys();
    const at = await agency.upload(
      'incoming/CA-PLEIKU/scan.csv',
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]),
    );
    const summary = await agency.waitForSummary('CA-PLEIKU', 'scan.csv', at);
    expect(summary).toMatchObject({ status: 'failed', rows: 0, failure: { code: 'BATCH_NOT_TEXT' } });
    expect((await agency.outcomes('CA-PLEIKU', 'scan.csv')).length).toBe(0);
    const missing = await agency.upload('incoming/CA-PLEIKU/short.csv', 'full_name,sex\nAn,Nam\n');
    const failed = await agency.waitForSummary('CA-PLEIKU', 'short.csv', missing);
    expect(failed.failure?.code).toBe('BATCH_MISSING_COLUMNS');
    expect(await agency.personKeys()).toEqual(before);
  });
});
