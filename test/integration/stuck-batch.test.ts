// A batch can no longer be stuck for ever (issue 24, item 2): a register invocation killed mid-chunk on every try
// (here, one that hangs past its timeout, as a Lambda timeout or an out-of-memory kill ends it) never runs the last
// try's bookkeeping, so its chunk reaches the dead-letter queue with the batch still `registering`. The dead-letter
// watch marks the batch failed with a report; once the cause is fixed, a redrive finishes it.
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redriveQueue } from '../../local/dead-letters.ts';
import { type LocalStack, startLocalStack } from '../../local/runtime/stack.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, expectedPeople, expectLedger, quietLog, tempDir } from './harness.ts';

/** seconds between two sweeps of the dead-letter watch */
const WATCH_SECONDS = 3;
/** the register's timeout here: a hung invocation is given up after it */
const REGISTER_TIMEOUT_SECONDS = 1;

let stack: LocalStack;
let agency: Agency;
let sqs: SQSClient;
/** while `hang`, every other write of the register never returns: the invocation dies mid-chunk on every try */
const fault = { hang: false, writes: 0, hangs: 0 };

beforeAll(async () => {
  stack = await startLocalStack({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    // a chunk's tries: 1 s each, then back after 2 s; five tries, then the dead-letter queue. A sweep takes a second
    // or so: the watch queue's messages come back after 5 s
    timeouts: { register: REGISTER_TIMEOUT_SECONDS },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 5, watch: 5 },
    deadLetterWatchSeconds: WATCH_SECONDS,
    log: quietLog,
    handlers: async (env) => {
      // the batch generator's truth is the exact-key register's; linkage has its own truth (linkage.test.ts)
      Object.assign(process.env, env, { SPLIT_CHUNK_ROWS: '30', LINKAGE: 'off' });
      const [split, finalize, watch, commons, register, registerStore] = await Promise.all([
        import('../../functions/split/handler.ts'),
        import('../../functions/finalize/handler.ts'),
        import('../../functions/watch/handler.ts'),
        import('../../functions/commons/pipeline.ts'),
        import('../../functions/register/handler.ts'),
        import('../../shared/store/register-store.ts'),
      ]);
      class HangingRegisterStore extends registerStore.RegisterStore {
        override async createPerson(
          ...args: Parameters<InstanceType<typeof registerStore.RegisterStore>['createPerson']>
        ) {
          if (fault.hang && ++fault.writes % 2 === 0) {
            fault.hangs += 1;
            return new Promise<boolean>(() => undefined); // the invocation is over; this never returns
          }
          return super.createPerson(...args);
        }
      }
      const registerHandler = register.registerHandler({
        ...commons.registerDeps(),
        register: new HangingRegisterStore(env.REGISTER_TABLE ?? ''),
        concurrency: 4,
        linkage: false,
        // a hung holder's lease runs out before the next try, which then hangs in turn rather than waiting
        chunkLeaseMs: 500,
      });
      return {
        split: split.handler,
        register: registerHandler,
        finalize: finalize.handler,
        watch: watch.handler,
      };
    },
  });
  agency = new Agency(stack);
  sqs = new SQSClient({
    region: stack.names.region,
    endpoint: stack.endpoints.sqs,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    useQueueUrlAsEndpoint: false,
  });
}, 60_000);
afterAll(async () => stack?.stop());

/**
 * How many messages wait in the records dead-letter queue (up to 10), each left there; read again for a few
 * seconds while none is visible, as a sweep hides those it reads for a moment.
 */
async function deadLetterCount(): Promise<number> {
  const deadline = Date.now() + 8000;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.names.queues.records.deadLetter.url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 1,
      }),
    );
    if (Messages.length > 0 || Date.now() > deadline) return Messages.length;
  }
}

it('a batch whose register is killed on every try ends failed with a report; a redrive finishes it', {
  timeout: 180_000,
}, async () => {
  const batch = buildBatch({ rows: 90, seed: 43, errorRate: 0.05, duplicateRate: 0.1 });
  fault.hang = true;
  const at = await agency.upload('incoming/CA-KBANG/stuck.csv', batch.bytes);
  // five tries of 1 s, 2 s apart, then a sweep: well within 30 s
  const failed = await agency.waitForSummary('CA-KBANG', 'stuck.csv', at, {
    status: 'failed',
    timeoutMs: 30_000,
  });
  expect(fault.hangs).toBeGreaterThan(0);
  expect(failed.failure?.code).toBe('BATCH_PROCESSING_FAILED');
  // the watch's reason, not a last try's: no try ever ended
  expect(failed.failure?.message).toContain('records: every try ended without a result');
  const [meta] = (await agency.scan('batches')).filter(
    (i) => i.sk === 'META' && i.batchId === failed.batchId,
  );
  expect(meta?.status).toBe('failed');

  // the watch leaves every dead letter where it is, for a redrive
  expect(await deadLetterCount()).toBeGreaterThan(0);
  fault.hang = false;
  await new Promise((resolve) => setTimeout(resolve, 12_000)); // every chunk's tries run out, or succeed
  const redriveAt = new Date();
  // a sweep hides the messages it reads for a moment: a redrive that meets one moves the rest next time
  let moved = 0;
  for (let round = 0; round < 4 && (moved === 0 || (await deadLetterCount()) > 0); round++) {
    moved += await redriveQueue(
      sqs,
      stack.names.queues.records.deadLetter.url,
      stack.names.queues.records.url,
    );
  }
  expect(moved).toBeGreaterThan(0);
  const done = await agency.waitForSummary('CA-KBANG', 'stuck.csv', redriveAt, {
    status: 'completed',
    timeoutMs: 60_000,
  });
  expect(done.batchId).toBe(failed.batchId);
  expect(done.outcomes).toEqual({ probable_duplicate: 0, ...batch.summary.outcomes });
  expectLedger(await agency.outcomes('CA-KBANG', 'stuck.csv'), batch.truth, agency.stack.personKeyer);
  expect(await agency.personKeys()).toEqual(expectedPeople(batch.truth, agency.stack.personKeyer));
});
