// The local stack after a restart: the queue emulator forgets the messages in flight, the batches table does
// not; on start the stack sends again what each unfinished batch was waiting for, and nothing is lost.
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../../local/pipeline.ts';
import type { FunctionHandlers } from '../../local/runtime/stack.ts';
import { type LocalStack, startLocalStack } from '../../local/runtime/stack.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, expectedPeople, expectLedger, quietLog, tempDir } from './harness.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let stack: LocalStack | undefined;
afterAll(async () => stack?.stop());

describe('local stack restart', () => {
  it('a batch interrupted between split and register completes after a restart', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir();
    // the same ports after the restart: the handlers' SDK clients were made for them
    const ports = { s3: await freePort(), sqs: await freePort(), dynamodb: await freePort() };
    let all: FunctionHandlers = {};
    let resume: () => Promise<unknown> = async () => undefined;
    const load = async (env: Record<string, string>) => {
      // the batch generator's truth is the exact-key register's; linkage has its own truth (linkage.test.ts)
      const loaded = await loadPipeline(env, { SPLIT_CHUNK_ROWS: '50', LINKAGE: 'off' });
      all = loaded.handlers;
      resume = loaded.resume;
      return all;
    };

    // first life: the register is not running, so the chunks wait on the records queue
    stack = await startLocalStack({
      dir,
      ports,
      log: quietLog,
      handlers: async (env) => {
        const { split } = await load(env);
        return { split };
      },
    });
    const agency = new Agency(stack);
    const batch = buildBatch({ rows: 400, seed: 61, errorRate: 0.05, duplicateRate: 0.1 });
    const at = await agency.upload('incoming/CA-PHUTHIEN/restart.csv', batch.bytes);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const item = (await agency.scan('batches')).find((i) => i.sk === 'META');
      if (item?.status === 'registering' && item.chainsStarted) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await stack.stop();

    // second life: same data directory, every function, and the resume step
    stack = await startLocalStack({
      dir,
      ports,
      log: quietLog,
      handlers: all,
      onStarted: () => resume().then(() => undefined),
    });
    const again = new Agency(stack);
    const summary = await again.waitForSummary('CA-PHUTHIEN', 'restart.csv', at, { timeoutMs: 120_000 });
    expect(summary.outcomes).toEqual({ probable_duplicate: 0, ...batch.summary.outcomes });
    expectLedger(await again.outcomes('CA-PHUTHIEN', 'restart.csv'), batch.truth, again.stack.personKeyer);
    expect(await again.personKeys()).toEqual(expectedPeople(batch.truth, agency.stack.personKeyer));
  });
});
