// Coverage counters on the emulators (issue 18): after a mixed run — clean, faulty, duplicate, re-collected and
// updated batches, a register crash half-way through a chunk, a finalize that dies after moving some communes, and
// redelivered messages — every counter equals a full recount from the register and the batches' ledgers.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/runtime/stack.ts';
import type { CounterDelta } from '../../shared/model/coverage.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, quietLog, tempDir } from './harness.ts';

let stack: LocalStack;
let agency: Agency;
let recountNow: () => Promise<import('../../shared/coverage/recount.ts').Recount>;
const fault = { registerCrashAfter: 0, registerCrashes: 0, applyCrashAfter: 0, applyCrashes: 0 };

beforeAll(async () => {
  stack = await startLocalStack({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    visibilityTimeouts: { intake: 2, records: 1, finalize: 2 },
    log: quietLog,
    handlers: async (env) => {
      Object.assign(process.env, env, { SPLIT_CHUNK_ROWS: '60' });
      const [
        split,
        finalize,
        commons,
        register,
        registerStore,
        coverageStore,
        reportUpload,
        sources,
        scan,
        files,
        recount,
        referenceStore,
      ] = await Promise.all([
        import('../../functions/split/handler.ts'),
        import('../../functions/finalize/handler.ts'),
        import('../../functions/commons/pipeline.ts'),
        import('../../functions/register/handler.ts'),
        import('../../shared/store/register-store.ts'),
        import('../../shared/store/coverage-store.ts'),
        import('../../shared/store/report-upload.ts'),
        import('../../shared/store/coverage-sources.ts'),
        import('../../shared/store/register-scan.ts'),
        import('../../shared/store/work-files.ts'),
        import('../../shared/coverage/recount.ts'),
        import('../../shared/store/reference-store.ts'),
      ]);
      class CrashingRegister extends registerStore.RegisterStore {
        override async createPerson(
          ...args: Parameters<InstanceType<typeof registerStore.RegisterStore>['createPerson']>
        ) {
          if (fault.registerCrashAfter > 0 && --fault.registerCrashAfter === 0) {
            fault.registerCrashes++;
            throw new Error('injected: crash half-way through a chunk');
          }
          return super.createPerson(...args);
        }
      }
      /** The real counters, made to die once after moving a few items: the retried finalize must move the rest. */
      class CrashingCounters extends coverageStore.CoverageStore {
        override async apply(moveId: string, deltas: readonly CounterDelta[]) {
          if (fault.applyCrashAfter > 0) {
            const first = deltas.slice(0, fault.applyCrashAfter);
            fault.applyCrashAfter = 0;
            fault.applyCrashes++;
            await super.apply(moveId, first);
            throw new Error('injected: finalize dies between two communes');
          }
          return super.apply(moveId, deltas);
        }
      }
      const counters = new CrashingCounters(env.BATCHES_TABLE ?? '');
      const finalizeHandler = finalize.finalizeHandler({
        batches: commons.batches(),
        files: new reportUpload.ReportUploads(env.BATCHES_BUCKET ?? ''),
        references: new referenceStore.ReferenceStore(env.BATCHES_TABLE ?? ''),
        coverage: { ...finalize.coverageFromEnvironment(), counters },
      });
      const registerHandler = register.registerHandler({
        ...commons.registerDeps(),
        register: new CrashingRegister(env.REGISTER_TABLE ?? ''),
        concurrency: 4,
        linkage: false,
      });
      const read = new sources.CoverageSources(
        env.BATCHES_TABLE ?? '',
        new scan.RegisterScan(env.REGISTER_TABLE ?? ''),
        new files.WorkFiles(env.BATCHES_BUCKET ?? ''),
        counters,
      );
      recountNow = () => recount.recount(read);
      return { split: split.handler, register: registerHandler, finalize: finalizeHandler };
    },
  });
  agency = new Agency(stack);
}, 60_000);
afterAll(async () => stack?.stop());

/** A generated CSV cut in two files at a row: the same header on each. */
function halves(text: string, at: number): [string, string] {
  const lines = text.split(/(?<=\n)/);
  const [header = '', ...rows] = lines;
  return [header + rows.slice(0, at).join(''), header + rows.slice(at).join('')];
}

describe('coverage counters against a recount', () => {
  it('equal the recount after a mixed run with crashes and redeliveries', { timeout: 240_000 }, async () => {
    // faults (rejected), repeats (duplicate, updated, conflict) and faulty forms collected again, over two files: a
    // form rejected in the first is re-collected in the second
    const batch = buildBatch({
      rows: 400,
      seed: 18,
      errorRate: 0.12,
      duplicateRate: 0.3,
      repeatMix: { duplicate: 30, updated: 30, conflict: 10, recollected: 30 },
    });
    const [first, second] = halves(batch.text, 200);
    fault.registerCrashAfter = 30;
    let at = await agency.upload('incoming/CA-IAGRAI/first.csv', first);
    const one = await agency.waitForSummary('CA-IAGRAI', 'first.csv', at, { timeoutMs: 90_000 });
    expect(one.status).toBe('completed');
    await agency.waitForCompleted('incoming/CA-IAGRAI/first.csv');
    expect(fault.registerCrashes).toBe(1);

    fault.applyCrashAfter = 3;
    at = await agency.upload('incoming/CA-IAGRAI/second.csv', second);
    const two = await agency.waitForSummary('CA-IAGRAI', 'second.csv', at, { timeoutMs: 90_000 });
    expect(two.status).toBe('completed');
    await agency.waitForCompleted('incoming/CA-IAGRAI/second.csv');
    expect(fault.applyCrashes).toBe(1);

    // the first file again, as another upload: every accepted row a duplicate of itself
    at = await agency.upload('incoming/CA-IAGRAI/again.csv', first);
    const three = await agency.waitForSummary('CA-IAGRAI', 'again.csv', at, { timeoutMs: 90_000 });
    await agency.waitForCompleted('incoming/CA-IAGRAI/again.csv');
    const rows = one.rows + two.rows + three.rows;
    expect(rows).toBeGreaterThanOrEqual(598);

    // redeliveries after the batches completed: a finalize and a chunk of the second file, each twice
    const batches = (await agency.scan('batches')).filter((i) => i.sk === 'META');
    const secondBatch = batches.find((i) => i.objectKey === 'incoming/CA-IAGRAI/second.csv') as {
      batchId: string;
      chunkCounts: number[];
    };
    const sqs = new SQSClient({
      region: stack.names.region,
      endpoint: stack.endpoints.sqs,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      useQueueUrlAsEndpoint: false,
    });
    const partition = secondBatch.chunkCounts.findIndex((count) => count > 0);
    for (let i = 0; i < 2; i++) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: stack.names.queues.finalize.url,
          MessageBody: JSON.stringify({ kind: 'finalize', batchId: secondBatch.batchId }),
        }),
      );
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: stack.names.queues.records.url,
          MessageBody: JSON.stringify({ kind: 'chunk', batchId: secondBatch.batchId, partition, seq: 0 }),
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 4000));

    const result = await recountNow();
    expect(result.batches).toBe(3);
    expect(result.differences).toEqual([]);
    const total = (
      counter: 'permanent' | 'received' | 'rejected' | 'recollected' | 'duplicate',
      vintage = 2020,
    ) =>
      result.counted
        .filter((item) => item.place.vintage === vintage)
        .reduce((sum, item) => sum + item.counts[counter], 0);
    // every form counted once in each list, every person once
    expect(total('received')).toBe(rows);
    expect(total('received', 2025)).toBe(rows);
    expect(total('permanent')).toBe(result.persons);
    expect(total('permanent', 2025)).toBe(result.persons);
    expect(total('rejected')).toBe(
      (one.outcomes.rejected ?? 0) + (two.outcomes.rejected ?? 0) + (three.outcomes.rejected ?? 0),
    );
    expect(total('duplicate')).toBe(
      (one.outcomes.duplicate ?? 0) + (two.outcomes.duplicate ?? 0) + (three.outcomes.duplicate ?? 0),
    );
    expect(total('recollected')).toBeGreaterThan(0);
    expect(three.outcomes.duplicate ?? 0).toBeGreaterThan(0);
    // the generator's Gia Lai addresses place nearly everyone in the province: a commune of the 2020 list, or a 2025
    // commune the 2020 list cannot assign (its own line); the rest wrote no permanent address the resolver can place
    const inProvince = result.counted
      .filter(
        (item) =>
          item.place.kind !== 'unplaced' && item.place.vintage === 2020 && item.place.province === '64',
      )
      .reduce((sum, item) => sum + item.counts.permanent, 0);
    expect(inProvince / result.persons).toBeGreaterThan(0.9);
  });
});
