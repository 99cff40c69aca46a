// bench/scale-model: what an ingest of N rows costs on AWS and how long it takes, from the per-row figures
// this repository measures (bench/ingest) and the on-demand price list. Every figure is a formula over the
// inputs below, printed with it, so the model can be recomputed when a measurement or a price changes.
// Usage: npm run bench:scale-model -- [--rows 1600000,100000000] [--register-memory 1769] [--register-concurrency 64]
//   [--linkage off|on|pass] [--link-concurrency 64]
import { parseArgs } from 'node:util';
import { stageConfig, withStageSettings } from '../infra/stages.ts';
import { DEFAULT_SPLIT_SETTINGS } from '../shared/ingest/split.ts';
import { FUNCTIONS } from '../shared/resources.ts';

// the prod stage's settings are the defaults: the model prices what `cdk deploy -c stage=prod` deploys
const prod = stageConfig('prod');
const prodRegister = withStageSettings(FUNCTIONS.register, prod);
const prodLink = withStageSettings(FUNCTIONS.link, prod);

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1600000,100000000' },
    'register-memory': { type: 'string', default: String(prodRegister.memoryMb) },
    'register-concurrency': { type: 'string', default: String(prodRegister.source.maximumConcurrency) },
    files: { type: 'string', default: '' },
    // the stage's `linkage` (infra/stages.ts): off, the exact-key register; on, the register links every row;
    // pass, the exact-key register and then one link pass over the register it built
    linkage: { type: 'string', default: prod.linkage },
    'link-concurrency': { type: 'string', default: String(prodLink.source.maximumConcurrency) },
  },
});
if (!['on', 'off', 'pass'].includes(values.linkage)) throw new Error('--linkage is on, off or pass');

/** Measured on this repository's generated Gia Lai batches (npm run bench:ingest -- --rows 100000). */
const MEASURED = {
  acceptedShare: 0.95, // rows that pass validation (the generator's 5 % faulty rows)
  writeUnitsPerAccepted: 1.07, // DynamoDB WRU per accepted row (ReturnConsumedCapacity, failed conditions as 1)
  readUnitsPerAccepted: 0.05, // consistent GetItem of a held person (4.7 %) and one batch read per chunk
  s3PutsPerRow: 0.0039, // chunk, outcome and rejected-row files, report parts (394 per 100k rows)
  s3GetsPerRow: 0.0059, // chunk reads, outcome-exists checks (HEAD), finalize reads (588 per 100k rows)
  sqsRequestsPerAccepted: 3 / DEFAULT_SPLIT_SETTINGS.chunkRows, // per chunk: send, receive, delete
  // CPU per row of the functions on this machine: an upper bound, the whole local process (functions, three
  // emulators, the bench itself) divided by the rows; bench/ingest prints it as "process CPU"
  registerCpuMsPerRow: 2.0,
  splitCpuMsPerRow: 0.1, // bench/split-memory: 100k rows in 9.6 s of one process, of which ~8 s after start-up
  bytesPerRow: 440, // 1M generated rows = 444 MB with all 29 columns
  personItemBytes: 700, // record values (~500 B) + keys, version, decisions
};

/**
 * What record linkage changes (npm run bench:ingest -- --rows 5000 --linkage on): each new person is filed under
 * three blocking items and every row not held under its own key Queries three keys (strongly consistent, one read
 * unit each below 4 KB); a new ID is read (GetItem) first.
 */
const MEASURED_LINKAGE: Partial<typeof MEASURED> = {
  writeUnitsPerAccepted: 3.9, // persons and the rest 1.031, blocking items 2.869
  readUnitsPerAccepted: 3.88, // Query 2.874 + GetItem 0.960 + batch reads per chunk
  // the main thread's busy CPU per accepted row (the functions, s3rver, fauxqs, the bench; dynalite runs on a
  // thread of its own and is left out): bench/ingest --linkage on --profile DIR, "busy" of pipeline.cpuprofile
  registerCpuMsPerRow: 5.0,
};

/**
 * One link pass over the register an ingest built (npm run bench:link-pass -- --rows 20000): the Scan is charged by
 * the bytes it reads (eventually consistent: 0.5 read unit per 4 KB); a candidate the pass found costs its reads
 * (both persons, the review list) and writes (a merge updates both persons; a review item is one put).
 */
const MEASURED_PASS = {
  personsPerAccepted: 0.985, // 19,624 persons of 19,925 accepted rows: exact copies are one person already
  bytesPerPerson: 653, // the register table's bytes per person (no blocking items under `pass`)
  writeUnitsPerPerson: 0.159, // UpdateItem 2,876 + PutItem 246 for 19,624 persons (1,430 merged, 245 reviewed)
  readUnitsPerPerson: 0.33, // GetItem 6,467 (strongly consistent, < 4 KB)
  linesPerPerson: 4.74, // scan lines, one per blocking key (1,042 bytes per person through S3)
  // the main thread's busy time per person during the pass (the link function, s3rver and fauxqs; dynalite runs
  // on a thread of its own): an upper bound for the function's CPU, on a register too small for large groups
  cpuMsPerPerson: 0.77,
  // what grows with the square of the register: pairs in the date keys' groups (one family name, sex and birthday;
  // one given-name skeleton and birthday) per person², counted over the generator's distinct people, and the CPU
  // of one such pair in a group step (the bound of scoreBelow first, the whole score when it could reach review)
  dateKeyPairsPerPersonSquared: 3.1e-6, // 25,226 pairs over 90,000 distinct people (--rows 100000)
  pairUs: 3.2, // 2.2–3.2 µs across runs (9–10 µs without the bound)
  memoryMb: prodLink.memoryMb,
  itemsPerSegment: 1_500_000, // passSizes: a scan segment reads ~1 GB, well inside 15 minutes
  linesPerPart: 1_000_000, // a scan segment writes a part per partition every million lines
  personsPerPartition: 300_000, // ~1.4 M lines: what a group step holds in 2 GB
  maxDeciders: 64,
};

/** On-demand list prices, US East (N. Virginia), as published on 2026-11-27 (DynamoDB after its Nov 2024 cut). */
const PRICES_USD = {
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  dynamodbStoragePerGbMonth: 0.25,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  sqsPerMillionRequests: 0.4,
  s3PerThousandPuts: 0.005,
  s3PerThousandGets: 0.0004,
  s3StoragePerGbMonth: 0.023,
};

/** Lambda gives one vCPU at 1,769 MB, in proportion below; a Node.js function uses about one vCPU at most. */
const vcpuShare = (memoryMb: number) => Math.min(1, memoryMb / 1769);

/** One link pass over the persons `accepted` rows leave in the register: requests, cost and time. */
function passModel(accepted: number, linkConcurrency: number) {
  const m = MEASURED_PASS;
  const p = PRICES_USD;
  const persons = accepted * m.personsPerAccepted;
  const partitions = Math.max(16, Math.ceil(persons / m.personsPerPartition));
  const segments = Math.min(1000, Math.max(16, Math.ceil(persons / m.itemsPerSegment)));
  const deciders = Math.min(partitions, m.maxDeciders);
  const parts = Math.ceil((persons * m.linesPerPerson) / segments / m.linesPerPart);
  const s3Files = segments * parts * partitions + partitions * deciders;
  const scanReadUnits = (persons * m.bytesPerPerson) / 4096 / 2;
  const readUnits = scanReadUnits + persons * m.readUnitsPerPerson;
  const writeUnits = persons * m.writeUnitsPerPerson;
  const groupPairs = persons ** 2 * m.dateKeyPairsPerPersonSquared;
  const pairSeconds = (groupPairs * m.pairUs) / 1e6;
  const cpuSeconds = (persons * m.cpuMsPerPerson) / 1000 + pairSeconds;
  const gbSeconds = (cpuSeconds / vcpuShare(m.memoryMb)) * (m.memoryMb / 1024);
  const invocations = 1 + segments + partitions + deciders;
  const cost = {
    dynamodbWrites: (writeUnits / 1e6) * p.dynamodbPerMillionWriteUnits,
    dynamodbReads: (readUnits / 1e6) * p.dynamodbPerMillionReadUnits,
    lambda: gbSeconds * p.lambdaArmPerGbSecond + (invocations / 1e6) * p.lambdaPerMillionRequests,
    sqs: ((invocations * 3) / 1e6) * p.sqsPerMillionRequests,
    s3: (s3Files / 1000) * (p.s3PerThousandPuts + p.s3PerThousandGets),
  };
  // CPU-bound steps, up to the link queue's maximumConcurrency at once: the per-person work over the narrowest stage
  // (64 segments, or the decide steps), the large groups' pairs over the group steps
  const seconds =
    ((persons * m.cpuMsPerPerson) / 1000 / Math.min(linkConcurrency, segments, deciders) +
      pairSeconds / Math.min(linkConcurrency, partitions)) /
    vcpuShare(m.memoryMb);
  return {
    persons,
    partitions,
    deciders,
    groupPairs,
    s3Files,
    scanReadUnits,
    readUnits,
    writeUnits,
    gbSeconds,
    cost,
    total: Object.values(cost).reduce((a, b) => a + b, 0),
    seconds,
  };
}

function model(rows: number, registerMemoryMb: number, registerConcurrency: number, files: number) {
  const m = { ...MEASURED, ...(values.linkage === 'on' ? MEASURED_LINKAGE : {}) };
  const p = PRICES_USD;
  const accepted = rows * m.acceptedShare;
  const writeUnits = accepted * m.writeUnitsPerAccepted;
  const readUnits = accepted * m.readUnitsPerAccepted;
  // billed duration: CPU-bound work stretched by the vCPU share the memory setting buys
  const registerSeconds = (accepted * m.registerCpuMsPerRow) / 1000 / vcpuShare(registerMemoryMb);
  const splitSeconds = (rows * m.splitCpuMsPerRow) / 1000 / vcpuShare(FUNCTIONS.split.memoryMb);
  const gbSeconds =
    registerSeconds * (registerMemoryMb / 1024) + splitSeconds * (FUNCTIONS.split.memoryMb / 1024);
  const invocations = accepted / DEFAULT_SPLIT_SETTINGS.chunkRows + files * 3;
  const sqsRequests = accepted * m.sqsRequestsPerAccepted;
  const cost = {
    dynamodbWrites: (writeUnits / 1e6) * p.dynamodbPerMillionWriteUnits,
    dynamodbReads: (readUnits / 1e6) * p.dynamodbPerMillionReadUnits,
    lambdaDuration: gbSeconds * p.lambdaArmPerGbSecond,
    lambdaRequests: (invocations / 1e6) * p.lambdaPerMillionRequests,
    sqs: (sqsRequests / 1e6) * p.sqsPerMillionRequests,
    s3Requests:
      ((rows * m.s3PutsPerRow) / 1000) * p.s3PerThousandPuts +
      ((rows * m.s3GetsPerRow) / 1000) * p.s3PerThousandGets,
  };
  const total = Object.values(cost).reduce((a, b) => a + b, 0);
  const storagePerMonth =
    ((accepted * m.personItemBytes) / 1e9) * p.dynamodbStoragePerGbMonth +
    ((rows * m.bytesPerRow) / 1e9) * p.s3StoragePerGbMonth;

  // wall clock: register invocations run side by side up to maximumConcurrency (each batch offers 16 partition
  // chains, so enough batches must be in flight), each at its CPU-bound rate; DynamoDB must absorb the writes
  const rowsPerInvocationPerSecond = (1000 / m.registerCpuMsPerRow) * vcpuShare(registerMemoryMb);
  const chains = Math.min(registerConcurrency, files * DEFAULT_SPLIT_SETTINGS.partitions);
  const registerRate = chains * rowsPerInvocationPerSecond;
  const writeRate = registerRate * m.writeUnitsPerAccepted;
  // one split invocation per file at a time; files side by side up to the split's maximumConcurrency
  const splitRatePerFile = (1000 / m.splitCpuMsPerRow) * vcpuShare(FUNCTIONS.split.memoryMb);
  const splitRate = Math.min(FUNCTIONS.split.source.maximumConcurrency, files) * splitRatePerFile;
  // a file's rows reach the register when its split ends: the first file's split, then the slower stage
  const firstSplit = rows / files / splitRatePerFile;
  const seconds = firstSplit + Math.max(accepted / registerRate, (rows - rows / files) / splitRate);
  return {
    accepted,
    writeUnits,
    readUnits,
    gbSeconds,
    invocations,
    sqsRequests,
    cost,
    total,
    storagePerMonth,
    registerRate,
    writeRate,
    seconds,
    chains,
  };
}

{
  const memory = Number(values['register-memory']);
  const concurrency = Number(values['register-concurrency']);
  for (const rows of values.rows.split(',').map(Number)) {
    // a province is one file; the country is its 63 provinces' files (2020) of about 1.6 M rows each
    const files = values.files ? Number(values.files) : Math.max(1, Math.round(rows / 1_600_000));
    const r = model(rows, memory, concurrency, files);
    const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
    console.log(
      `\n${rows.toLocaleString('en')} rows in ${files} file(s); register ${memory} MB, maximumConcurrency ${concurrency}, linkage ${values.linkage}`,
    );
    console.log(
      `  DynamoDB   ${Math.round(r.writeUnits).toLocaleString('en')} WRU, ${Math.round(r.readUnits).toLocaleString('en')} RRU  → ${usd(r.cost.dynamodbWrites)} + ${usd(r.cost.dynamodbReads)}`,
    );
    console.log(
      `  Lambda     ${Math.round(r.invocations).toLocaleString('en')} invocations, ${Math.round(r.gbSeconds).toLocaleString('en')} GB-s  → ${usd(r.cost.lambdaRequests)} + ${usd(r.cost.lambdaDuration)}`,
    );
    console.log(
      `  SQS        ${Math.round(r.sqsRequests).toLocaleString('en')} requests  → ${usd(r.cost.sqs)}`,
    );
    console.log(
      `  S3         requests → ${usd(r.cost.s3Requests)}; storage afterwards ${usd(r.storagePerMonth)} per month (register + uploads)`,
    );
    if (values.linkage !== 'pass')
      console.log(`  total      ${usd(r.total)} = ${usd((r.total / rows) * 1e6)} per million rows`);
    console.log(
      `  wall clock ${(r.seconds / 60).toFixed(0)} min: ${r.chains} register chains × ${Math.round(r.registerRate / r.chains)} rows/s = ` +
        `${Math.round(r.registerRate).toLocaleString('en')} rows/s, DynamoDB ${Math.round(r.writeRate).toLocaleString('en')} WRU/s ` +
        `(≥ ${Math.ceil(r.writeRate / 1000)} partitions at 1,000 WCU/s each; pre-warm the table above 4,000 WRU/s)`,
    );
    if (values.linkage === 'pass') {
      const pass = passModel(r.accepted, Number(values['link-concurrency']));
      const steps = Math.min(Number(values['link-concurrency']), pass.partitions);
      console.log(
        `  link pass  ${Math.round(pass.persons).toLocaleString('en')} persons, ${pass.partitions} partitions, ${pass.deciders} decide steps: ` +
          `${(pass.groupPairs / 1e9).toFixed(2)} G pairs in date-key groups; ` +
          `scan ${Math.round(pass.scanReadUnits).toLocaleString('en')} RRU, ${Math.round(pass.readUnits).toLocaleString('en')} RRU and ` +
          `${Math.round(pass.writeUnits).toLocaleString('en')} WRU in all, ${Math.round(pass.gbSeconds).toLocaleString('en')} GB-s, ` +
          `${pass.s3Files.toLocaleString('en')} S3 files  → ${usd(pass.total)} (${Object.entries(pass.cost)
            .map(([k, v]) => `${k} ${usd(v)}`)
            .join(', ')})`,
      );
      console.log(
        `             ${(pass.seconds / 60).toFixed(0)} min with up to ${steps} steps at once: ${((r.seconds + pass.seconds) / 60).toFixed(0)} min from upload to linked register`,
      );
      console.log(
        `  total      ${usd(r.total)} + ${usd(pass.total)} = ${usd(r.total + pass.total)} = ${usd(((r.total + pass.total) / rows) * 1e6)} per million rows`,
      );
    }
  }
}
