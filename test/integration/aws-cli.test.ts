// Independent clients: curl uploads a batch with an upload URL of the agency function (`curl --upload-file`, as
// docs/operations.md shows), and the AWS CLI, pointed at the local stack with what `.dancu/local.json` says, fetches
// its report. CI installs Debian's awscli; elsewhere the test needs `aws` (and curl) on the PATH.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '#batch/ledger.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { agenciesWith, askUploadUrl, expectLedger, machineContext, quietLog, tempDir } from './harness.ts';

const run = promisify(execFile);
const cliFound = await run('aws', ['--version']).then(
  () => true,
  () => false,
);
if (!cliFound && process.env.CI) throw new Error('the AWS CLI is not installed (.ci/run installs awscli)');

let stack: LocalStack;
let dir: string;

beforeAll(async () => {
  if (!cliFound) return;
  dir = await tempDir();
  stack = await startPipeline({
    dir,
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    agencies: agenciesWith('CA-CLI'),
    // the batch generator's truth is the exact-key register's; linkage has its own truth (linkage.test.ts)
    extraEnv: { LINKAGE: 'off' },
    log: quietLog,
  });
}, 60_000);
afterAll(async () => stack?.stop());

describe.skipIf(!cliFound)('the AWS CLI against the local stack', () => {
  it('uploads a batch with curl and an upload URL, and fetches its report', async () => {
    const local = JSON.parse(await readFile(join(dir, 'local.json'), 'utf8'));
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: local.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: local.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: local.region,
      AWS_REGION: local.region,
      // newer CLIs add checksums (aws-chunked uploads) unless told to only when required, as s3rver needs
      AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    };
    const aws = (...args: string[]) =>
      run('aws', ['--endpoint-url', local.endpoints.s3, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    const bucket = local.buckets.batches;
    const batch = buildBatch({ rows: 200, seed: 31, errorRate: 0.1, duplicateRate: 0.1 });
    const file = join(dir, 'forms.csv');
    await writeFile(file, batch.bytes);

    const { statusCode, body: ticket } = await askUploadUrl(stack, 'forms.csv', machineContext('CA-CLI'));
    expect(statusCode).toBe(201);
    const headers = Object.entries(ticket.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
    await run('curl', ['--fail', '--silent', '--show-error', '--upload-file', file, ...headers, ticket.url]);
    const head = JSON.parse(
      (await aws('s3api', 'head-object', '--bucket', bucket, '--key', ticket.key)).stdout,
    );
    expect(head.Metadata).toEqual({ 'dancu-agency': 'CA-CLI', 'dancu-uploader': 'local-client-CA-CLI' });

    const reports = `s3://${local.buckets.reports}/reports/CA-CLI/forms.csv`;
    let summary: BatchSummary | undefined;
    for (let tries = 0; !summary && tries < 150; tries++) {
      const listed = await aws('s3', 'ls', `${reports}/`).catch(() => ({ stdout: '' }));
      if (listed.stdout.includes('summary.json')) {
        summary = JSON.parse((await aws('s3', 'cp', `${reports}/summary.json`, '-')).stdout);
      } else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(summary).toMatchObject({ status: 'completed', rows: 200 });
    expect(summary?.outcomes).toEqual({ probable_duplicate: 0, ...batch.summary.outcomes });

    const csv = (await aws('s3', 'cp', `${reports}/outcomes.csv`, '-')).stdout;
    expect(csv.startsWith('\ufeff')).toBe(true);
    const [header, ...lines] = csv.slice(1).trimEnd().split('\n');
    expect(header).toBe('row,line,form_id,outcome,person_key,codes,message');
    expectLedger(
      // the line column left out, as the truth has none
      lines.map((line) =>
        line
          .split(',')
          .slice(0, 6)
          .filter((_, i) => i !== 1),
      ),
      batch.truth,
      stack.personKeyer,
    );
  });
});
