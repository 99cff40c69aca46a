// Exactly once under failure, on the emulators: a register invocation that crashes half-way through a chunk
// is retried to the same outcomes; a chunk that keeps failing ends in the dead-letter queue with its batch
// marked failed, and a redrive finishes the batch once the cause is gone.
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redriveQueue } from '../../local/dead-letters.ts';
import { type LocalStack, startLocalStack } from '../../local/runtime/stack.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, expectedPeople, expectLedger, quietLog, tempDir } from './harness.ts';

let stack: LocalStack;
let agency: Agency;
/** how the injected register store misbehaves */
const fault = { crashAfterWrites: 0, crashes: 0, broken: false, brokenTries: 0 };

beforeAll(async () => {
  stack = await startLocalStack({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    visibilityTimeouts: { intake: 2, records: 1, finalize: 2 },
    log: quietLog,
    handlers: async (env) => {
      // the batch generator's truth is the exact-key register's; linkage has its own truth (linkage.test.ts)
      Object.assign(process.env, env, { SPLIT_CHUNK_ROWS: '60', LINKAGE: 'off' });
      const [split, finalize, commons, register, registerStore] = await Promise.all([
        import('../../functions/split/handler.ts'),
        import('../../functions/finalize/handler.ts'),
        import('../../functions/commons/pipeline.ts'),
        import('../../functions/register/handler.ts'),
        import('../../shared/store/register-store.ts'),
      ]);
      /** The real register store, made to crash after some writes, or to fail every write while broken. */
      class FaultyRegisterStore extends registerStore.RegisterStore {
        override async createPerson(
          ...args: Parameters<InstanceType<typeof registerStore.RegisterStore>['createPerson']>
        ): Promise<boolean> {
          if (fault.broken) {
            fault.brokenTries += 1;
            throw new Error('injected: the register is unavailable');
          }
          if (fault.crashAfterWrites > 0 && --fault.crashAfterWrites === 0) {
            fault.crashes += 1;
            throw new Error('injected: crash half-way through a chunk');
          }
          return super.createPerson(...args);
        }
      }
      // the register function as deployed, with the faulty store in place of the real one (exact keys only)
      const registerHandler = register.registerHandler({
        ...commons.registerDeps(),
        register: new FaultyRegisterStore(env.REGISTER_TABLE ?? ''),
        concurrency: 4,
        linkage: false,
      });
      return { split: split.handler, register: registerHandler, finalize: finalize.handler };
    },
  });
  agency = new Agency(stack);
}, 60_000);
afterAll(async () => stack?.stop());

describe('exactly once under failure', () => {
  it('a chunk retried after a crash half-way yields the outcomes of an uninterrupted run, each row counted once', {
    timeout: 120_000,
  }, async () => {
    const batch = buildBatch({ rows: 400, seed: 41, errorRate: 0.1, duplicateRate: 0.2 });
    fault.crashAfterWrites = 25; // mid-way through the first chunk
    const at = await agency.upload('incoming/CA-IAGRAI/crash.csv', batch.bytes);
    const summary = await agency.waitForSummary('CA-IAGRAI', 'crash.csv', at);
    expect(fault.crashes).toBe(1);
    expect(summary.outcomes).toEqual({ probable_duplicate: 0, ...batch.summary.outcomes });
    const lines = await agency.outcomes('CA-IAGRAI', 'crash.csv');
    expectLedger(lines, batch.truth, agency.stack.personKeyer);
    expect(await agency.personKeys()).toEqual(expectedPeople(batch.truth, agency.stack.personKeyer));
    // every accepted row touched its person exactly once; a copy of a form applied already (SAME_FORM) writes nothing
    const applied = (await agency.scan('register'))
      .filter((i) => i.sk === 'PERSON')
      .flatMap((i) => i.applied as string[]);
    const copies = lines.filter((line) => /^SAME_/.test(line[4] ?? '')).length;
    expect(copies).toBeGreaterThan(0);
    const written = batch.truth.filter((t) => t.outcome !== 'rejected').length - copies;
    expect(applied).toHaveLength(written);
    expect(new Set(applied.map((a) => a.split(':')[0])).size).toBe(written);
  });

  it('a chunk delivered again after its batch completed changes nothing, and the batch finishes once', {
    timeout: 120_000,
  }, async () => {
    await agency.waitForCompleted('incoming/CA-IAGRAI/crash.csv');
    const registerBefore = await agency.scan('register');
    const batches = (await agency.scan('batches')).filter(
      (i) => i.sk === 'META' && i.objectKey === 'incoming/CA-IAGRAI/crash.csv',
    );
    const batch = batches[0] as { batchId: string; finishedAt: string; chunkCounts: number[] };
    const summaryBefore = await agency.text('reports/CA-IAGRAI/crash.csv/summary.json');
    const sqs = new SQSClient({
      region: stack.names.region,
      endpoint: stack.endpoints.sqs,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      useQueueUrlAsEndpoint: false,
    });
    const partition = batch.chunkCounts.findIndex((count) => count > 0);
    const message = JSON.stringify({ kind: 'chunk', batchId: batch.batchId, partition, seq: 0 });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: stack.names.queues.records.url, MessageBody: message }),
    );
    await sqs.send(
      new SendMessageCommand({ QueueUrl: stack.names.queues.records.url, MessageBody: message }),
    );
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await agency.scan('register')).toEqual(registerBefore);
    expect(await agency.text('reports/CA-IAGRAI/crash.csv/summary.json')).toBe(summaryBefore);
    const after = (await agency.scan('batches')).find((i) => i.sk === 'META' && i.batchId === batch.batchId);
    expect(after?.finishedAt).toBe(batch.finishedAt);
  });

  it('a poison chunk ends in the dead-letter queue with its batch failed and a reason; a redrive finishes it', {
    timeout: 180_000,
  }, async () => {
    const before = await agency.personKeys();
    const batch = buildBatch({ rows: 120, seed: 42, errorRate: 0.05, duplicateRate: 0.1 });
    fault.broken = true;
    const at = await agency.upload('incoming/CA-KBANG/poison.csv', batch.bytes);
    const failed = await agency.waitForSummary('CA-KBANG', 'poison.csv', at, {
      status: 'failed',
      timeoutMs: 90_000,
    });
    expect(failed.failure?.code).toBe('BATCH_PROCESSING_FAILED');
    expect(failed.failure?.message).toContain('injected: the register is unavailable');
    expect(await agency.personKeys()).toEqual(before);

    // the dead-letter queue holds the chunks; bounded tries: maxReceiveCount per chunk
    const sqs = new SQSClient({
      region: stack.names.region,
      endpoint: stack.endpoints.sqs,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      useQueueUrlAsEndpoint: false,
    });
    const deadline = Date.now() + 30_000;
    let inDlq = 0;
    while (Date.now() < deadline) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: stack.names.queues.records.deadLetter.url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
        }),
      );
      inDlq = Messages.length;
      if (inDlq > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(inDlq).toBeGreaterThan(0);

    fault.broken = false;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let every chain reach the dead-letter queue
    const redriveAt = new Date();
    const moved = await redriveQueue(
      sqs,
      stack.names.queues.records.deadLetter.url,
      stack.names.queues.records.url,
    );
    expect(moved).toBeGreaterThan(0);
    const done = await agency.waitForSummary('CA-KBANG', 'poison.csv', redriveAt, {
      status: 'completed',
      timeoutMs: 60_000,
    });
    expect(done.outcomes).toEqual({ probable_duplicate: 0, ...batch.summary.outcomes });
    expectLedger(await agency.outcomes('CA-KBANG', 'poison.csv'), batch.truth, agency.stack.personKeyer);
    expect(await agency.personKeys()).toEqual(
      new Set([...before, ...expectedPeople(batch.truth, agency.stack.personKeyer)]),
    );
  });
});
