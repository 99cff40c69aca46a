// `npm start`: the whole of dancu on this machine with no AWS account: emulators for S3, SQS and DynamoDB,
// the resources the CDK stack declares, the same triggers, and the real handlers. On first start it uploads
// Gia Lai's expected residents (as `npm run reference` does), a generated demo batch (with faulty and repeated
// rows) and a correction file about its people, and prints their reports. Data persists in .dancu/.
// `npm start -- --json-logs` prints the functions' lines as the JSON they are in AWS.
import { once } from 'node:events';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { objectKeys } from '../shared/keys.ts';
import { writeBatch } from '../tools/synthetic/write.ts';
import { sendDemoBirths, waitForDemoBirths } from './demo-births.ts';
import { approvalLines, DEMO_CORRECTIONS_FILE, uploadDemoCorrections } from './demo-corrections.ts';
import { lookupLinks, sendDemoApplications, waitForDemoApplications } from './demo-procedures.ts';
import { startPipeline } from './pipeline.ts';
import { referenceName, reportLines, uploadReference } from './reference.ts';
import { GIALAI_POPULATION_FILE } from './reference-fixture.ts';
import { logFormat } from './runtime/log.ts';
import { askUploadUrl, machineContext, uploadWithTicket } from './upload-ticket.ts';

const DEMO_AGENCY = 'CA-GIALAI';
const DEMO_FILE = 'demo-gialai.csv';
const dir = resolve('.dancu');
const demoMarker = join(dir, 'demo', 'uploaded');
const proceduresMarker = join(dir, 'demo', 'procedures-sent');
const referenceMarker = join(dir, 'demo', 'reference-uploaded');
const birthsMarker = join(dir, 'demo', 'births-sent');
const correctionsMarker = join(dir, 'demo', 'corrections-uploaded');
// the demo batch's generation: the correction demo corrects its people
const DEMO_GENERATION = { rows: 2000, seed: 896, errorRate: 0.06, duplicateRate: 0.08 };
// the functions' lines: readable in a terminal, JSON with --json-logs or when piped (docs/operations.md)
const DANCU_LOG_FORMAT = logFormat(process.argv.slice(2), process.env, process.stdout.isTTY === true);
const stack = await startPipeline({ dir, extraEnv: { DANCU_LOG_FORMAT } });
const { endpoints, names } = stack;
console.log(`
dancu local stack
  s3        ${endpoints.s3}   bucket ${names.buckets.batches} (upload to ${objectKeys.upload('{agency}', '{file}')})
  sqs       ${endpoints.sqs}   queues ${Object.values(names.queues)
    .map((q) => q.name)
    .join(', ')}
  dynamodb  ${endpoints.dynamodb}   tables ${Object.values(names.tables).join(', ')}
  http      ${stack.http}   citizen page /, GET /applications/{code}, /openapi.json; /batches, /review, /coverage with a token
  coverage  ${stack.http}/app/coverage   the coverage page (sign in as CA-GIALAI, role viewer; communes link to their worklists)
  details   ${join(dir, 'local.json')}
  upload    npm run upload -- FILE --agency CODE --wait
  reference npm run reference -- FILE   (expected residents per commune; the demo's: local/fixtures/gialai-population-2020.csv)
  sign in   npm run sign-in -- --agency CA-PLEIKU --role reviewer   (roles: uploader reviewer approver viewer platform)
  machine   npm run sign-in -- --client dancu-local-machine-CA-PLEIKU --secret local-secret-CA-PLEIKU
`);

// the operator's client of the local S3, as the demos read their reports with it (s3rver's checksum notes, docs)
const s3 = new S3Client({
  endpoint: endpoints.s3,
  region: names.region,
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

async function demo(): Promise<void> {
  await mkdir(join(dir, 'demo'), { recursive: true });
  const file = join(dir, 'demo', 'demo-gialai.csv');
  const out = createWriteStream(file);
  const generated = await writeBatch(out, DEMO_GENERATION);
  out.end();
  await once(out, 'finish');
  const started = Date.now();
  const { readFile } = await import('node:fs/promises');
  // as an agency's machine uploads: an upload URL from the agency function (POST /uploads), then a PUT
  const { statusCode, body: ticket } = await askUploadUrl(stack, DEMO_FILE, machineContext(DEMO_AGENCY));
  if (statusCode !== 201) throw new Error(`demo: no upload URL for ${DEMO_AGENCY} (${statusCode})`);
  await uploadWithTicket(ticket, await readFile(file));
  const key = ticket.key;
  console.log(
    `demo: uploaded ${generated.rows} generated forms about ${generated.persons} people to s3://${names.buckets.batches}/${key}`,
  );
  const reportKey = objectKeys.report(DEMO_AGENCY, DEMO_FILE, 'summary.json');
  for (let waited = 0; waited < 300; waited += 1) {
    try {
      const { Body, LastModified } = await s3.send(
        new GetObjectCommand({ Bucket: names.buckets.batches, Key: reportKey }),
      );
      if (LastModified && LastModified.getTime() >= started - 1000) {
        console.log(
          `demo report (${((Date.now() - started) / 1000).toFixed(1)} s):\n${await Body?.transformToString()}`,
        );
        const report = (file: 'outcomes.csv' | 'outcomes.xlsx') =>
          `s3://${names.buckets.batches}/${objectKeys.report(DEMO_AGENCY, DEMO_FILE, file)}`;
        console.log(`every row's outcome: ${report('outcomes.csv')}`);
        console.log(`the rows to act on, for Excel: ${report('outcomes.xlsx')}`);
        await mkdir(join(dir, 'demo'), { recursive: true });
        await (await import('node:fs/promises')).writeFile(demoMarker, new Date().toISOString());
        return;
      }
    } catch (error) {
      if ((error as Error).name !== 'NoSuchKey') throw error;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.error('demo: no report after 300 s');
}

// Expected residents: the Gia Lai fixture, uploaded once as the platform team would (`npm run reference`), so that
// coverage (`GET /coverage?unit=64`) has its denominators.
async function demoReference(): Promise<void> {
  const file = fileURLToPath(GIALAI_POPULATION_FILE);
  const name = referenceName(file) ?? 'gialai-population-2020';
  const report = await uploadReference(s3, names.buckets.batches, name, readFileSync(file), {
    timeoutMs: 60_000,
  });
  if (!report) {
    console.error('demo: no report of the expected residents after 60 s');
    return;
  }
  console.log(`demo: expected residents of Gia Lai (npm run reference -- ${relative(process.cwd(), file)})`);
  for (const line of reportLines(report)) console.log(`  ${line}`);
  if (report.status === 'completed') {
    await mkdir(join(dir, 'demo'), { recursive: true });
    await (await import('node:fs/promises')).writeFile(referenceMarker, new Date().toISOString());
  }
}
if (!existsSync(referenceMarker)) await demoReference();

if (!existsSync(demoMarker)) await demo();

// Procedure events: a few applications in different states, sent to the local queue as a one-stop shop would.
async function demoProcedures(): Promise<void> {
  const http = stack.http ?? '';
  const sent = await sendDemoApplications(endpoints.sqs, names.queues.procedureEvents.url, names.region);
  const applied = await waitForDemoApplications(http);
  console.log(`demo: sent ${sent} procedure events to ${names.queues.procedureEvents.name}; look them up:`);
  for (const line of lookupLinks(http)) console.log(line);
  if (!applied) console.error('demo: some procedure events were not applied within 30 s');
  else {
    await mkdir(join(dir, 'demo'), { recursive: true });
    await (await import('node:fs/promises')).writeFile(proceduresMarker, new Date().toISOString());
  }
}
if (!existsSync(proceduresMarker)) await demoProcedures();
else {
  // a restart sends nothing again, but the links are what a newcomer opens next
  console.log('demo: the applications sent on the first start; look them up:');
  for (const line of lookupLinks(stack.http ?? '')) console.log(line);
}
// Births: a few registered births sent as the civil-registration system would, and the numbers issued to the children
async function demoBirths(): Promise<void> {
  const sent = await sendDemoBirths(endpoints.sqs, names.queues.births.url, names.region);
  const { BirthStore } = await import('../shared/store/id-store.ts');
  const store = new BirthStore(names.tables.ids);
  const registered = await waitForDemoBirths((id) => store.get(id), sent);
  console.log(
    `demo: sent ${sent.length} registered births of ${sent[0]?.registeringAgency} to ${names.queues.births.name}:`,
  );
  for (const [i, birth] of registered.entries()) {
    const event = sent[i];
    if (!birth || !event) {
      console.error(`  ${event?.registrationId}: not registered within 30 s`);
      continue;
    }
    const missing = birth.missing.length > 0 ? `; to collect: ${birth.missing.join(', ')}` : '';
    console.log(
      `  ${birth.registrationId}  ${event.child.fullName}  số định danh / ID ${birth.number}${missing}`,
    );
  }
  console.log(
    `  read one: GET /births/${sent[0]?.registrationId} with a token of ${sent[0]?.registeringAgency}`,
  );
  if (registered.every(Boolean)) {
    await mkdir(join(dir, 'demo'), { recursive: true });
    await (await import('node:fs/promises')).writeFile(birthsMarker, new Date().toISOString());
  }
}
if (!existsSync(birthsMarker)) await demoBirths();

// Corrections (DC02): update forms about people of the demo batch; identity ones wait for a second officer
async function demoCorrections(): Promise<void> {
  const readReport = async (key: string, since: number) => {
    try {
      const { Body, LastModified } = await s3.send(
        new GetObjectCommand({ Bucket: names.buckets.batches, Key: key }),
      );
      return LastModified && LastModified.getTime() >= since - 1000
        ? await Body?.transformToString()
        : undefined;
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
  };
  const { rows, summary } = await uploadDemoCorrections(stack, DEMO_AGENCY, DEMO_GENERATION, readReport);
  if (!summary) {
    console.error('demo: no report of the corrections after 120 s');
    return;
  }
  console.log(
    `demo: uploaded ${rows} correction forms (DC02) as ${DEMO_CORRECTIONS_FILE}; their report:\n${summary}`,
  );
  const { CorrectionListStore } = await import('../shared/store/correction-lists.ts');
  const pending = await new CorrectionListStore(names.tables.register).listCorrections(DEMO_AGENCY, {
    status: 'pending',
  });
  for (const line of approvalLines(stack.http ?? '', DEMO_AGENCY, pending.items)) console.log(line);
  await mkdir(join(dir, 'demo'), { recursive: true });
  await (await import('node:fs/promises')).writeFile(correctionsMarker, new Date().toISOString());
}
if (existsSync(demoMarker) && !existsSync(correctionsMarker)) await demoCorrections();

// the page a leader opens next: the demo province's coverage, each commune's worklist a click away
console.log(`coverage page: ${stack.http}/app/coverage   (sign in as CA-GIALAI with the viewer role)`);
console.log('running; Ctrl-C to stop (data stays in .dancu/)');
if (process.env.DANCU_EXIT_AFTER_START) await stack.stop();
else {
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
