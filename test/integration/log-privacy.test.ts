// Decree 13/2023: nothing the stack logs while it ingests may carry a name, a personal ID or a phone number in
// clear. Everything written to stdout and stderr (the functions' Powertools logs at DEBUG, the local runtime's
// lines) during full ingest runs is captured and searched for every such value of the batches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { generateRows } from '../../tools/synthetic/generator.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { Agency, tempDir } from './harness.ts';

const written: string[] = [];
const capture = (stream: NodeJS.WriteStream) => {
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return write(chunk, ...rest);
  }) as typeof stream.write;
  return () => {
    stream.write = write as typeof stream.write;
  };
};
const releases: (() => void)[] = [];
let stack: LocalStack;
let agency: Agency;

beforeAll(async () => {
  releases.push(capture(process.stdout), capture(process.stderr));
  const log = { info: (line: string) => written.push(line), error: (line: string) => written.push(line) };
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    extraEnv: { POWERTOOLS_LOG_LEVEL: 'DEBUG', SPLIT_CHUNK_ROWS: '50' },
    log,
  });
  agency = new Agency(stack);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  for (const release of releases) release();
});

const PERSONAL_FIELDS = ['full_name', 'other_name', 'personal_id', 'old_id_number', 'phone', 'email'].concat(
  ['father', 'mother', 'spouse', 'household_head'].flatMap((who) => [`${who}_name`, `${who}_id`]),
);

/** Names, ID numbers and phone numbers of every row, as the forms wrote them and with only their digits. */
function personalValues(options: Parameters<typeof buildBatch>[0]): Set<string> {
  const values = new Set<string>();
  for (const { values: cells } of generateRows(options)) {
    for (const field of PERSONAL_FIELDS) {
      const value = (cells as Record<string, string | undefined>)[field]?.trim();
      if (!value || value.length < 6) continue;
      values.add(value);
      const digits = value.replace(/\D/g, '');
      if (digits.length >= 9) values.add(digits);
    }
  }
  return values;
}

describe('logs during ingestion', () => {
  it('hold no name, personal ID or phone number of any row, whatever the outcome', async () => {
    const options = { rows: 400, seed: 131, errorRate: 0.3, duplicateRate: 0.2 };
    const batch = buildBatch(options);
    const at = await agency.upload('incoming/CA-CHUSE/forms.csv', batch.bytes);
    const summary = await agency.waitForSummary('CA-CHUSE', 'forms.csv', at);
    expect(summary.status).toBe('completed');
    const broken = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), batch.bytes.subarray(0, 2000)]);
    const brokenAt = await agency.upload('incoming/CA-CHUSE/broken.csv.gz', broken);
    expect((await agency.waitForSummary('CA-CHUSE', 'broken.csv.gz', brokenAt)).status).toBe('failed');

    const logs = written.join('\n');
    // the capture works: the functions did log at DEBUG/INFO, with batch ids
    expect(logs).toContain(summary.batchId);
    const personal = personalValues(options);
    expect(personal.size).toBeGreaterThan(1000);
    const leaked = [...personal].filter((value) => logs.includes(value));
    expect(leaked).toEqual([]);
  });
});
