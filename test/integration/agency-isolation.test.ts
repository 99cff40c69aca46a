// Agency isolation for real on the local stack. Uploads go through URLs the agency function signs (POST /uploads):
// a URL is for the caller's own prefix, and used for another key or with other metadata it fails the signature (the
// local S3 checks presigned requests: local/runtime/presigned-check.ts). An upload put straight into the bucket, by
// anyone but the signer, reaches the split through the real S3 → queue path and is refused before a row is read;
// locally the S3 event's principal is the request's access key id (local/runtime/emulators.ts). And the agencies
// table: an upload for an agency it does not hold, or holds disabled, fails the same way; a disabled agency's calls
// get a 403.
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '#batch/ledger.ts';
import { startPipeline } from '../../local/pipeline.ts';
import { LOCAL_UPLOAD_SIGNER, localAgencyCredentials } from '../../local/runtime/account.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { putWithTicket } from '../../local/upload-ticket.ts';
import { objectKeys } from '../../shared/keys.ts';
import type { Agencies } from '../../shared/model/ports.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { runScript } from '../fixtures/script.ts';
import { Agency, askUploadUrl, machineContext, quietLog, signedIn, tempDir, uploadAs } from './harness.ts';

let stack: LocalStack;
let operator: Agency;
let agencies: Agencies;
let dir: string;

/** An S3 client signing with `credentials` (an agency's own local key, or the upload signer's). */
function clientOf(credentials: { accessKeyId: string; secretAccessKey: string }): S3Client {
  return new S3Client({
    region: stack.names.region,
    endpoint: stack.endpoints.s3,
    credentials,
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

/** An upload put straight into the bucket with `agencyCode`'s own local key, not through an upload URL. */
async function putDirectly(agencyCode: string, key: string, bytes: Buffer | string): Promise<Date> {
  const at = new Date();
  await clientOf(localAgencyCredentials(agencyCode)).send(
    new PutObjectCommand({ Bucket: operator.bucket, Key: key, Body: bytes }),
  );
  return at;
}

/**
 * An upload as a URL of the agency function makes it, for an agency the function would sign for no longer (unknown,
 * disabled): signed with the signer's key and the metadata set, to test the split alone.
 */
async function putAsSigner(key: string, bytes: Buffer | string): Promise<void> {
  const agency = objectKeys.parseUpload(key)?.agencyCode ?? '';
  await clientOf(LOCAL_UPLOAD_SIGNER).send(
    new PutObjectCommand({
      Bucket: operator.bucket,
      Key: key,
      Body: bytes,
      Metadata: { 'dancu-agency': agency, 'dancu-uploader': 'it-client' },
    }),
  );
}

async function exists(key: string): Promise<boolean> {
  return operator.s3.send(new HeadObjectCommand({ Bucket: operator.bucket, Key: key })).then(
    () => true,
    () => false,
  );
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
  it('refuses a batch put straight under another agency’s prefix, and nothing of it reaches the register', async () => {
    const batch = buildBatch({ rows: 50, seed: 61, errorRate: 0, duplicateRate: 0 });
    await putDirectly('CA-ANKHE', 'incoming/CA-PLEIKU/intruder.csv', batch.bytes);

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
    const at = await operator.upload('incoming/CA-PLEIKU/owned.csv', own.bytes);
    const rightful = await operator.waitForSummary('CA-PLEIKU', 'owned.csv', at);
    expect(rightful).toMatchObject({ status: 'completed', rows: 30 });
    const before = await operator.text('reports/CA-PLEIKU/owned.csv/outcomes.csv');

    await putDirectly('CA-ANKHE', 'incoming/CA-PLEIKU/owned.csv', buildBatch({ rows: 5, seed: 64 }).bytes);
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

  it('splits an agency’s own upload through its upload URL, and records who asked for the URL', async () => {
    const batch = buildBatch({ rows: 50, seed: 62, errorRate: 0, duplicateRate: 0 });
    const held = (await operator.personKeys()).size;
    const at = new Date();
    const ticket = await uploadAs(stack, 'CA-ANKHE', 'own.csv', batch.bytes);
    expect(ticket.key).toBe('incoming/CA-ANKHE/own.csv');

    const summary = await operator.waitForSummary('CA-ANKHE', 'own.csv', at);

    expect(summary).toMatchObject({ status: 'completed', rows: 50, outcomes: { new: 50, rejected: 0 } });
    expect((await operator.personKeys()).size).toBe(held + 50);
    const [item] = (await operator.scan('batches')).filter(
      (entry) => entry.sk === 'META' && entry.batchId === summary.batchId,
    );
    expect(item?.uploadedBy).toBe('local-client-CA-ANKHE');

    // over HTTP, with tokens: its people read the report through URLs signed for it; another agency's see nothing
    const own = await fetch(`${stack.http}/batches/${summary.batchId}`, {
      headers: await signedIn(stack.http, 'CA-ANKHE', ['viewer']),
    });
    expect(own.status).toBe(200);
    const { downloads } = (await own.json()) as { downloads: Record<string, string> };
    const report = await fetch(String(downloads.summary));
    expect(report.status).toBe(200);
    expect(await report.json()).toMatchObject({ batchId: summary.batchId, rows: 50 });
    const forged = new URL(String(downloads.summary));
    forged.pathname = forged.pathname.replace('/CA-ANKHE/', '/CA-PLEIKU/');
    expect((await fetch(forged)).status).toBe(403);
    const other = await fetch(`${stack.http}/batches/${summary.batchId}`, {
      headers: await signedIn(stack.http, 'CA-PLEIKU', ['viewer']),
    });
    expect(other.status).toBe(404);
    const roleless = await fetch(`${stack.http}/batches/${summary.batchId}`, {
      headers: await signedIn(stack.http, 'CA-ANKHE', ['reviewer']),
    });
    expect(roleless.status).toBe(403);
    expect(((await roleless.json()) as { error: { code: string } }).error.code).toBe('ROLE_MISSING');
  });

  it('gives no upload URL outside the caller’s own prefix, whatever name it asks for', async () => {
    for (const fileName of ['../CA-PLEIKU/x.csv', 'CA-PLEIKU/x.csv', '..%2FCA-PLEIKU%2Fx.csv']) {
      const { statusCode, body } = await askUploadUrl(stack, fileName, machineContext('CA-ANKHE'));
      expect(statusCode).toBe(400);
      expect(body.error?.code).toBe('UPLOAD_NAME_INVALID');
    }
    const viewer = await askUploadUrl(stack, 'x.csv', machineContext('CA-ANKHE', 'viewer'));
    expect(viewer.statusCode).toBe(403);
    expect(viewer.body.error?.code).toBe('ROLE_MISSING');
  });

  it('fails the signature of an upload URL used for another key, or with another agency in its metadata', async () => {
    const { statusCode, body: ticket } = await askUploadUrl(stack, 'mine.csv', machineContext('CA-ANKHE'));
    expect(statusCode).toBe(201);
    const bytes = buildBatch({ rows: 5, seed: 66, errorRate: 0, duplicateRate: 0 }).bytes;
    const refusedWith = async (answer: Response) => ({
      status: answer.status,
      code: /<Code>([^<]+)<\/Code>/.exec(await answer.text())?.[1],
    });
    const elsewhere = (path: string) => ({ ...ticket, url: ticket.url.replace('CA-ANKHE/mine.csv', path) });

    // another agency's prefix, another name of its own: the URL signs one key only
    expect(await refusedWith(await putWithTicket(elsewhere('CA-PLEIKU/mine.csv'), bytes))).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    expect(await refusedWith(await putWithTicket(elsewhere('CA-ANKHE/other.csv'), bytes))).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    // the metadata is signed: changed, or left out, the signature fails
    const asPleiku = { ...ticket.headers, 'x-amz-meta-dancu-agency': 'CA-PLEIKU' };
    expect(await refusedWith(await putWithTicket(ticket, bytes, asPleiku))).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    expect(await refusedWith(await putWithTicket(ticket, bytes, {}))).toEqual({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    expect(await exists('incoming/CA-PLEIKU/mine.csv')).toBe(false);
    expect(await exists('incoming/CA-ANKHE/other.csv')).toBe(false);
    expect(await exists('incoming/CA-ANKHE/mine.csv')).toBe(false);
    // and as given, it works
    const at = new Date();
    expect((await putWithTicket(ticket, bytes)).status).toBe(200);
    expect(await operator.waitForSummary('CA-ANKHE', 'mine.csv', at)).toMatchObject({ status: 'completed' });
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
    // the agency function signs no URL for it
    const asked = await askUploadUrl(stack, 'forms.csv', machineContext(agency));
    expect(asked.statusCode).toBe(403);
    expect(asked.body.error?.code).toBe(code);
    // a URL signed before it was disabled (or a bucket policy ever too broad): the split refuses it
    await putAsSigner(key, buildBatch({ rows: 20, seed: 65, errorRate: 0, duplicateRate: 0 }).bytes);

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

  it('answers GET /coverage for the caller’s own unit, and refuses a neighbour’s with its code', async () => {
    const headers = await signedIn(stack.http, 'CA-ANKHE', ['viewer']);
    const own = await fetch(`${stack.http}/coverage?unit=623&vintage=2020`, { headers });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({
      unit: { code: '623', level: 'district', name: 'Thị xã An Khê' },
      vintage: 2020,
      children: expect.arrayContaining([
        expect.objectContaining({ unit: expect.objectContaining({ level: 'commune' }) }),
      ]),
    });
    const neighbour = await fetch(`${stack.http}/coverage?unit=622&vintage=2020`, { headers });
    expect(neighbour.status).toBe(403);
    expect(((await neighbour.json()) as { error: { code: string } }).error.code).toBe('OUTSIDE_JURISDICTION');
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
