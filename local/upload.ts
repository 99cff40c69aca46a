// `npm run upload -- FILE --agency CODE [--as CODE] [--name NAME] [--wait] [--timeout S] [--aws --bucket B]`
// Uploads a batch as an agency does (incoming/{agency}/{name}) with a progress bar, to the local stack or a
// deployed one; with --wait, follows it to its report and prints the summary. Exit 0 when the batch
// completed with no row rejected, 1 with rejected rows, 2 when it failed, 3 on a timeout, 64 on bad usage.
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { objectKeys } from '../shared/keys.ts';
import { nameAlreadyUsed } from './name-used.ts';
import { resolveTarget, type Target, UnknownAgencyError } from './target.ts';

const USAGE =
  'usage: npm run upload -- FILE --agency CODE [--as CODE] [--name NAME] [--wait] [--timeout SECONDS] [--aws --bucket B]';

function bar(done: number, total: number): string {
  const width = 30;
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`;
}

async function waitForReport(s3: S3Client, bucket: string, key: string, since: Date, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      if (head.LastModified && head.LastModified.getTime() >= since.getTime() - 1000) {
        const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return JSON.parse((await Body?.transformToString()) ?? '{}') as {
          batchId?: string;
          status: string;
          outcomes: { rejected: number };
        };
      }
    } catch (error) {
      if ((error as Error).name !== 'NotFound' && (error as Error).name !== 'NoSuchKey') throw error;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return undefined;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      agency: { type: 'string' },
      // locally: sign as this agency (default: the agency itself); another agency's upload is refused by the split
      as: { type: 'string' },
      name: { type: 'string' },
      wait: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '900' },
      aws: { type: 'boolean', default: false },
      bucket: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || !values.agency || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(values.agency)) {
    console.error(USAGE);
    return 64;
  }
  let target: Target;
  try {
    target = resolveTarget({ aws: values.aws, bucket: values.bucket, signAs: values.as ?? values.agency });
  } catch (error) {
    if (!(error instanceof UnknownAgencyError)) throw error;
    console.error(error.message);
    return 64;
  }
  const s3 = new S3Client(target.s3 as S3ClientConfig);
  const name = values.name ?? basename(file);
  const key = objectKeys.upload(values.agency, name);
  const total = statSync(file).size;
  const earlier = await nameAlreadyUsed(s3, target.bucket, values.agency, name);
  if (earlier) console.error(earlier);
  const started = new Date();
  const upload = new Upload({
    client: s3,
    params: { Bucket: target.bucket, Key: key, Body: createReadStream(file) },
  });
  upload.on('httpUploadProgress', ({ loaded }) => process.stderr.write(`\r${bar(loaded ?? 0, total)}`));
  await upload.done();
  process.stderr.write(`\r${bar(total, total)}\n`);
  console.error(`uploaded s3://${target.bucket}/${key} (${target.kind})`);
  if (!values.wait) return 0;

  const reportKey = objectKeys.report(values.agency, name, 'summary.json');
  console.error(`waiting for s3://${target.bucket}/${reportKey} …`);
  const summary = await waitForReport(s3, target.bucket, reportKey, started, Number(values.timeout) * 1000);
  if (!summary) {
    console.error(`no report after ${values.timeout} s`);
    return 3;
  }
  console.log(JSON.stringify(summary, null, 2));
  // where this batch's files stay, whatever is uploaded under the same name later
  if (summary.batchId) {
    const prefix = objectKeys.batchReportPrefix(values.agency, name, summary.batchId);
    console.error(`report files (this batch): s3://${target.bucket}/${prefix}`);
    for (const file of ['outcomes.csv', 'outcomes.xlsx', 'review.csv'] as const)
      console.error(`  ${file.padEnd(14)} s3://${target.bucket}/${prefix}${file}`);
  }
  if (summary.status !== 'completed') return 2;
  return summary.outcomes.rejected > 0 ? 1 : 0;
}

process.exitCode = await main();
