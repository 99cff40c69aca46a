// `npm run reference -- FILE [--name NAME] [--timeout S] [--aws --bucket B]`
// The platform team's upload of expected residents per commune (issue 18): puts FILE under `reference/population/`
// (`{name}.csv`, the file's own name without `.csv` unless --name), waits for the report the finalize function writes
// beside it and prints it, in Vietnamese and English. Locally to the running stack (`npm start`); with --aws to the
// stage's bucket (--bucket or DANCU_BATCHES_BUCKET) with the caller's own AWS credentials: only a role that may put
// objects under the prefix (the platform's operators) can. Exit 0 when completed with no row refused, 1 with refused
// rows, 2 when the file failed, 3 on a timeout, 64 on bad usage.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { ReferenceReport } from '../shared/ingest/reference-upload.ts';
import { objectKeys } from '../shared/keys.ts';
import { resolveTarget } from './target.ts';

const USAGE = 'usage: npm run reference -- FILE [--name NAME] [--timeout SECONDS] [--aws --bucket B]';
/** the refused rows printed; the report lists up to 1,000 */
const ROWS_SHOWN = 20;

/** The name a file is uploaded under: `--name`, else its own name without `.csv`; undefined when not a usable one. */
export function referenceName(file: string, name?: string): string | undefined {
  const chosen = name ?? basename(file).replace(/\.csv$/i, '');
  return objectKeys.parseReference(objectKeys.referenceUpload(chosen)) ? chosen : undefined;
}

/**
 * Puts `body` as reference upload `name` and waits for its report: the report of this upload (its version, or
 * written after it was put). Undefined after `timeoutMs`.
 */
export async function uploadReference(
  s3: S3Client,
  bucket: string,
  name: string,
  body: Uint8Array,
  options: { timeoutMs: number; onUploaded?: (key: string) => void },
): Promise<ReferenceReport | undefined> {
  const key = objectKeys.referenceUpload(name);
  const started = Date.now();
  const { VersionId } = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/csv' }),
  );
  options.onUploaded?.(key);
  const reportKey = objectKeys.referenceReport(name);
  while (Date.now() - started < options.timeoutMs) {
    try {
      const { Body, LastModified } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: reportKey }));
      const report = JSON.parse((await Body?.transformToString()) ?? '{}') as ReferenceReport;
      // a version names its report; without versions (the local S3) a report written since the upload is its own
      const ours = VersionId
        ? report.versionId === VersionId
        : (LastModified?.getTime() ?? 0) >= started - 1000;
      if (ours && report.objectKey === key) return report;
    } catch (error) {
      if ((error as Error).name !== 'NoSuchKey') throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return undefined;
}

const count = (n: number) => n.toLocaleString('en-US');

/** The report as lines for a terminal: each in Vietnamese and English. */
export function reportLines(report: ReferenceReport): string[] {
  if (report.status === 'failed') {
    const { code = '', message = '' } = report.failure ?? {};
    return [`thất bại / failed: ${code}: ${message}`, '  không lưu gì / nothing stored'];
  }
  const lines = [
    `hoàn tất: nhận ${count(report.communes)} xã, từ chối ${count(report.rejectedCount)} dòng (ngày số liệu ${report.asOf}, danh mục ${report.vintage})`,
    `completed: ${count(report.communes)} communes accepted, ${count(report.rejectedCount)} rows refused (as of ${report.asOf}, ${report.vintage} units)`,
    ...report.provinces.map(
      (p) =>
        `  tỉnh / province ${p.province}: ${count(p.communes)} xã / communes, ${count(p.permanent)} thường trú / permanent, ${count(p.temporary)} tạm trú / temporary`,
    ),
    ...report.rejected.slice(0, ROWS_SHOWN).map((r) => `  dòng / row ${r.row}: ${r.code}: ${r.message}`),
  ];
  if (report.rejectedCount > ROWS_SHOWN)
    lines.push(`  … ${count(report.rejectedCount - ROWS_SHOWN)} dòng khác / more rows: see the report`);
  return lines;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      timeout: { type: 'string', default: '120' },
      aws: { type: 'boolean', default: false },
      bucket: { type: 'string' },
    },
  });
  const file = positionals[0];
  const name = file ? referenceName(file, values.name) : undefined;
  if (!file || !name) {
    console.error(USAGE);
    return 64;
  }
  if (!existsSync(file)) {
    console.error(`no such file: ${file}`);
    return 64;
  }
  let target: ReturnType<typeof resolveTarget>;
  try {
    target = resolveTarget({ aws: values.aws, bucket: values.bucket });
  } catch (error) {
    console.error((error as Error).message);
    return 64;
  }
  const s3 = new S3Client(target.s3 as S3ClientConfig);
  const report = await uploadReference(s3, target.bucket, name, readFileSync(file), {
    timeoutMs: Number(values.timeout) * 1000,
    onUploaded: (key) =>
      console.error(`uploaded s3://${target.bucket}/${key} (${target.kind}); waiting for its report …`),
  });
  if (!report) {
    console.error(`no report after ${values.timeout} s`);
    return 3;
  }
  for (const line of reportLines(report)) console.log(line);
  console.error(`report: s3://${target.bucket}/${objectKeys.referenceReport(name)}`);
  if (report.status !== 'completed') return 2;
  return report.rejectedCount > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
