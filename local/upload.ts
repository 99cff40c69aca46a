// `npm run upload -- FILE --agency CODE [--name NAME] [--wait] [--timeout S] [--token T] [--aws --bucket B --api URL]`
// Uploads a batch as an agency's machine does: asks the agency routes for an upload URL (POST /uploads, for
// incoming/{agency}/{name}), PUTs the file to it with a progress bar, and with --wait follows it to its report and
// prints the summary. Locally the URL comes from the local stack's HTTP API; on a deployed one from --api (or
// DANCU_AGENCY_API) with the machine's OAuth token (--token or DANCU_TOKEN). Exit 0 when the batch completed with no
// row rejected, 1 with rejected rows, 2 when it failed or the upload was refused, 3 on a timeout, 64 on bad usage.
import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { objectKeys } from '../shared/keys.ts';
import { nameAlreadyUsed } from './name-used.ts';
import { clientCredentials } from './runtime/sign-in-client.ts';
import { localStackInfo, resolveTarget, type Target } from './target.ts';
import type { UploadTicket } from './upload-ticket.ts';

const USAGE =
  'usage: npm run upload -- FILE --agency CODE [--name NAME] [--wait] [--timeout SECONDS] [--token TOKEN] [--aws --bucket B --api URL]';

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

/** POST /uploads: the ticket, or the API's coded error. */
async function askTicket(
  api: string,
  fileName: string,
  token: string,
): Promise<UploadTicket | { error: { code: string; message: string; messageVi: string } }> {
  const answer = await fetch(new URL('/uploads', api), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ fileName }),
  });
  const text = await answer.text();
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: String(answer.status), message: text, messageVi: text } };
  }
}

/** The PUT of `file` with the ticket's signed headers, streamed with a progress bar; S3's status and body. */
function putFile(
  ticket: UploadTicket,
  file: string,
  total: number,
): Promise<{ status: number; body: string }> {
  const url = new URL(ticket.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const put = send(
      url,
      { method: 'PUT', headers: { ...ticket.headers, 'content-length': String(total) } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    put.on('error', reject);
    let loaded = 0;
    const stream = createReadStream(file);
    stream.on('data', (chunk) => {
      loaded += chunk.length;
      process.stderr.write(`\r${bar(loaded, total)}`);
    });
    stream.on('error', reject);
    stream.pipe(put);
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      agency: { type: 'string' },
      name: { type: 'string' },
      wait: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '900' },
      // the machine's OAuth access token (client credentials); locally the agency's local client gets one
      token: { type: 'string' },
      api: { type: 'string' },
      aws: { type: 'boolean', default: false },
      bucket: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || !values.agency || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(values.agency)) {
    console.error(USAGE);
    return 64;
  }
  const token = values.token ?? process.env.DANCU_TOKEN;
  const api =
    values.api ?? process.env.DANCU_AGENCY_API ?? (values.aws ? undefined : localStackInfo()?.endpoints.http);
  if (!api) {
    console.error(values.aws ? '--aws needs --api URL (or DANCU_AGENCY_API): the agency API' : USAGE);
    return 64;
  }
  if (values.aws && !token) {
    console.error('--aws needs --token (or DANCU_TOKEN): the machine’s OAuth access token');
    return 64;
  }
  let target: Target;
  try {
    target = resolveTarget({ aws: values.aws, bucket: values.bucket });
  } catch (error) {
    console.error((error as Error).message);
    return 64;
  }
  const s3 = new S3Client(target.s3 as S3ClientConfig);
  const name = values.name ?? basename(file);
  const total = statSync(file).size;
  // locally the agency's own system: its client of the local sign-in (client credentials, as in AWS)
  const bearer =
    token ??
    (
      await clientCredentials(api, {
        clientId: `dancu-local-machine-${values.agency}`,
        clientSecret: `local-secret-${values.agency}`,
      })
    ).accessToken;
  const ticket = await askTicket(api, name, bearer);
  if ('error' in ticket) {
    console.error(`POST /uploads: ${ticket.error.code}: ${ticket.error.messageVi} / ${ticket.error.message}`);
    return 2;
  }
  const key = ticket.key;
  const earlier = await nameAlreadyUsed(s3, target.bucket, values.agency, name);
  if (earlier) console.error(earlier);
  const started = new Date();
  const put = await putFile(ticket, file, total);
  process.stderr.write(`\r${bar(total, total)}\n`);
  if (put.status !== 200) {
    const code = /<Code>([^<]+)<\/Code>/.exec(put.body)?.[1] ?? String(put.status);
    console.error(`the upload of ${key} was refused: ${code}`);
    return 2;
  }
  console.error(
    `uploaded s3://${target.bucket}/${key} (${target.kind}, upload URL valid until ${ticket.expiresAt})`,
  );
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
