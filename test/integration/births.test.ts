// Births end to end on the local stack (issue 20): events sent to the births queue, as the civil-registration system
// sends them, register each child with a number of its own (valid for its sex and year, unique under concurrent
// deliveries), link the mother the register holds, survive a redelivery, and a malformed event ends in the
// dead-letter queue after its tries with nothing registered.
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { checkPersonalId } from '../../shared/domain/personal-id.ts';
import { personKeys } from '../../shared/keys.ts';
import type { BirthRegistration } from '../../shared/model/ids.ts';
import { quietLog, tempDir } from './harness.ts';

let stack: LocalStack;
let sqs: SQSClient;
let births: { get(id: string): Promise<BirthRegistration | undefined> };
let register: { getPerson(key: string): Promise<{ record: Record<string, unknown> } | undefined> };

const birth = (i: number, overrides: Record<string, unknown> = {}) => ({
  registrationId: `KS-E2E-${i}`,
  registeringAgency: 'STP-GIALAI',
  occurredAt: '2026-11-30T09:00:00+07:00',
  child: {
    fullName: `Nguyễn Thị Mai ${i}`,
    dateOfBirth: '2026-11-20',
    sex: i % 2 ? 'male' : 'female',
    birthRegistrationCommune: '23650',
    ethnicity: 'Kinh',
    nationality: 'VN',
  },
  ...overrides,
});

async function send(events: unknown[]): Promise<void> {
  for (let i = 0; i < events.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.names.queues.births.url,
        Entries: events.slice(i, i + 10).map((event, j) => ({
          Id: String(j),
          MessageBody: typeof event === 'string' ? event : JSON.stringify(event),
        })),
      }),
    );
  }
}

async function registered(ids: string[], timeoutMs = 60_000): Promise<BirthRegistration[]> {
  const started = Date.now();
  for (;;) {
    const found = await Promise.all(ids.map((id) => births.get(id)));
    if (found.every(Boolean)) return found as BirthRegistration[];
    if (Date.now() - started > timeoutMs) throw new Error('the births were not registered');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    visibilityTimeouts: { births: 1 },
    log: quietLog,
  });
  sqs = new SQSClient({
    endpoint: stack.endpoints.sqs,
    region: stack.names.region,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const { BirthStore } = await import('../../shared/store/id-store.ts');
  const { RegisterStore } = await import('../../shared/store/register-store.ts');
  births = new BirthStore(stack.names.tables.ids);
  register = new RegisterStore(stack.names.tables.register) as never;
}, 120_000);
afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

describe('births on the local stack', () => {
  it('registers each child with a number of its own, valid for its sex and year, however many arrive at once', async () => {
    const events = Array.from({ length: 40 }, (_, i) => birth(i));
    await send(events);
    // a redelivery of some of them, while the first are in flight
    await send(events.slice(0, 10));
    const done = await registered(events.map((e) => e.registrationId));
    const numbers = done.map((b) => b.number);
    expect(new Set(numbers).size).toBe(40);
    for (const [i, number] of numbers.entries()) {
      expect(number.slice(0, 3)).toBe('064');
      expect(checkPersonalId(number, 'id', { sex: i % 2 ? 'male' : 'female', birthYear: 2026 })).toEqual([]);
    }
    const child = await register.getPerson(stack.personKeyer.seal(personKeys.identityById(numbers[3] ?? '')));
    expect(child?.record).toMatchObject({ fullName: 'Nguyễn Thị Mai 3', personalId: numbers[3] });
    expect(done[3]).toMatchObject({
      missing: ['hometown', 'currentAddress'],
      parents: { mother: 'notGiven' },
    });
  });

  it('sends a malformed event to the dead-letter queue after its tries, registering nothing', async () => {
    await send(['{"registrationId": "KS-BAD"', birth(99, { registeringAgency: 'NOBODY' })]);
    const dlq = stack.names.queues.births.deadLetter.url;
    const started = Date.now();
    for (;;) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      if (Number(Attributes?.ApproximateNumberOfMessages) >= 2) break;
      if (Date.now() - started > 60_000) throw new Error('no dead letters');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await births.get('KS-E2E-99')).toBeUndefined();
  }, 90_000);
});
