// A file too big for one invocation: the split hands over to fresh invocations, each going on from its
// checkpoint (a ranged read for plain UTF-8, a re-read for gzip), and the ledger is that of one run.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, expectedPeople, expectLedger, quietLog, tempDir } from './harness.ts';

let stack: LocalStack;
let agency: Agency;
const people = new Set<string>();

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    // a split "times out" after 3 s and hands over when less than 2.99 s are left: every chunk or so, however fast
    // the machine (with 2.95 s a fast one did the file in three invocations)
    timeouts: { split: 3 },
    visibilityTimeouts: { intake: 20, records: 60, finalize: 30 },
    // the batch generator's truth is the exact-key register's; linkage has its own truth (linkage.test.ts)
    extraEnv: { LINKAGE: 'off', SPLIT_HANDOVER_MARGIN_MS: '2990', SPLIT_CHUNK_ROWS: '200' },
    log: quietLog,
  });
  agency = new Agency(stack);
}, 60_000);
afterAll(async () => stack?.stop());

async function invocationsOf(objectKey: string): Promise<number> {
  const batch = (await agency.scan('batches')).find((i) => i.objectKey === objectKey && i.sk === 'META');
  return Number((batch?.checkpoint as { invocations?: number } | undefined)?.invocations ?? 0);
}

describe('split hand-over', () => {
  it('a big plain CSV goes through several invocations with ranged reads and the ledger of one run', {
    timeout: 300_000,
  }, async () => {
    const batch = buildBatch({
      rows: 4_000,
      seed: 51,
      errorRate: 0.05,
      duplicateRate: 0.08,
      bom: true,
      lineEnding: '\r\n',
    });
    for (const key of expectedPeople(batch.truth, agency.stack.personKeyer)) people.add(key);
    const at = await agency.upload('incoming/CA-AYUNPA/big.csv', batch.bytes);
    const summary = await agency.waitForSummary('CA-AYUNPA', 'big.csv', at, { timeoutMs: 240_000 });
    const invocations = await invocationsOf('incoming/CA-AYUNPA/big.csv');
    expect(invocations).toBeGreaterThan(3); // so ranged reads start from resumed reads too
    expect(summary.outcomes).toEqual({ probable_duplicate: 0, ...batch.summary.outcomes });
    expectLedger(await agency.outcomes('CA-AYUNPA', 'big.csv'), batch.truth, agency.stack.personKeyer);
    expect(await agency.personKeys()).toEqual(people);
  });

  it('a gzipped NDJSON file is read again and skipped to where the last invocation stopped', {
    timeout: 300_000,
  }, async () => {
    const batch = buildBatch({
      rows: 3_000,
      seed: 52,
      errorRate: 0.05,
      duplicateRate: 0.08,
      format: 'ndjson',
    });
    for (const key of expectedPeople(batch.truth, agency.stack.personKeyer)) people.add(key);
    const at = await agency.upload('incoming/CA-KRONGPA/big.ndjson.gz', gzipSync(batch.bytes));
    const summary = await agency.waitForSummary('CA-KRONGPA', 'big.ndjson.gz', at, { timeoutMs: 240_000 });
    const invocations = await invocationsOf('incoming/CA-KRONGPA/big.ndjson.gz');
    expect(invocations).toBeGreaterThan(1);
    expect(summary.rows).toBe(3_000);
    expectLedger(await agency.outcomes('CA-KRONGPA', 'big.ndjson.gz'), batch.truth, agency.stack.personKeyer);
    expect(await agency.personKeys()).toEqual(people);
  });
});
