// bench/coverage: Gia Lai (province 64 of 2020) built through the local stack end to end, its expected residents
// uploaded as the platform team would, then `GET /coverage?unit=64&vintage=2020` asked over HTTP by a viewer of the
// province's police and its N (persons collected), M (expected residents) and P (N ÷ M, %) checked against the
// generator's ground truth, worked out here without reading any counter. Also the write units coverage adds per row,
// and the route's latency for the province and, for contrast, a district. Exits 1 when a figure differs.
// Usage: npm run bench:coverage -- [--rows 30000] [--requests 200] [--seed 1957] [--linkage off|on]
// The whole province (the seed's 1,568,693 permanent residents) is `--rows 1568693`.
// --linkage: off (the default), the exact-key register, so that who is one person is the generator's truth. On, as
// deployed, linkage decides who is one person: on a 100k run it joined two generated persons to others (N one short
// of the truth). The report's outcomes then differ from the generator's, which the bench prints.
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { defaultValidationContext, validateRow } from '#domain/validate.ts';
import { startPipeline } from '../local/pipeline.ts';
import { uploadReference } from '../local/reference.ts';
import { GIALAI_2020, gialaiPopulation } from '../local/reference-fixture.ts';
import { LOCAL_UPLOAD_SIGNER } from '../local/runtime/account.ts';
import { signInAs } from '../local/runtime/sign-in-client.ts';
import { signerMetadata } from '../local/upload-ticket.ts';
import { addressesOf, placesIn, placesOf } from '../shared/coverage/places.ts';
import type { CoverageView } from '../shared/coverage/rollup.ts';
import { REFERENCE_HEADER } from '../shared/domain/reference-population.ts';
import { ancestorsOf, parts2020Of } from '../shared/domain/units.ts';
import { batchKeys, objectKeys } from '../shared/keys.ts';
import { generateRows } from '../tools/synthetic/generator.ts';
import { type BatchOptions, writeBatch } from '../tools/synthetic/write.ts';
import { localS3, machine, waitForObject } from './report.ts';

const { values } = parseArgs({
  options: {
    // about a minute on two cores (three with --linkage on: some 170 rows/s end to end)
    rows: { type: 'string', default: '30000' },
    requests: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1957' },
    linkage: { type: 'string', default: 'off' },
  },
});
if (values.linkage !== 'on' && values.linkage !== 'off') throw new Error('--linkage on|off');
// the register reads LINKAGE as it loads; the local stack passes the one it was started with
process.env.LINKAGE = values.linkage;
const rows = Number(values.rows);
const requests = Number(values.requests);
if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(requests) || requests < 1) {
  console.error('usage: npm run bench:coverage -- [--rows N] [--requests N] [--seed N] [--linkage off|on]');
  process.exit(64);
}
const PROVINCE = GIALAI_2020.province;
const AGENCY = 'CA-GIALAI'; // the province's police: unit 64 of 2020 (local/fixtures/agencies.csv)
const DISTRICT = '622'; // Pleiku, within it: the contrast for the latency
const scale = rows / GIALAI_2020.permanent;
const batchOptions: BatchOptions = { rows, seed: Number(values.seed), errorRate: 0.04, duplicateRate: 0.05 };
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
console.log(
  `bench/coverage: Gia Lai at ${(scale * 100).toPrecision(3)} % of the seed's size: ${rows.toLocaleString('en')} forms ` +
    `(the full province is --rows ${GIALAI_2020.permanent}), linkage ${values.linkage}`,
);

// ── 1. The expected residents, scaled like the forms ────────────────────────────────────────────────────────────
// The fixture's split by commune (local/reference-fixture.ts), each commune's share times the scale, apportioned by
// largest remainder so that the province's totals are the seed's totals times the scale exactly; at full size it is the
// fixture itself. M is then known before anything runs: the file's own sum.

/** `amounts` scaled so that they add up to `total` exactly: each rounded down, the rest to the largest remainders. */
function apportion(amounts: readonly number[], total: number): number[] {
  const sum = amounts.reduce((a, b) => a + b, 0);
  const exact = amounts.map((amount) => (amount * total) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
  }
  return shares;
}
const fixture = gialaiPopulation();
const expectedPermanent = Math.round(GIALAI_2020.permanent * scale);
const expectedTemporary = Math.round(GIALAI_2020.temporary * scale);
const permanentShares = apportion(
  fixture.map((c) => c.permanent),
  expectedPermanent,
);
const temporaryShares = apportion(
  fixture.map((c) => c.temporary),
  expectedTemporary,
);
const source = `Gia Lai fixture scaled by ${rows}/${GIALAI_2020.permanent} (bench/coverage)`;
const referenceCsv = `${[
  REFERENCE_HEADER.join(','),
  ...fixture.map(
    (c, i) => `${c.code},${permanentShares[i]},${temporaryShares[i]},${GIALAI_2020.asOf},${source}`,
  ),
].join('\n')}\n`;
const M = expectedPermanent;

// ── 2. The forms, and the ground truth of who is counted in province 64 of 2020 ─────────────────────────────────
const outDir = join(import.meta.dirname, 'out');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `coverage-${rows}-${values.seed}.csv`);
const out = createWriteStream(file);
const generated = await writeBatch(out, batchOptions);
out.end();
await once(out, 'finish');

/**
 * Whether a person's permanent place in the 2020 list (placesIn(…, 2020).permanent) counts in province 64's view, as
 * docs/coverage.md says a 2020 view counts: a 2020 commune of the province; or a 2025 commune the 2020 list cannot
 * assign (`^code`), whose 2020 parts all lie in the province (a not-assigned line under the district or province
 * holding them). Unplaced persons ('') count in the country's bucket, in no province; a 2025 commune formed of parts
 * of two 2020 provinces is shown in both and counted in neither.
 */
function countsIn64(place: string): 'commune' | 'notAssigned' | false {
  if (!place) return false;
  const inProvince = (code: string) =>
    ancestorsOf(2020, code).some((unit) => unit.level === 'province' && unit.code === PROVINCE);
  if (!place.startsWith('^')) return inProvince(place) ? 'commune' : false;
  const parts = parts2020Of(place.slice(1));
  return parts.length > 0 && parts.every((part) => inProvince(part.code)) ? 'notAssigned' : false;
}

// A second pass of the same seeded generator (it streams: the full province never sits in memory): each person's
// newest accepted form, by the register's identity. A person is counted once, where that form places them; `new`
// makes a person, `updated` moves them (only the current address changes: the permanent place stays), a duplicate or
// a conflict leaves them where they were, a rejected form makes no one.
const context = defaultValidationContext();
const newest = new Map<string, string>();
let unreadable = 0;
for (const { values: cells, truth } of generateRows(batchOptions)) {
  if (truth.outcome !== 'new' && truth.outcome !== 'updated') continue;
  const read = validateRow(cells, context);
  if (!read.ok || !truth.identity) {
    unreadable++;
    continue;
  }
  newest.set(truth.identity, placesIn(placesOf(addressesOf(read.record)), 2020).permanent);
}
const persons = { commune: 0, notAssigned: 0, unplaced: 0, elsewhere: 0 };
for (const place of newest.values()) {
  const counted = countsIn64(place);
  if (counted) persons[counted]++;
  else if (place) persons.elsewhere++;
  else persons.unplaced++;
}
const N = persons.commune + persons.notAssigned;
/** N ÷ M × 100 to two decimals, half up, in whole numbers: exact, with no floating-point product to round */
const P = Math.floor((N * 20_000 + M) / (2 * M)) / 100;
console.log(
  `generated ${generated.rows.toLocaleString('en')} forms about ${generated.persons.toLocaleString('en')} people ` +
    `(${JSON.stringify(generated.outcomes)}); ${newest.size.toLocaleString('en')} persons accepted` +
    (unreadable > 0 ? `, ${unreadable} accepted forms the checker here could not read (truth broken)` : ''),
);

// ── 3. The local stack, with the writes coverage makes counted ──────────────────────────────────────────────────
const quiet = { info: () => undefined, error: (line: string) => console.error(line) };
const stack = await startPipeline({
  dir: await mkdtemp(join(tmpdir(), 'dancu-coverage-')),
  ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
  log: quiet,
  // the functions' INFO lines (one per invocation) would bury the figures; warnings and errors still print
  extraEnv: { POWERTOOLS_LOG_LEVEL: 'WARN' },
});
if (!stack.http) throw new Error('the local stack serves no HTTP API');

// Every write of the functions' own clients (the ones startPipeline just loaded), by what it is for. DynamoDB bills a
// write 1 unit per KB of the larger of the item's sizes before and after, a refused condition included: the emulator
// reports it when asked (ReturnConsumedCapacity), as DynamoDB does; a refused one returns no figure and is 1 unit
// (every coverage item here is under 1 KB).
const clients = await import('../shared/aws/clients.ts');
interface Writes {
  requests: number;
  refused: number;
  units: number;
}
const writes = new Map<string, Writes>();
/** the counter items moved, by partition (`COVERAGE#{vintage}#{province}`): every count is made in both lists */
const movedIn = new Map<string, number>();
let ledger = { objects: 0, bytes: 0 };
const text = (value: unknown): string =>
  typeof value === 'string' ? value : ((value as { S?: string } | undefined)?.S ?? '');
/** What a write is for: coverage's own kinds by their keys; anything else by table and command. */
function kindOf(command: string, input: Record<string, unknown>): string {
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  const pk = text(key?.pk);
  const expression = String(input.UpdateExpression ?? '');
  if (pk.startsWith('COVERAGE#')) {
    if (/(^| )DELETE /.test(expression)) return 'counters: forget the batch id';
    movedIn.set(pk, (movedIn.get(pk) ?? 0) + 1);
    return 'counters: move';
  }
  if (pk.startsWith('RECOLLECT#')) {
    return command === 'PutItem' ? 'recollection: keep a rejected form' : 'recollection: take one';
  }
  // the worklists (issue 25): one item per list that places a rejected form (finalize), a probable duplicate or a
  // conflict, or per form that places nowhere (the register step)
  if (pk.startsWith('WORKLIST#')) {
    if (command !== 'PutItem') return 'worklists: mark one re-collected';
    return `worklists: list a form (${text((key as Record<string, unknown>).kind) || 'rejected'})`;
  }
  if (pk.startsWith('REFERENCE#')) return 'reference (once per upload, not per row)';
  return `other: ${String(input.TableName ?? '')} ${command}`;
}
type Stack = typeof clients.dynamodb.middlewareStack;
(clients.dynamodb.middlewareStack as Stack).add(
  (next, context) => async (args) => {
    const command = (context.commandName ?? '').replace(/Command$/, '');
    if (!/^(PutItem|UpdateItem|DeleteItem)$/.test(command)) {
      if (command === 'BatchWriteItem') {
        // the register's blocking items: not coverage's
        const entry = writes.get('other: BatchWriteItem') ?? { requests: 0, refused: 0, units: 0 };
        writes.set('other: BatchWriteItem', entry);
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        entry.requests += 1;
        for (const c of [(result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity ?? []].flat())
          entry.units += (c as { CapacityUnits?: number }).CapacityUnits ?? 0;
        return result;
      }
      return next(args);
    }
    const input = args.input as Record<string, unknown>;
    const kind = kindOf(command, input);
    const entry = writes.get(kind) ?? { requests: 0, refused: 0, units: 0 };
    writes.set(kind, entry);
    input.ReturnConsumedCapacity = 'TOTAL';
    entry.requests += 1;
    try {
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      entry.units += consumed?.CapacityUnits ?? 0;
      return result;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        entry.refused += 1;
        entry.units += 1;
      }
      throw error;
    }
  },
  { step: 'initialize', name: 'benchCoverageWrites' },
);
(clients.s3.middlewareStack as typeof clients.s3.middlewareStack).add(
  (next, context) => async (args) => {
    const input = args.input as { Key?: string; Body?: unknown };
    if (context.commandName === 'PutObjectCommand' && input.Key?.startsWith('coverage/')) {
      ledger = {
        objects: ledger.objects + 1,
        bytes: ledger.bytes + Buffer.byteLength(String(input.Body ?? '')),
      };
    }
    return next(args);
  },
  { step: 'initialize', name: 'benchCoverageLedger' },
);

const s3 = localS3(stack.endpoints.s3, stack.names.region, {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
});
const bucket = stack.names.buckets.batches;
const referenceName = `gialai-population-2020-bench-${rows}`;
const reference = await uploadReference(s3, bucket, referenceName, Buffer.from(referenceCsv), {
  timeoutMs: 120_000,
});
const referenceTotal = reference?.provinces.find((p) => p.province === PROVINCE);
if (reference?.status !== 'completed' || reference.rejectedCount > 0 || referenceTotal?.permanent !== M) {
  console.error(`the expected residents were not stored as uploaded: ${JSON.stringify(reference)}`);
  await stack.stop();
  process.exit(1);
}
console.log(
  `${elapsed()}: expected residents uploaded (${referenceName}.csv): ${reference.communes} communes, ` +
    `${referenceTotal.permanent.toLocaleString('en')} permanent, ${referenceTotal.temporary.toLocaleString('en')} temporary`,
);

// the batch, as the agency's upload URL puts it (the split admits the signer's uploads only)
const name = `coverage-${rows}.csv`;
await new Upload({
  client: localS3(stack.endpoints.s3, stack.names.region, LOCAL_UPLOAD_SIGNER),
  params: {
    Bucket: bucket,
    Key: objectKeys.upload(AGENCY, name),
    Body: createReadStream(file),
    Metadata: signerMetadata(AGENCY),
  },
  partSize: 64 << 20,
}).done();
const uploaded = performance.now();
console.log(`${elapsed()}: uploaded ${name} as ${AGENCY}; waiting for its report and its counters …`);
const summaryKey = objectKeys.report(AGENCY, name, 'summary.json');
await waitForObject(s3, bucket, summaryKey);
// the ground truth above holds for the register's persons only when it decided every row as the generator did
const summary = JSON.parse(
  (await (
    await s3.send(new GetObjectCommand({ Bucket: bucket, Key: summaryKey }))
  ).Body?.transformToString()) ?? '{}',
) as { outcomes: Record<string, number> };
const sorted = (outcomes: Record<string, number>) => JSON.stringify(Object.entries(outcomes).sort());
const outcomesAgree = sorted(summary.outcomes) === sorted({ ...generated.outcomes, probable_duplicate: 0 });
/** the persons the register made: a probable duplicate is a person of its own, to be reviewed */
const registered = (summary.outcomes.new ?? 0) + (summary.outcomes.probable_duplicate ?? 0);

// the report is written before the counters move, and `completed` after they have (docs/coverage.md)
const dynamodb = new DynamoDBClient({
  region: stack.names.region,
  endpoint: stack.endpoints.dynamodb,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});
async function batchStatus(): Promise<string | undefined> {
  for await (const page of paginateScan(
    { client: dynamodb },
    {
      TableName: stack.names.tables.batches,
      FilterExpression: 'sk = :meta',
      ExpressionAttributeValues: { ':meta': { S: batchKeys.batchSortKey } },
    },
  )) {
    const meta = page.Items?.[0];
    if (meta) return meta.status?.S;
  }
  return undefined;
}
while ((await batchStatus()) !== 'completed') await new Promise((resolve) => setTimeout(resolve, 500));
const pipelineSeconds = (performance.now() - uploaded) / 1000;
console.log(
  `${elapsed()}: batch completed in ${pipelineSeconds.toFixed(0)} s (${Math.round(rows / pipelineSeconds)} rows/s)`,
);

// ── 4. GET /coverage, as a viewer of the province's police ─────────────────────────────────────────────────────
const { idToken } = await signInAs(stack.http, { agency: AGENCY, roles: ['viewer'] });
const headers = { authorization: `Bearer ${idToken}` };
async function coverage(unit: string): Promise<CoverageView> {
  const response = await fetch(`${stack.http}/coverage?unit=${unit}&vintage=2020`, { headers });
  if (response.status !== 200)
    throw new Error(`GET /coverage?unit=${unit}: ${response.status} ${await response.text()}`);
  return (await response.json()) as CoverageView;
}
const view = await coverage(PROVINCE);
const checks = [
  { figure: 'N persons collected', truth: N, got: view.permanent.collected },
  { figure: 'M expected residents', truth: M, got: view.permanent.residents },
  { figure: 'P percent', truth: P, got: view.permanent.percent },
].map((check) => ({ ...check, pass: check.truth === check.got }));

// ── 5. Latency: sequential requests after a warm-up, the province and one district ─────────────────────────────
async function latency(unit: string): Promise<{ p50: number; p99: number; max: number }> {
  for (let i = 0; i < 20; i++) await coverage(unit);
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const at = performance.now();
    await coverage(unit);
    times.push(performance.now() - at);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: times.at(-1) ?? Number.NaN };
}
const provinceLatency = await latency(PROVINCE);
const districtLatency = await latency(DISTRICT);
await stack.stop();

// ── 6. The summary ─────────────────────────────────────────────────────────────────────────────────────────────
const count = (n: number) => n.toLocaleString('en');
console.log(`\nground truth (the generator's forms, read and placed here with shared/coverage/places.ts):`);
console.log(
  `  persons accepted ${count(newest.size)}: counted in province ${PROVINCE} on a 2020 commune ${count(persons.commune)}, ` +
    `on a not-assigned 2025 commune ${count(persons.notAssigned)}; unplaced (the country's bucket) ${count(persons.unplaced)}, ` +
    `elsewhere ${count(persons.elsewhere)}`,
);
console.log(
  `  expected residents: the fixture scaled by ${rows}/${GIALAI_2020.permanent} (largest remainder)`,
);
console.log(
  outcomesAgree
    ? "  the report's outcomes are the generator's: the register decided every row as the truth says\n"
    : `  the report's outcomes DIFFER from the generator's (${JSON.stringify(summary.outcomes)}): the register made ` +
        `${count(registered)} persons (new and probable duplicates) where the generator made ${count(generated.outcomes.new)}; ` +
        'who is one person was not the truth, so N may differ by those\n',
);
console.log('| figure | ground truth | GET /coverage?unit=64&vintage=2020 | equal |');
console.log('| --- | --- | --- | --- |');
for (const check of checks) {
  console.log(`| ${check.figure} | ${check.truth} | ${check.got} | ${check.pass ? 'yes' : 'NO'} |`);
}

const coverageKinds = [...writes.entries()].filter(
  ([kind]) => kind.startsWith('counters') || kind.startsWith('recollection') || kind.startsWith('worklists'),
);
const extraUnits = coverageKinds.reduce((sum, [, w]) => sum + w.units, 0);
const allUnits = [...writes.values()].reduce((sum, w) => sum + w.units, 0);
console.log('\n| DynamoDB writes | requests | refused conditions | write units | units per row |');
console.log('| --- | --- | --- | --- | --- |');
for (const [kind, w] of [...writes.entries()].sort()) {
  console.log(
    `| ${kind} | ${count(w.requests)} | ${w.refused} | ${w.units} | ${(w.units / rows).toFixed(5)} |`,
  );
}
console.log(
  `| **coverage's own (counters, recollection, worklists)** | | | ${extraUnits} | **${(extraUnits / rows).toFixed(5)}** |`,
);
console.log(`| all, pipeline-wide | | | ${allUnits} | ${(allUnits / rows).toFixed(3)} |`);
console.log(
  `coverage ledger: ${ledger.objects} S3 object(s), ${count(ledger.bytes)} bytes (a PUT request, no write unit)`,
);
console.log(
  `counter items moved, by partition: ${[...movedIn.entries()]
    .sort()
    .map(([pk, n]) => `${pk} ${n}`)
    .join(', ')}`,
);

const ms = (n: number) => n.toFixed(1);
console.log('\n| GET /coverage, vintage 2020 | requests | p50 ms | p99 ms | max ms |');
console.log('| --- | --- | --- | --- | --- |');
console.log(
  `| unit=${PROVINCE} (province, ${view.children.length} lines) | ${requests} | ${ms(provinceLatency.p50)} | ${ms(provinceLatency.p99)} | ${ms(provinceLatency.max)} |`,
);
console.log(
  `| unit=${DISTRICT} (district) | ${requests} | ${ms(districtLatency.p50)} | ${ms(districtLatency.p99)} | ${ms(districtLatency.max)} |`,
);
const box = machine();
console.log(
  `\n${box.date}, ${box.cores} × ${box.cpu}, Node ${box.node}, load average ${box.loadAverage.join(' ')}; ` +
    `p99 ≤ 100 ms: ${provinceLatency.p99 <= 100 ? 'met' : 'NOT met'}`,
);
const failed = checks.filter((check) => !check.pass);
console.log(
  failed.length === 0
    ? 'PASS: N, M and P equal the ground truth'
    : `FAIL: ${failed.map((c) => c.figure).join(', ')}`,
);
process.exit(failed.length === 0 ? 0 : 1);
