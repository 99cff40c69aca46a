// bench/link-pass: what a link pass costs and finds, on the local stack. A generated register with noisy second
// forms (bench/linkage's generator) is registered by exact keys (the `pass` stage setting), then one link pass
// runs through the real queue and function. Prints the requests the pass made (so its AWS bill can be modelled:
// docs/scale.md), the read units of its scan, its CPU, and the register afterwards scored against the truth.
// Usage: npm run bench:link-pass -- [--rows 20000] [--segments 4] [--partitions 4] [--setting default|hard]
//   [--seeds bench-link-pass | --seeds 1,2,3] [--json]
// (one local stack per seed; `--setting hard`: the noisier data of issue 22, as bench:linkage takes it)
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient, GetItemCommand, paginateScan } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import Papa from 'papaparse';
import { throwawayKeyer } from '#domain/person-keyer.ts';
import { benchAgencies } from '../local/demo-agencies.ts';
import { startPipeline } from '../local/pipeline.ts';
import { LOCAL_UPLOAD_SIGNER } from '../local/runtime/account.ts';
import { signerMetadata } from '../local/upload-ticket.ts';
import { batchKeys, objectKeys, type ReportFile, registerKeys } from '../shared/keys.ts';
import { filingKeys } from '../shared/linkage/blocking.ts';
import { nameParts } from '../shared/linkage/name-form.ts';
import {
  bestInPartition,
  type PassLine,
  type PassPerson,
  partitionOf,
  passLines,
} from '../shared/linkage/pass.ts';
import { LINK_THRESHOLDS, scoreBelow, scoreMatch } from '../shared/linkage/score.ts';
import { unpackRecord } from '../shared/model/person-record.ts';
import {
  generateLinkageRegister,
  LINKAGE_SETTINGS,
  type LinkageSettingName,
  linkageBatchNdjson,
} from '../tools/synthetic/linkage.ts';
import {
  describeLinkageScore,
  describeSetting,
  missBreakdown,
  passMisses,
  scoreMergedRegister,
} from '../tools/synthetic/linkage-truth.ts';
import { jsonMode, localS3, machine, printJson, waitForObject } from './report.ts';

const json = jsonMode();
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    segments: { type: 'string', default: '4' },
    partitions: { type: 'string', default: '4' },
    setting: { type: 'string', default: 'default' },
    seeds: { type: 'string', default: 'bench-link-pass' },
    json: { type: 'boolean', default: false },
  },
});
const rowCount = Number(values.rows);
const segments = Number(values.segments);
const partitions = Number(values.partitions);
if (!(values.setting in LINKAGE_SETTINGS))
  throw new Error(`--setting ${Object.keys(LINKAGE_SETTINGS).join('|')}`);
const setting = values.setting as LinkageSettingName;
const seeds = values.seeds.split(',').filter(Boolean);
/** the pass's own work in this process, with ID variant keys as the link function makes them (another secret) */
const keyer = throwawayKeyer();

/** DynamoDB's size of an item: attribute names plus values (strings in UTF-8, numbers about a byte per 2 digits). */
function itemBytes(item: Record<string, Record<string, unknown>>): number {
  const valueBytes = (value: Record<string, unknown>): number => {
    if ('S' in value) return Buffer.byteLength(value.S as string);
    if ('N' in value) return Math.ceil(String(value.N).length / 2) + 1;
    if ('B' in value) return (value.B as Uint8Array).length;
    if ('SS' in value) return (value.SS as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
    if ('L' in value)
      return 3 + (value.L as Record<string, unknown>[]).reduce((n, v) => n + 1 + valueBytes(v), 0);
    if ('M' in value)
      return (
        3 +
        Object.entries(value.M as Record<string, Record<string, unknown>>).reduce(
          (n, [k, v]) => n + 1 + Buffer.byteLength(k) + valueBytes(v),
          0,
        )
      );
    return 1;
  };
  return Object.entries(item).reduce(
    (n, [name, value]) => n + Buffer.byteLength(name) + valueBytes(value),
    0,
  );
}

async function runSeed(seed: string) {
  const rows = generateLinkageRegister({ rows: rowCount, seed, setting });
  console.log(`\nseed ${seed}, setting ${setting}: ${describeSetting(rows)}`);
  const stack = await startPipeline({
    agencies: benchAgencies(),
    dir: await mkdtemp(join(tmpdir(), 'dancu-bench-pass-')),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    log: { info: () => undefined, error: (line: string) => console.error(line) },
    extraEnv: { LINKAGE: 'off', POWERTOOLS_LOG_LEVEL: 'WARN' },
  });
  try {
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const region = stack.names.region;
    const s3 = localS3(stack.endpoints.s3, region, credentials);
    const Bucket = stack.names.buckets.batches;
    const dynamodb = new DynamoDBClient({ region, credentials, endpoint: stack.endpoints.dynamodb });

    // 1. the register, by exact keys
    const ingestStarted = performance.now();
    // as an upload URL of the agency function puts it: the split admits the signer's uploads only
    await localS3(stack.endpoints.s3, region, LOCAL_UPLOAD_SIGNER).send(
      new PutObjectCommand({
        Bucket,
        Key: objectKeys.upload('CA-BENCH', 'pass.ndjson'),
        Body: linkageBatchNdjson(rows),
        Metadata: signerMetadata('CA-BENCH'),
      }),
    );
    const report = (file: ReportFile) => objectKeys.report('CA-BENCH', 'pass.ndjson', file);
    await waitForObject(s3, Bucket, report('summary.json'));
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    const text = async (Key: string) =>
      (await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body?.transformToString()) ?? '';
    const ledger = Papa.parse<Record<string, string>>(await text(report('outcomes.csv')), {
      header: true,
      skipEmptyLines: true,
    }).data.map((line) => ({
      row: Number(line.row),
      outcome: String(line.outcome),
      personKey: String(line.person_key),
    }));

    // the register's persons as the scan reads them: their bytes set the scan's read units
    let tableBytes = 0;
    const persons: PassPerson[] = [];
    for await (const page of paginateScan({ client: dynamodb }, { TableName: stack.names.tables.register })) {
      for (const item of page.Items ?? []) {
        tableBytes += itemBytes(item as unknown as Record<string, Record<string, unknown>>);
        if (item.sk?.S === registerKeys.personSortKey && item.record?.S)
          persons.push({ key: item.pk?.S as string, record: unpackRecord(item.record.S) });
      }
    }

    // 2. the pass, with every request the functions make counted
    const { dynamodb: pipelineDynamodb, s3: pipelineS3 } = await import('../shared/aws/clients.ts');
    const counts = new Map<string, number>();
    const counter =
      (service: string) =>
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      (args: unknown) => {
        const name = `${service}.${(context.commandName ?? '?').replace(/Command$/, '')}`;
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return next(args);
      };
    // biome-ignore lint/suspicious/noExplicitAny: the middleware's types differ per client; the counter reads none of them
    pipelineDynamodb.middlewareStack.add(counter('DynamoDB') as any, {
      step: 'initialize',
      name: 'benchPassCounter',
    });
    // biome-ignore lint/suspicious/noExplicitAny: as above
    pipelineS3.middlewareStack.add(counter('S3') as any, { step: 'initialize', name: 'benchPassCounter' });

    const sqs = new SQSClient({ region, credentials, endpoint: stack.endpoints.sqs });
    const passId = `bench-${Date.now()}`;
    const cpuBefore = process.cpuUsage();
    // the main thread's busy time: the functions, s3rver and fauxqs (dynalite answers on a thread of its own)
    const eluBefore = performance.eventLoopUtilization();
    const passStarted = performance.now();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.names.queues.linkPass.url,
        MessageBody: JSON.stringify({ kind: 'link-start', passId, segments, partitions }),
      }),
    );
    let pass: Record<string, unknown> | undefined;
    while (pass?.status !== 'done') {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { Item } = await dynamodb.send(
        new GetItemCommand({
          TableName: stack.names.tables.batches,
          Key: marshall(batchKeys.linkPass(passId)),
          ConsistentRead: true,
        }),
      );
      pass = Item && unmarshall(Item);
    }
    const passSeconds = (performance.now() - passStarted) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const passCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const mainThreadSeconds = performance.eventLoopUtilization(eluBefore).active / 1000;

    // 3. the register afterwards, scored against the truth
    const mergedInto = new Map<string, string>();
    const reviews: { personKey: string; candidatePersonKey: string }[] = [];
    for await (const page of paginateScan({ client: dynamodb }, { TableName: stack.names.tables.register })) {
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        if (item.sk === registerKeys.personSortKey && item.mergedInto)
          mergedInto.set(item.pk, item.mergedInto);
        if (registerKeys.isReviewList(String(item.pk)))
          reviews.push({ personKey: item.personKey, candidatePersonKey: item.candidatePersonKey });
      }
    }
    const score = scoreMergedRegister(rows, ledger, { mergedInto, reviews });
    const found = score.joined.right + score.reviewed.right + score.conflictsRight;

    // 4. the pass's own work, without the SDK and the emulators: lines and groups in this process
    const domainStarted = process.cpuUsage();
    const byPartition: PassLine[][] = Array.from({ length: partitions }, () => []);
    for (const person of persons)
      for (const line of passLines(person, keyer.digest))
        byPartition[partitionOf(line[0], partitions)]?.push(line);
    const lines = byPartition.reduce((n, p) => n + p.length, 0);
    const lineBytes = byPartition.reduce(
      (n, p) => n + p.reduce((m, line) => m + JSON.stringify(line).length + 1, 0),
      0,
    );
    for (const partitionLines of byPartition) bestInPartition(partitionLines);
    const domainCpu = process.cpuUsage(domainStarted);
    const domainMsPerPerson = (domainCpu.user + domainCpu.system) / 1000 / persons.length;

    // 5. what grows with the register: a date key's group (familyDate: a family name, sex and date; givenDate: a
    // given-name skeleton and date) holds a share of all persons, so its pairs grow with the square of the register.
    // Counted here as pairs / persons², the model (docs/scale.md) takes them to a national register with the CPU of
    // one score.
    // over distinct people only (the generator's first forms): a noisy copy shares its date keys too, but its pairs grow
    // with the copies, not with the square of the register
    const distinct = rows.filter((row) => row.samePersonAs === undefined);
    const dateKeyCounts = new Map<string, number>();
    for (const row of distinct) {
      for (const key of filingKeys(row.record, 'all')) {
        if (key.startsWith('bg:') || key.startsWith('bf:'))
          dateKeyCounts.set(key, (dateKeyCounts.get(key) ?? 0) + 1);
      }
    }
    const dateKeyPairs = [...dateKeyCounts.values()].reduce((n, c) => n + (c * (c - 1)) / 2, 0);
    const dateKeyPairsPerPersonSquared = dateKeyPairs / distinct.length ** 2;
    // one score, on pairs as a familyDate group holds them: the largest set of one family name and sex
    const bySameFamily = new Map<string, PassPerson[]>();
    for (const person of persons) {
      const key = `${nameParts(person.record.fullName).family}|${person.record.sex}`;
      bySameFamily.set(key, [...(bySameFamily.get(key) ?? []), person]);
    }
    const largest = [...bySameFamily.values()].sort((a, b) => b.length - a.length)[0] ?? [];
    // as a group step does it: the bound first (scoreBelow), the whole score only when the pair could reach review;
    // the pairs given one birthday, as in a familyDate group
    const groupPairs: [PassPerson['record'], PassPerson['record']][] = [];
    for (let i = 0; groupPairs.length < 200_000 && i < largest.length; i++) {
      const a = (largest[i] as PassPerson).record;
      for (let j = 0; j < i && groupPairs.length < 200_000; j++)
        groupPairs.push([a, { ...(largest[j] as PassPerson).record, dateOfBirth: a.dateOfBirth }]);
    }
    const timePairs = (score: (a: PassPerson['record'], b: PassPerson['record']) => unknown) => {
      const started = process.cpuUsage();
      for (const [a, b] of groupPairs) score(a, b);
      const cpu = process.cpuUsage(started);
      return (cpu.user + cpu.system) / Math.max(1, groupPairs.length);
    };
    const scored = groupPairs.length;
    const fullScoreUsPerPair = timePairs(scoreMatch);
    const scoreUsPerPair = timePairs((a, b) => scoreBelow(a, b, LINK_THRESHOLDS.lower) || scoreMatch(a, b));

    const request = (name: string) => counts.get(name) ?? 0;
    const s3Puts = request('S3.PutObject');
    const s3Gets = request('S3.GetObject');
    // a Scan is charged by the bytes it reads, 4 KB to a read unit, half for an eventually consistent one
    const scanReadUnits = tableBytes / 4096 / 2;
    const decided = Object.values(
      (pass?.decided ?? {}) as Record<string, { merged: number; reviews: number; unchanged: number }>,
    );
    const merged = decided.reduce((n, d) => n + d.merged, 0);
    const reviewed = decided.reduce((n, d) => n + d.reviews, 0);
    // the baseline, from the same persons: the blocking items online linkage (`linkage: 'on'`) files them under, one
    // write unit each, before any of its Queries; in USD at the on-demand prices of docs/scale.md
    const onlineFilingWriteUnits = persons.reduce((n, person) => n + filingKeys(person.record).length, 0);
    const usd = (writeUnits: number, readUnits: number) => (writeUnits * 0.625 + readUnits * 0.125) / 1e6;
    const passWriteUnits = request('DynamoDB.UpdateItem') + request('DynamoDB.PutItem');
    const passReadUnits = scanReadUnits + request('DynamoDB.GetItem');
    const passUsdPerMillionPersons = (usd(passWriteUnits, passReadUnits) / persons.length) * 1e6;
    const onlineUsdPerMillionPersons = (usd(onlineFilingWriteUnits, 0) / persons.length) * 1e6;
    const result = {
      bench: 'link-pass',
      machine: machine(),
      rows: rows.length,
      persons: persons.length,
      segments,
      partitions,
      ingestSeconds,
      passSeconds,
      passCpuSeconds,
      cpuMsPerPerson: (passCpuSeconds * 1000) / persons.length,
      mainThreadMsPerPerson: (mainThreadSeconds * 1000) / persons.length,
      domainMsPerPerson,
      linesPerPerson: lines / persons.length,
      dateKeyPairs,
      dateKeyPairsPerPersonSquared,
      scoreUsPerPair,
      fullScoreUsPerPair,
      lineBytesPerPerson: lineBytes / persons.length,
      tableBytes,
      bytesPerPerson: tableBytes / persons.length,
      scanReadUnits,
      requests: Object.fromEntries([...counts].sort()),
      writeUnitsPerPerson: passWriteUnits / persons.length,
      readUnitsPerPerson: passReadUnits / persons.length,
      onlineFilingWriteUnitsPerPerson: onlineFilingWriteUnits / persons.length,
      passUsdPerMillionPersons,
      onlineUsdPerMillionPersons,
      dynamodbCostRatio: passUsdPerMillionPersons / onlineUsdPerMillionPersons,
      s3Puts,
      s3Gets,
      merged,
      reviews: reviewed,
      precision: score.joined.right / Math.max(1, score.joined.right + score.joined.wrong),
      recallAutoMerge: score.joined.right / Math.max(1, score.pairs),
      recallWithReview: found / Math.max(1, score.pairs),
      probableDuplicateShare: reviewed / Math.max(1, score.accepted),
    };
    console.log(
      `\n${rows.length} rows registered by exact keys in ${ingestSeconds.toFixed(1)} s: ${persons.length} persons, ` +
        `${(tableBytes / 1e6).toFixed(1)} MB in the register table (${Math.round(result.bytesPerPerson)} B per person)`,
    );
    console.log(
      `link pass (${segments} segments, ${partitions} partitions): ${passSeconds.toFixed(1)} s, process CPU ${passCpuSeconds.toFixed(1)} s ` +
        `= ${result.cpuMsPerPerson.toFixed(3)} ms per person (functions and emulators); main thread busy ${mainThreadSeconds.toFixed(1)} s ` +
        `= ${result.mainThreadMsPerPerson.toFixed(3)} ms per person (functions, S3 and SQS emulators); the pass's own work ${domainMsPerPerson.toFixed(3)} ms per person`,
    );
    console.log(
      `  scan: ${scanReadUnits.toFixed(0)} read units (eventually consistent) = ${(scanReadUnits / persons.length).toFixed(4)} per person; ` +
        `${result.linesPerPerson.toFixed(2)} lines, ${Math.round(result.lineBytesPerPerson)} B per person through S3`,
    );
    console.log(
      `  requests: ${[...counts]
        .sort()
        .map(([name, n]) => `${name} ${n}`)
        .join(', ')}`,
    );
    console.log(`  merged ${merged}, put on the review list ${reviewed}`);
    console.log(
      `  what grows with the register: ${dateKeyPairs} pairs in date-key groups = ${dateKeyPairsPerPersonSquared.toExponential(3)} × persons²; ` +
        `one pair ${scoreUsPerPair.toFixed(2)} µs with the bound, ${fullScoreUsPerPair.toFixed(2)} µs scored in full (${scored} pairs of one family name, sex and birthday)`,
    );
    console.log(
      `  DynamoDB: ${result.writeUnitsPerPerson.toFixed(3)} write and ${result.readUnitsPerPerson.toFixed(3)} read units per person = ` +
        `USD ${passUsdPerMillionPersons.toFixed(3)} per million persons; online linkage files the same persons under ` +
        `${result.onlineFilingWriteUnitsPerPerson.toFixed(2)} blocking items each = USD ${onlineUsdPerMillionPersons.toFixed(3)} before its Queries: ` +
        `ratio ${result.dynamodbCostRatio.toFixed(3)}`,
    );
    for (const line of describeLinkageScore(score)) console.log(`  ${line}`);
    console.log(`  second forms not found, by cause:`);
    for (const line of missBreakdown(passMisses(rows, ledger, { mergedInto, reviews }), score.pairs))
      console.log(`    ${line}`);
    return { seed, setting, ...result };
  } finally {
    await stack.stop();
  }
}

// one local stack per process (the functions' SDK clients keep the first stack's endpoints): a seed each
type SeedResult = Awaited<ReturnType<typeof runSeed>>;
const results: SeedResult[] = [];
if (seeds.length === 1) results.push(await runSeed(seeds[0] as string));
else {
  for (const seed of seeds) {
    const args = process.argv.slice(2).filter((arg, i, all) => arg !== '--seeds' && all[i - 1] !== '--seeds');
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1] as string, ...args, '--seeds', seed, '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    if (child.status !== 0) throw new Error(`seed ${seed}: the bench exited with ${child.status}`);
    results.push(JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as SeedResult);
  }
}
if (results.length > 1) {
  console.log(`\nsetting ${setting}, ${rowCount} rows, seeds ${seeds.join(', ')}:`);
  console.log('  seed  auto-merge precision  recall with review  review share  write units/person');
  for (const r of results)
    console.log(
      `  ${r.seed.padEnd(4)}  ${r.precision.toFixed(4).padStart(20)}  ${r.recallWithReview.toFixed(4).padStart(18)}  ${`${(100 * r.probableDuplicateShare).toFixed(2)} %`.padStart(12)}  ${r.writeUnitsPerPerson.toFixed(3).padStart(18)}`,
    );
}
if (json) printJson(results.length === 1 ? (results[0] as object) : { bench: 'link-pass', results });
