// A prefix with no number left (issue 20), on the local stack with a small configured space (ID_SPACE_LIMIT=3): three
// births of one prefix are registered, the fourth fails with ID_PREFIX_FULL after its tries and ends in the
// dead-letter queue (whose alarm fires in AWS), registering nothing; a birth of another prefix still gets its number.
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import type { BirthRegistration } from '../../shared/model/ids.ts';
import { quietLog, tempDir } from './harness.ts';

let stack: LocalStack;
let sqs: SQSClient;
let births: { get(id: string): Promise<BirthRegistration | undefined> };

const birth = (id: string, sex: 'male' | 'female') => ({
  registrationId: id,
  registeringAgency: 'STP-GIALAI',
  occurredAt: '2026-11-30T09:00:00+07:00',
  child: {
    fullName: `Trẻ ${id}`,
    dateOfBirth: '2026-11-20',
    sex,
    birthRegistrationCommune: '23650',
    ethnicity: 'Kinh',
    nationality: 'VN',
  },
});

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    visibilityTimeouts: { births: 1 },
    extraEnv: { ID_SPACE_LIMIT: '3' },
    log: quietLog,
  });
  sqs = new SQSClient({
    endpoint: stack.endpoints.sqs,
    region: stack.names.region,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const { BirthStore } = await import('../../shared/store/id-store.ts');
  births = new BirthStore(stack.names.tables.ids);
}, 120_000);
afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

describe('a full prefix', () => {
  it('registers the births it has numbers for, and sends the next to the dead-letter queue', async () => {
    // one at a time, so that which birth finds the prefix full is known
    const send = (events: unknown[]) =>
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: stack.names.queues.births.url,
          Entries: events.map((event, i) => ({ Id: String(i), MessageBody: JSON.stringify(event) })),
        }),
      );
    const wait = async (id: string) => {
      for (let tries = 0; tries < 300; tries++) {
        const found = await births.get(id);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`${id} was not registered`);
    };
    const numbers: string[] = [];
    for (const id of ['F-1', 'F-2', 'F-3']) {
      await send([birth(id, 'female')]);
      numbers.push((await wait(id)).number);
    }
    expect(new Set(numbers).size).toBe(3);
    await send([birth('F-4', 'female'), birth('M-1', 'male')]);
    // another prefix (a boy: century-and-sex digit 2) is not full
    expect((await wait('M-1')).number).toMatch(/^0642\d{8}$/);
    const dlq = stack.names.queues.births.deadLetter.url;
    for (let tries = 0; ; tries++) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      if (Number(Attributes?.ApproximateNumberOfMessages) >= 1) break;
      if (tries > 120) throw new Error('F-4 did not reach the dead-letter queue');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await births.get('F-4')).toBeUndefined();
  }, 90_000);
});
