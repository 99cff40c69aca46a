// Drives the local stack as an agency and an operator would: upload, wait for the report, read the ledger and
// the register. Every check compares with the generator's ground truth, row by row.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, paginateScan } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { expect } from 'vitest';
import type { BatchSummary } from '#batch/ledger.ts';
import { isRowCode } from '#domain/errors.ts';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { demoAgencies } from '../../local/demo-agencies.ts';
import { LOCAL_UPLOAD_SIGNER } from '../../local/runtime/account.ts';
import { signInAs } from '../../local/runtime/sign-in-client.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import {
  askUploadUrl,
  machineContext,
  type UploadTicket,
  uploadWithTicket,
} from '../../local/upload-ticket.ts';
import type { Role } from '../../shared/domain/roles.ts';
import { uploadTicket } from '../../shared/ingest/upload-ticket.ts';
import { batchKeys, objectKeys } from '../../shared/keys.ts';
import type { AgencyInput } from '../../shared/model/agency.ts';
import { signingClient, UploadUrls } from '../../shared/store/upload-urls.ts';
import type { RowTruth } from '../../tools/synthetic/generator.ts';

/** every upload column that may hold an ID: a copy without them knows the people, not their numbers */
export const ID_FIELDS = [
  'personal_id',
  'old_id_number',
  'household_head_id',
  'father_id',
  'mother_id',
  'spouse_id',
];

/** NDJSON lines with every ID column removed, each line then changed by `change` (by its index) if given. */
export function withoutIds(
  ndjson: string,
  change: (values: Record<string, string>, index: number) => void = () => undefined,
): string {
  return ndjson
    .trim()
    .split('\n')
    .map((line, i) => {
      const values = JSON.parse(line) as Record<string, string>;
      for (const field of ID_FIELDS) delete values[field];
      change(values, i);
      return JSON.stringify(values);
    })
    .join('\n');
}

/** The demo agencies (local/fixtures/agencies.csv) and a test's own, police of Gia Lai: the stack refuses any other. */
export function agenciesWith(...codes: string[]): AgencyInput[] {
  return [
    ...demoAgencies(),
    ...codes.map((code) => ({
      code,
      name: code,
      kind: 'police' as const,
      unit: { code: '64', vintage: 2020 as const },
    })),
  ];
}

export const quietLog = { info: () => undefined, error: (line: string) => console.error(line) };

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'dancu-it-'));
}

export { askUploadUrl, machineContext };

/**
 * An upload as a machine of `agency` makes it: an upload URL from the agency function, then the PUT. A stack that
 * runs no agency function (a test of the split alone) gets the same URL signed with the signer's key.
 */
export async function uploadAs(stack: LocalStack, agency: string, name: string, bytes: Buffer | string) {
  let ticket: UploadTicket;
  if (stack.handlers.agency) {
    const { statusCode, body } = await askUploadUrl(stack, name, machineContext(agency));
    if (statusCode !== 201)
      throw new Error(`POST /uploads ${agency}/${name}: ${statusCode} ${body.error?.code}`);
    ticket = body;
  } else {
    const signer = signingClient({
      region: stack.names.region,
      endpoint: stack.endpoints.s3,
      forcePathStyle: true,
      credentials: LOCAL_UPLOAD_SIGNER,
    });
    const urls = new UploadUrls(stack.names.buckets.batches, signer);
    ticket = await uploadTicket(urls, {
      agencyCode: agency,
      uploader: `local-client-${agency}`,
      fileName: name,
    });
  }
  await uploadWithTicket(ticket, bytes);
  return ticket;
}

export class Agency {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;

  constructor(readonly stack: LocalStack) {
    const common = {
      region: stack.names.region,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    };
    this.s3 = new S3Client({
      ...common,
      endpoint: stack.endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.dynamodb = new DynamoDBClient({ ...common, endpoint: stack.endpoints.dynamodb });
  }

  get bucket(): string {
    return this.stack.names.buckets.batches;
  }

  /** An upload of `incoming/{agency}/{name}` through an upload URL of that agency (uploadAs). */
  async upload(key: string, bytes: Buffer | string): Promise<Date> {
    const upload = objectKeys.parseUpload(key);
    if (!upload) throw new Error(`${key} is not an upload key`);
    const at = new Date();
    await uploadAs(this.stack, upload.agencyCode, upload.name, bytes);
    return at;
  }

  private async lastModified(key: string): Promise<Date | undefined> {
    try {
      return (await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).LastModified;
    } catch {
      return undefined;
    }
  }

  /** An object's text; read again when the emulator cuts a response short (the pipeline rewrote it meanwhile). */
  async text(key: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        return (await Body?.transformToString('utf8')) ?? '';
      } catch (error) {
        if (attempt >= 5 || !/aborted|ECONNRESET|socket hang up/i.test(String((error as Error).message)))
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /**
   * Waits until every batch of `objectKey` is completed: finalize writes the summary, then moves the coverage
   * counters, then marks the batch completed.
   */
  async waitForCompleted(objectKey: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const batches = (await this.scan('batches')).filter(
        (i) => i.sk === 'META' && i.objectKey === objectKey,
      );
      if (batches.length > 0 && batches.every((i) => i.status === 'completed')) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${objectKey} did not complete within ${timeoutMs} ms`);
  }

  /** The summary of `incoming/{agency}/{name}` once written after `since` (and, if given, by another batch). */
  async waitForSummary(
    agency: string,
    name: string,
    since: Date,
    options: { timeoutMs?: number; notBatch?: string; status?: string } = {},
  ): Promise<BatchSummary> {
    const key = `reports/${agency}/${name}/summary.json`;
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      const modified = await this.lastModified(key);
      if (modified && modified.getTime() >= since.getTime() - 1000) {
        // the name's summary is a copy of the batch's (report.ts), and s3rver's CopyObject deletes the old object
        // before copying (fs-extra 8's copy): a GET in between finds no object; read again shortly, as below
        const text = await this.text(key).catch((error: Error) => {
          if (error.name === 'NoSuchKey') return '';
          throw error;
        });
        const summary = text.trim() ? (JSON.parse(text) as BatchSummary) : undefined;
        const wanted = summary && summary.batchId !== options.notBatch;
        if (wanted && (!options.status || summary.status === options.status)) return summary;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no report for ${agency}/${name} within the time allowed`);
  }

  /** An object's bytes (a workbook). */
  async bytes(key: string): Promise<Buffer> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from((await Body?.transformToByteArray()) ?? []);
  }

  /**
   * The lines of an outcomes.csv as `[row, form_id, outcome, person_key, codes]` (the line column left out: callers
   * compare with the generator's truth, which has no lines), its byte-order mark and header checked.
   */
  async outcomes(
    agency: string,
    name: string,
    key = `reports/${agency}/${name}/outcomes.csv`,
  ): Promise<string[][]> {
    const csv = await this.text(key);
    expect(csv.startsWith('\ufeff'), 'outcomes.csv begins with a byte-order mark').toBe(true);
    const [header, ...lines] = csv.slice(1).trimEnd().split('\n');
    expect(header).toBe('row,line,form_id,outcome,person_key,codes,message');
    // codes and messages may hold commas inside quotes; the first six cells never do
    return lines.map((line) => {
      const [row = '', , ...rest] = line.split(',').slice(0, 6);
      return [row, ...rest];
    });
  }

  /** Every item of a table, unmarshalled. */
  async scan(table: 'batches' | 'register' | 'history'): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateScan(
      { client: this.dynamodb },
      { TableName: this.stack.names.tables[table], ConsistentRead: true },
    );
    for await (const page of pages) for (const item of page.Items ?? []) items.push(unmarshall(item));
    return items;
  }

  async personKeys(): Promise<Set<string>> {
    return new Set((await this.scan('register')).filter((i) => i.sk === 'PERSON').map((i) => String(i.pk)));
  }
}

/**
 * The ledger equals the ground truth: one line per row, in order, with the expected outcome, key and codes. The
 * truth holds each person's identity; the key is that identity sealed under the stack's secret.
 */
export function expectLedger(lines: string[][], truth: RowTruth[], keyer: PersonKeyer, rowOffset = 0): void {
  expect(lines).toHaveLength(truth.length);
  for (const expected of truth) {
    const line = lines[expected.row - 1 + rowOffset];
    const [row, , outcome, personKey, codes] = line ?? [];
    const all = codes ? codes.split(';') : [];
    // an accepted row other than new says why with an outcome code; the truth holds the row codes only
    if (outcome !== 'new' && outcome !== 'rejected')
      expect(
        all.some((code) => !isRowCode(code)),
        `row ${expected.row}: ${codes}`,
      ).toBe(true);
    const got = {
      row: Number(row),
      outcome,
      personKey: personKey || undefined,
      codes: all.filter(isRowCode),
    };
    const want = {
      row: expected.row,
      outcome: expected.outcome,
      personKey: expected.identity && keyer.seal(expected.identity),
      codes: expected.codes,
    };
    expect(got, `row ${expected.row}`).toEqual(want);
  }
}

/** The people a batch's ground truth puts in the register: one per person first seen (`new`). */
export function expectedPeople(truth: RowTruth[], keyer: PersonKeyer): Set<string> {
  return new Set(truth.filter((t) => t.outcome === 'new').map((t) => keyer.seal(t.identity ?? '')));
}

const signedInTokens = new Map<string, Promise<string>>();

/**
 * The `Authorization` header of a person of `agency` holding `roles` (default: upload, review, view), signed in
 * through the local sign-in's code + PKCE flow as a page would; one sign-in per stack, agency and roles.
 */
export async function signedIn(
  http: string | undefined,
  agency: string,
  roles: Role[] = ['uploader', 'reviewer', 'viewer'],
): Promise<Record<string, string>> {
  if (!http) throw new Error('the local stack serves no HTTP API: start it with an http port');
  const key = `${http} ${agency} ${roles.join(',')}`;
  let token = signedInTokens.get(key);
  if (!token) {
    token = signInAs(http, { agency, roles }).then(({ idToken }) => idToken);
    signedInTokens.set(key, token);
  }
  return { authorization: `Bearer ${await token}` };
}

/**
 * Starts a link pass through the stack's link-pass queue, as the schedule or `npm run link-pass` does, and waits for
 * its item to say `done`: the pass item, unmarshalled.
 */
export async function runLinkPass(
  stack: LocalStack,
  agency: Agency,
  passId: string,
  sizes: { segments?: number; partitions?: number } = {},
) {
  const sqs = new SQSClient({
    region: stack.names.region,
    endpoint: stack.endpoints.sqs,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: stack.names.queues.linkPass.url,
      MessageBody: JSON.stringify({ kind: 'link-start', passId, ...sizes }),
    }),
  );
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const { Item } = await agency.dynamodb.send(
      new GetItemCommand({
        TableName: stack.names.tables.batches,
        Key: marshall(batchKeys.linkPass(passId)),
        ConsistentRead: true,
      }),
    );
    const pass = Item && unmarshall(Item);
    if (pass?.status === 'done') return pass;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`link pass ${passId} did not finish`);
}
