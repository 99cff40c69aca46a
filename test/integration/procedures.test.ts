// Procedure events through the local queue into the status function, and back out of the HTTP API, as a
// one-stop-shop system and a citizen would use them (any SQS client; fetch on 127.0.0.1).
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import { localAgencyCredentials } from '../../local/runtime/account.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { responseValidator } from '../api/validator.ts';
import { procedureEvent } from '../procedures/fixtures.ts';
import { quietLog, signedIn, tempDir } from './harness.ts';

let stack: LocalStack;
let sqs: SQSClient;
let http: string;

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
    visibilityTimeouts: { procedureEvents: 1 },
    log: quietLog,
  });
  http = stack.http ?? '';
  sqs = new SQSClient({
    endpoint: stack.endpoints.sqs,
    region: stack.names.region,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}, 60_000);
afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

async function send(bodies: unknown[], client = sqs): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.names.queues.procedureEvents.url,
        Entries: bodies.slice(i, i + 10).map((body, n) => ({
          Id: String(n),
          MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
        })),
      }),
    );
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const lookup = (code: string, birthYear = '1990') =>
  fetch(`${http}/applications/${encodeURIComponent(code)}`, { headers: { 'x-dancu-birth-year': birthYear } });

describe('procedure events through the local queue', () => {
  it('applies events sent out of order and twice to the state the highest sequence sets', async () => {
    const code = 'G09.20-20260609-0092637';
    const events = [
      procedureEvent(1, 1, { applicationCode: code, receivedAt: '2026-06-09T08:00:00+07:00' }),
      procedureEvent(2, 2, {
        applicationCode: code,
        dueAt: '2099-06-20T17:00:00+07:00',
        applicant: {
          fullName: 'Phạm Minh Đức',
          personalId: '064090123456',
          phone: '0912345678',
          birthYear: 1990,
        },
      }),
      procedureEvent(3, 4, { applicationCode: code }),
      procedureEvent(4, 9, { applicationCode: code, resultDelivery: 'post' }),
    ];
    await send([events[3], events[1], events[3], events[0], events[2], events[1]]);
    const body = await until('all four events', async () => {
      const answer = await lookup(code);
      if (answer.status !== 200) return undefined;
      const json = (await answer.json()) as { history: { status: number }[] };
      return json.history.length === 4 ? json : undefined;
    });
    expect(body).toMatchObject({
      applicationCode: code,
      status: 9,
      statusLabel: { vi: 'Đã xử lý xong', en: 'Done' },
      receivedAt: '2026-06-09T08:00:00+07:00',
      dueAt: '2099-06-20T17:00:00+07:00',
      overdue: false,
      resultDelivery: 'post',
      applicant: { maskedName: 'P*** M*** Đ***' },
    });
    expect(body.history.map((entry: { status: number }) => entry.status)).toEqual([1, 2, 4, 9]);
    expect(responseValidator('Application')(body)).toBe(true);
    expect(JSON.stringify(body)).not.toMatch(/Phạm|064090123456|0912345678|1990/);
    // the local stack's HTTP server passes the header through: a wrong year is the unknown code's 404
    const wrongYear = await lookup(code, '1991');
    expect(wrongYear.status).toBe(404);
    expect(((await wrongYear.json()) as { error: { code: string } }).error.code).toBe(
      'APPLICATION_NOT_FOUND',
    );
  });

  it('moves a malformed event to the dead-letter queue and applies nothing of it', async () => {
    const code = '000.00.12.H21-250115-0009';
    await send(['{not json', { ...procedureEvent(1, 42), applicationCode: code }]);
    const deadLetters = async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: stack.names.queues.procedureEvents.deadLetter.url,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
    };
    await until('two dead letters', async () => ((await deadLetters()) >= 2 ? true : undefined), 60_000);
    expect((await lookup(code)).status).toBe(404);
  });

  it("applies an agency's own event, and dead-letters its event for another agency", async () => {
    const pleiku = new SQSClient({
      endpoint: stack.endpoints.sqs,
      region: stack.names.region,
      credentials: localAgencyCredentials('CA-PLEIKU'),
    });
    const own = '000.00.12.H21-250115-0011';
    const other = '000.00.12.H21-250115-0012';
    try {
      await send(
        [
          procedureEvent(1, 2, { applicationCode: other }),
          procedureEvent(1, 2, { applicationCode: own, agencyCode: 'CA-PLEIKU' }),
        ],
        pleiku,
      );
    } finally {
      pleiku.destroy();
    }
    await until('the own event', async () => ((await lookup(own)).status === 200 ? true : undefined));
    // the other agency's event is refused on every receive, then dead-lettered: it never reaches the table
    await until(
      'the dead letter',
      async () => {
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: stack.names.queues.procedureEvents.deadLetter.url,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 0,
          }),
        );
        return Messages?.some((message) => message.Body?.includes(other)) ? true : undefined;
      },
      60_000,
    );
    expect((await lookup(other)).status).toBe(404);
  });
});

describe('the HTTP API on 127.0.0.1', () => {
  it('answers errors as JSON with codes, and the request id in a header', async () => {
    const malformed = await lookup('not-a-code');
    expect(malformed.status).toBe(400);
    const body = (await malformed.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('APPLICATION_CODE_INVALID');
    expect(responseValidator('Error')(body)).toBe(true);
    expect(malformed.headers.get('x-request-id')).toBe(body.error.requestId);
    const unknown = await lookup('000.00.12.H21-250115-0404');
    expect(unknown.status).toBe(404);
    expect(responseValidator('Error')(await unknown.json())).toBe(true);
  });

  it('answers API Gateway 404 for a route it does not have', async () => {
    expect((await fetch(`${http}/admin`)).status).toBe(404);
  });

  it("refuses agency routes without a token, and shows an agency's own batches", async () => {
    expect((await fetch(`${http}/batches`)).status).toBe(401);
    const own = await fetch(`${http}/batches?agency=CA-GIALAI`, {
      headers: await signedIn(http, 'CA-GIALAI'),
    });
    expect(own.status).toBe(200);
    expect(responseValidator('BatchList')(await own.json())).toBe(true);
    const other = await fetch(`${http}/batches?agency=CA-KONTUM`, {
      headers: await signedIn(http, 'CA-GIALAI'),
    });
    expect(other.status).toBe(403);
    const missing = await fetch(`${http}/batches/AbCdEfGhIjKlMnOpQrStUv`, {
      headers: await signedIn(http, 'CA-GIALAI'),
    });
    expect(missing.status).toBe(404);
  });

  it('serves the page and the OpenAPI document', async () => {
    const page = await fetch(`${http}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const openapi = (await (await fetch(`${http}/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(openapi.paths)).toContain('/applications/{code}');
  });
});
