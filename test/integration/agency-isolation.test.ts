// Agency isolation for real on the local stack: an upload under another agency's prefix, signed with the wrong
// agency's credentials, reaches the split through the real S3 → queue path and is refused before a row is read.
// Locally the S3 event's principal is the request's access key id (local/runtime/emulators.ts). And the agencies table:
// an upload for an agency it does not hold, or holds disabled, fails the same way; a disabled agency's calls get a 403.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '#batch/ledger.ts';
import { startPipeline } from '../../local/pipeline.ts';
import { localAgencyCredentials } from '../../local/runtime/account.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { objectKeys } from '../../shared/keys.ts';
import type { Agencies } from '../../shared/model/ports.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { runScript } from '../fixtures/script.ts';
import { Agency, quietLog, signedIn, tempDir } from './harness.ts';

let stack: LocalStack;
let operator: Agency;
let agencies: Agencies;
let dir: string;

/** An S3 client signing as the local role of `agencyCode`. */
function clientOf(agencyCode: string): S3Client {
  return new S3Client({
    region: stack.names.region,
    endpoint: stack.endpoints.s3,
    credentials: localAgencyCredentials(agencyCode),
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The batch item of the refused upload of `objectKey`, once it has failed with `code`. */
async function refusedBatch(
  objectKey: string,
  code = 'BATCH_UPLOADER_NOT_ALLOWED',
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const refused = (await operator.scan('batches')).find(
      (item) =>
        item.sk === 'META' &&
        item.objectKey === objectKey &&
        (item.failure as { code?: string } | undefined)?.code === code,
    );
    if (refused) return refused;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no refused batch of ${objectKey}`);
}

/** A batch's own summary.json, under its batch id, once written. */
async function batchSummary(agency: string, name: string, batchId: string): Promise<BatchSummary> {
  const key = `${objectKeys.batchReportPrefix(agency, name, batchId)}summary.json`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const text = await operator.text(key).catch(() => '');
    if (text.trim()) return JSON.parse(text) as BatchSummary;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no summary at ${key}`);
}

/** The operator's upload (its key may upload for any agency): only the agency of the key is checked. */
async function uploadAsOperator(key: string, bytes: Buffer | string): Promise<void> {
  await operator.s3.send(new PutObjectCommand({ Bucket: operator.bucket, Key: key, Body: bytes }));
}

async function uploadAs(agencyCode: string, key: string, bytes: Buffer | string): Promise<Date> {
  const at = new Date();
  await clientOf(agencyCode).send(new PutObjectCommand({ Bucket: operator.bucket, Key: key, Body: bytes }));
  return at;
}

beforeAll(async () => {
  dir = await tempDir();
  stack = await startPipeline({
    dir,
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 2 },
    log: quietLog,
  });
  operator = new Agency(stack);
  // imported once the stack has set the functions' environment: the store's module makes their shared client
  const { AgencyStore } = await import('../../shared/store/agency-store.ts');
  agencies = new AgencyStore(stack.names.tables.agencies, {
    client: DynamoDBDocumentClient.from(operator.dynamodb),
  });
}, 60_000);
afterAll(async () => stack?.stop());

describe('agency isolation on the local stack', () => {
  it('refuses a batch uploaded under another agency’s prefix, and nothing of it reaches the register', async () => {
    const batch = buildBatch({ rows: 50, seed: 61, errorRate: 0, duplicateRate: 0 });
    await uploadAs('CA-ANKHE', 'incoming/CA-PLEIKU/intruder.csv', batch.bytes);

    const refused = await refusedBatch('incoming/CA-PLEIKU/intruder.csv');
    // never read: no row counted, no chunk written
    expect(refused).toMatchObject({ status: 'failed', agencyCode: 'CA-PLEIKU' });
    expect(refused.rows).toBeUndefined();
    expect(refused.chunkCounts).toBeUndefined();
    const summary = await batchSummary('CA-PLEIKU', 'intruder.csv', String(refused.batchId));
    expect(summary).toMatchObject({
      status: 'failed',
      agencyCode: 'CA-PLEIKU',
      failure: {
        code: 'BATCH_UPLOADER_NOT_ALLOWED',
        message: expect.stringMatching(/không được phép[\s\S]*may not submit/),
      },
    });
    expect(
      await operator.outcomes(
        'CA-PLEIKU',
        'intruder.csv',
        `${objectKeys.batchReportPrefix('CA-PLEIKU', 'intruder.csv', String(refused.batchId))}outcomes.csv`,
      ),
    ).toEqual([]);
    expect(await operator.scan('register')).toEqual([]);
  });

  it('leaves the rightful agency’s report at the name’s path as it was when an intruder uploads to the same key', async () => {
    const own = buildBatch({ rows: 30, seed: 63, errorRate: 0, duplicateRate: 0 });
    const at = await uploadAs('CA-PLEIKU', 'incoming/CA-PLEIKU/owned.csv', own.bytes);
    const rightful = await operator.waitForSummary('CA-PLEIKU', 'owned.csv', at);
    expect(rightful).toMatchObject({ status: 'completed', rows: 30 });
    const before = await operator.text('reports/CA-PLEIKU/owned.csv/outcomes.csv');

    await uploadAs('CA-ANKHE', 'incoming/CA-PLEIKU/owned.csv', buildBatch({ rows: 5, seed: 64 }).bytes);
    const refused = await refusedBatch('incoming/CA-PLEIKU/owned.csv');
    expect(await batchSummary('CA-PLEIKU', 'owned.csv', String(refused.batchId))).toMatchObject({
      status: 'failed',
      failure: { code: 'BATCH_UPLOADER_NOT_ALLOWED' },
    });
    // the name's path is still the rightful batch's, and that batch was not superseded
    expect(JSON.parse(await operator.text('reports/CA-PLEIKU/owned.csv/summary.json'))).toEqual(rightful);
    expect(await operator.text('reports/CA-PLEIKU/owned.csv/outcomes.csv')).toBe(before);
    const [kept] = (await operator.scan('batches')).filter(
      (item) => item.sk === 'META' && item.batchId === rightful.batchId,
    );
    expect(kept?.status).toBe('completed');
  });

  it('splits the same agency’s own upload, signed with its own credentials', async () => {
    const batch = buildBatch({ rows: 50, seed: 62, errorRate: 0, duplicateRate: 0 });
    const held = (await operator.personKeys()).size;
    const at = await uploadAs('CA-ANKHE', 'incoming/CA-ANKHE/own.csv', batch.bytes);

    const summary = await operator.waitForSummary('CA-ANKHE', 'own.csv', at);

    expect(summary).toMatchObject({ status: 'completed', rows: 50, outcomes: { new: 50, rejected: 0 } });
    expect((await operator.personKeys()).size).toBe(held + 50);
  });

  it('holds the demo agencies from its start', async () => {
    const held = await agencies.list();
    expect(held.map((agency) => agency.code)).toEqual(
      expect.arrayContaining(['CA-GIALAI', 'CA-PLEIKU', 'CA-ANKHE', 'CA-PLEIKU-YENDO', 'DANCU-PLATFORM']),
    );
    expect(held.every((agency) => agency.active)).toBe(true);
  });

  it.each([
    ['AGENCY_UNKNOWN', 'CA-NOWHERE', /không có trong danh sách cơ quan[\s\S]*not in the agencies list/],
    ['AGENCY_DISABLED', 'CA-KBANG', /tạm ngừng[\s\S]*disabled/],
  ])('fails an upload with %s for %s: reported, nothing registered', async (code, agency, message) => {
    if (code === 'AGENCY_DISABLED') {
      // as an operator would: the command, on this stack's local.json
      const disabled = await runScript('local/agencies.ts', [
        'disable',
        agency,
        '--dir',
        dir,
        '--by',
        'test',
      ]);
      expect(disabled).toMatchObject({
        code: 0,
        stdout: `${agency}: disabled (the functions see it within a minute)\n`,
      });
    }
    const held = (await operator.personKeys()).size;
    const key = `incoming/${agency}/forms.csv`;
    await uploadAsOperator(key, buildBatch({ rows: 20, seed: 65, errorRate: 0, duplicateRate: 0 }).bytes);

    const refused = await refusedBatch(key, code);
    expect(refused).toMatchObject({ status: 'failed', agencyCode: agency });
    expect(refused.rows).toBeUndefined();
    expect(refused.chunkCounts).toBeUndefined();
    expect(await batchSummary(agency, 'forms.csv', String(refused.batchId))).toMatchObject({
      status: 'failed',
      agencyCode: agency,
      failure: { code, message: expect.stringMatching(message) },
    });
    expect((await operator.personKeys()).size).toBe(held);
  });

  it('answers a disabled agency’s call 403 AGENCY_DISABLED, and an enabled one’s 200', async () => {
    const headers = await signedIn(stack.http, 'CA-GIALAI');
    const call = () => fetch(`${stack.http}/batches`, { headers });
    // no call of CA-GIALAI before this one: the agency function's 60-second cache has not read it yet
    expect(await agencies.disable('CA-GIALAI', 'test')).toBe(true);
    const refused = await call();
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('AGENCY_DISABLED');
    // held as disabled: what a new agency function (another container, or a minute later) reads
    expect(await agencies.get('CA-GIALAI')).toMatchObject({ active: false, updatedBy: 'test' });
  });
});
