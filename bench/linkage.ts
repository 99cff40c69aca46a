// bench/linkage: the linkage core (blocking keys, Fellegi–Sunter scoring, thresholds) on a generated register
// with noisy second forms and ground truth. OFFLINE: an in-memory Map stands in for the DynamoDB blocking index,
// so reads are counted as the queries the design makes, not measured; rows/s on the local stack come with the
// register integration. `--derive` re-estimates m and u on a training register (another seed) and writes
// shared/linkage/weights.json.
// Usage: npm run bench:linkage -- [--people 200000] [--seed 1 | --seeds 1,2,3] [--setting default|hard]
//   [--mix kinh|gia-lai] [--derive] [--json]
// (--people counts rows: the first forms of 90 % as many people, plus 10 % noisy second forms; `--setting hard`, the
// noisier data of issue 22: 15 % second forms, more without an ID or with a mistyped one, more name slips)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { matchHeldRecord, personIdentity } from '#domain/identity.ts';
import { throwawayKeyer } from '#domain/person-keyer.ts';
import type { PopulationRecord } from '#domain/record.ts';
import {
  blockingKeys,
  FILING_PLAN,
  FILING_PLANS,
  type FilingPlan,
  filingKeys,
  idVariantKeys,
} from '../shared/linkage/blocking.ts';
import { compareRecords } from '../shared/linkage/compare.ts';
import { estimateWeights, type LabelledPair } from '../shared/linkage/estimate.ts';
import { type HeldCandidate, linkRecord } from '../shared/linkage/link.ts';
import { nameParts } from '../shared/linkage/name-form.ts';
import { LINK_THRESHOLDS, mergeBlockers } from '../shared/linkage/score.ts';
import {
  generateLinkageRegister,
  LINKAGE_SETTINGS,
  type LinkageRow,
  type LinkageSettingName,
} from '../tools/synthetic/linkage.ts';
import { describeSetting, type Miss, missBreakdown } from '../tools/synthetic/linkage-truth.ts';
import { jsonMode, machine, printJson } from './report.ts';

const json = jsonMode();

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    people: { type: 'string', default: '200000' },
    seed: { type: 'string', default: '1' },
    seeds: { type: 'string' },
    setting: { type: 'string', default: 'default' },
    mix: { type: 'string', default: 'kinh' },
    'duplicate-rate': { type: 'string' },
    derive: { type: 'boolean', default: false },
    filing: { type: 'string', default: FILING_PLAN },
    local: { type: 'string' },
    /** file and query the ID's variant keys too (issue 22): six more items per person with an ID */
    'id-variants': { type: 'boolean', default: false },
  },
});
const rowCount = Number(values.people);
const mix = values.mix === 'gia-lai' ? 'gia-lai' : 'kinh';
if (!(values.setting in LINKAGE_SETTINGS))
  throw new Error(`--setting ${Object.keys(LINKAGE_SETTINGS).join('|')}`);
const setting = values.setting as LinkageSettingName;
const duplicateRate = values['duplicate-rate'] === undefined ? undefined : Number(values['duplicate-rate']);
const seeds = (values.seeds ?? values.seed).split(',').filter(Boolean);
if (!(values.filing in FILING_PLANS)) throw new Error(`--filing ${Object.keys(FILING_PLANS).join('|')}`);
/** what a held record is filed under (and so what an incoming one may query) */
const filed = values.filing as FilingPlan;
const keyer = throwawayKeyer();
/** the ID's variant keys when --id-variants (sealed under a throwaway secret, as the register seals under its own) */
const idKeys = (record: PopulationRecord) =>
  values['id-variants'] ? idVariantKeys(record.personalId, keyer.digest) : [];

interface Held extends HeldCandidate {
  /** the whole record: the register's exact-key path compares more than linkage reads */
  record: PopulationRecord;
  /** ground truth, for scoring the bench only */
  person: number;
}

/** The stand-in for the register table and its blocking items: person key → record, block key → persons. */
class InMemoryRegister {
  readonly byKey = new Map<string, Held>();
  readonly blocks = new Map<string, Held[]>();
  queries = 0;
  queriedItems: number[] = [];
  /** blocking items written: one write unit each */
  filingItems = 0;

  hold(held: Held): void {
    this.byKey.set(held.personKey, held);
    for (const key of [...filingKeys(held.record, filed), ...idKeys(held.record)]) {
      this.filingItems++;
      const block = this.blocks.get(key);
      if (block) block.push(held);
      else this.blocks.set(key, [held]);
    }
  }

  /** One query per blocking key, as the register would make. */
  candidates(record: PopulationRecord): Held[] {
    const found: Held[] = [];
    for (const key of [...blockingKeys(record, filed), ...idKeys(record)]) {
      const block = this.blocks.get(key) ?? [];
      this.queries++;
      this.queriedItems.push(block.length);
      found.push(...block);
    }
    return found;
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
function spread(xs: number[]): string {
  const sorted = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  return `mean ${mean.toFixed(2)}, p99 ${quantile(sorted, 0.99)}, max ${sorted.at(-1) ?? 0}`;
}
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

function generate(seed: string): LinkageRow[] {
  const started = performance.now();
  const rows = generateLinkageRegister({ rows: rowCount, seed, ethnicMix: mix, duplicateRate, setting });
  console.log(
    `generated ${rows.length.toLocaleString('en')} rows (seed ${seed}, setting ${setting}, ${mix}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return rows;
}

if (values.local) {
  // the same register through the real code on the local stack (bench/linkage-local.ts)
  const { runLocal } = await import('./linkage-local.ts');
  await runLocal(generate(seeds[0] as string).slice(0, Number(values.local)));
  process.exit(0);
}

if (values.derive) {
  // every blocked candidate pair of the training register, labelled by the generator's truth
  const rows = generate(`${seeds[0]}-train`);
  const register = new InMemoryRegister();
  const pairs: LabelledPair[] = [];
  for (const row of rows) {
    const key = personIdentity(row.record);
    if (register.byKey.has(key)) continue;
    const seen = new Set<string>();
    for (const candidate of register.candidates(row.record)) {
      if (seen.has(candidate.personKey)) continue;
      seen.add(candidate.personKey);
      pairs.push({
        levels: compareRecords(row.record, candidate.record),
        match: candidate.person === row.person,
      });
    }
    register.hold({ personKey: key, record: row.record, person: row.person });
  }
  const table = estimateWeights(
    pairs,
    `bench/linkage --derive: ${pairs.length} blocked pairs (${pairs.filter((p) => p.match).length} same person) of a ${rowCount}-row ${mix} register, seed ${seeds[0]}-train`,
  );
  const file = join(import.meta.dirname, '..', 'shared', 'linkage', 'weights.json');
  writeFileSync(file, `${JSON.stringify(table, null, 2)}\n`);
  console.log(`wrote ${file}`);
  for (const [field, levels] of Object.entries(table.fields)) {
    const cells = Object.entries(levels).map(
      ([level, { m, u }]) => `${level} m=${m} u=${u} w=${Math.log2(m / u).toFixed(2)}`,
    );
    console.log(`  ${field}: ${cells.join(' | ')}`);
  }
  process.exit(0);
}

function evaluate(seed: string) {
  const rows = generate(seed);
  const duplicates = rows.filter((row) => row.samePersonAs !== undefined).length;
  console.log(describeSetting(rows));
  const nguyen = rows.filter((row) => nameParts(row.record.fullName).family === 'nguyen').length;
  const tran = rows.filter((row) => nameParts(row.record.fullName).family === 'tran').length;
  const le = rows.filter((row) => nameParts(row.record.fullName).family === 'le').length;

  /** What happened to each row whose exact key was not held: the best candidate's score and whether it was right. */
  interface Linked {
    score: number;
    /** the best candidate is the row's person */
    right: boolean;
    /** a merge blocker (mergeBlockers) keeps it from an automatic merge whatever the score */
    blocked: boolean;
    duplicate: boolean;
  }
  const linked: Linked[] = [];
  const candidatesPerRecord: number[] = [];
  const queriesPerIdLess: number[] = [];
  let exactMerges = 0;
  let exactWrong = 0;
  let exactConflicts = 0;
  let exactConflictsRight = 0;
  let linkageMs = 0;
  const outcomes = { match: 0, review: 0, distinct: 0 };
  let autoRight = 0;
  let autoWrong = 0;
  let reviewRight = 0;
  let reviewWrong = 0;
  const register = new InMemoryRegister();
  /** second forms not found (neither joined to nor reviewed against their person), for the breakdown */
  const misses: Miss[] = [];
  const missed = (row: LinkageRow, reachedByBlocking: boolean) => {
    const first = rows[(row.samePersonAs as number) - 1] as LinkageRow;
    misses.push({ first: first.record, second: row.record, noise: row.noise, reachedByBlocking });
  };

  const started = performance.now();
  for (const row of rows) {
    const key = personIdentity(row.record);
    const held = register.byKey.get(key);
    if (held) {
      if (row.samePersonAs !== undefined && held.person !== row.person) missed(row, false);
      // the register's existing path: same ID (or same name, birth date, sex and birth place without one)
      const { outcome } = matchHeldRecord(held.record, row.record);
      if (outcome === 'conflict') {
        exactConflicts++;
        if (held.person === row.person) exactConflictsRight++;
      } else {
        exactMerges++;
        if (held.person !== row.person) exactWrong++;
      }
      continue;
    }
    const t = performance.now();
    const queriesBefore = register.queries;
    const candidates = register.candidates(row.record);
    const result = linkRecord(row.record, candidates);
    linkageMs += performance.now() - t;
    if (!row.record.personalId) queriesPerIdLess.push(register.queries - queriesBefore);
    candidatesPerRecord.push(result.candidates);
    outcomes[result.decision]++;
    const best = result.best ? register.byKey.get(result.best.personKey) : undefined;
    const right = best !== undefined && best.person === row.person;
    if (row.samePersonAs !== undefined && (!right || result.decision === 'distinct'))
      missed(
        row,
        candidates.some((candidate) => candidate.person === row.person),
      );
    if (result.best) {
      const blocked =
        mergeBlockers(result.best.levels, { a: row.record.personalId, b: best?.record.personalId }).length >
        0;
      linked.push({ score: result.best.score, right, blocked, duplicate: row.samePersonAs !== undefined });
    }
    if (result.decision === 'match') {
      if (right) autoRight++;
      else autoWrong++;
      continue; // joins the held person
    }
    if (result.decision === 'review') {
      if (right) reviewRight++;
      else reviewWrong++;
    }
    register.hold({ personKey: key, record: row.record, person: row.person });
  }
  const totalSeconds = (performance.now() - started) / 1000;

  const f1 = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);
  function report(label: string, right: number, wrong: number, positives: number): void {
    const precision = right / Math.max(1, right + wrong);
    const recall = right / Math.max(1, positives);
    console.log(
      `  ${label.padEnd(34)} precision ${precision.toFixed(4)}  recall ${recall.toFixed(4)}  F1 ${f1(precision, recall).toFixed(4)}  (${right} right, ${wrong} wrong of ${positives})`,
    );
  }

  const linkageRun = candidatesPerRecord.length;
  const linkedDuplicates = duplicates - (exactMerges - exactWrong) - exactConflictsRight;
  console.log(
    `\nregister: ${rows.length} rows, ${duplicates} noisy second forms (${pct(duplicates / rows.length)})`,
  );
  console.log(
    `family names: Nguyễn ${pct(nguyen / rows.length)}, Trần ${pct(tran / rows.length)}, Lê ${pct(le / rows.length)}`,
  );
  console.log(
    `exact-key path (existing register: same ID, or same name+DOB+sex+birth place): ${exactMerges} merged (${exactWrong} wrong), ${exactConflicts} conflicts (${exactConflictsRight} the same person)`,
  );
  console.log(
    `linkage ran for ${linkageRun} rows whose key was not held; ${linkedDuplicates} of them are second forms`,
  );
  console.log(
    `filing plan ${filed}: ${register.filingItems} blocking items for ${register.byKey.size} persons = ${(register.filingItems / register.byKey.size).toFixed(2)} per person, ${(register.filingItems / rows.length).toFixed(3)} per row`,
  );
  console.log(`thresholds: upper ${LINK_THRESHOLDS.upper} bits, lower ${LINK_THRESHOLDS.lower} bits`);
  console.log('\npairwise (each second form has exactly one earlier record, so a link is a pair):');
  report('auto-merge, linkage only', autoRight, autoWrong, linkedDuplicates);
  report(
    'auto-merge + review, linkage only',
    autoRight + reviewRight,
    autoWrong + reviewWrong,
    linkedDuplicates,
  );
  report(
    'auto-merge, whole register',
    autoRight + exactMerges - exactWrong,
    autoWrong + exactWrong,
    duplicates,
  );
  report(
    'auto-merge + review, whole register',
    autoRight + reviewRight + exactMerges - exactWrong + exactConflictsRight,
    autoWrong + reviewWrong + exactWrong + exactConflicts - exactConflictsRight,
    duplicates,
  );
  console.log(
    `\noutcomes of linkage: ${outcomes.match} match, ${outcomes.review} review, ${outcomes.distinct} distinct; review share ${pct(outcomes.review / rows.length)} of rows`,
  );
  console.log(`candidates (distinct persons scored) per linked record: ${spread(candidatesPerRecord)}`);
  console.log(`\nsecond forms not found, by cause (${misses.length} of ${duplicates}):`);
  for (const line of missBreakdown(misses, duplicates)) console.log(`  ${line}`);
  const sortedQueries = queriesPerIdLess.reduce((s, x) => s + x, 0) / Math.max(1, queriesPerIdLess.length);
  console.log(
    `reads per ID-less record (design: one Query per blocking key, plus the register's GetItem on its own key): ${sortedQueries.toFixed(2)} queries + 1 GetItem`,
  );
  console.log(`items returned per query: ${spread(register.queriedItems)}`);
  for (const [prefix, label] of [
    ['bg', 'givenDate'],
    ['bf', 'familyDate'],
    ['bm', 'givenMother'],
    ['bp', 'givenFather'],
    ['bb', 'givenPlace'],
    ['bq', 'bothParents'],
    ['bi', 'idVariant'],
  ] as const) {
    const sizes = [...register.blocks.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([, v]) => v.length);
    console.log(`  block sizes ${label.padEnd(12)} ${sizes.length} blocks, ${spread(sizes)}`);
  }
  console.log(
    `throughput: linkage (keys + lookups + scoring) ${Math.round(linkageRun / (linkageMs / 1000)).toLocaleString('en')} records/s; whole in-memory pass ${Math.round(rows.length / totalSeconds).toLocaleString('en')} rows/s`,
  );

  // the trade-off: auto-merge precision and recall as the upper threshold moves; review share as the lower does
  const exactRight = exactMerges - exactWrong;
  console.log('\nupper threshold → auto-merge precision / recall (whole register)');
  for (const upper of [8, 10, 12, 14, 16, 18, 20, 22, 24]) {
    const above = linked.filter((l) => l.score >= upper && !l.blocked);
    const right = above.filter((l) => l.right).length + exactRight;
    const wrong = above.length - (right - exactRight) + exactWrong;
    console.log(
      `  ${String(upper).padStart(3)}: precision ${(right / Math.max(1, right + wrong)).toFixed(4)}, recall ${(right / duplicates).toFixed(4)}`,
    );
  }
  console.log(`lower threshold → recall of auto+review and review share (upper ${LINK_THRESHOLDS.upper})`);
  for (const lower of [-4, -2, 0, 2, 4, 6, 8, 10]) {
    const above = linked.filter((l) => l.score >= lower);
    const right = above.filter((l) => l.right).length + exactRight + exactConflictsRight;
    const review = linked.filter(
      (l) => l.score >= lower && (l.score < LINK_THRESHOLDS.upper || l.blocked),
    ).length;
    console.log(
      `  ${String(lower).padStart(3)}: recall ${(right / duplicates).toFixed(4)}, review share ${pct(review / rows.length)}`,
    );
  }
  console.log(
    '\nfor comparison (docs/linkage.md): Splink reports deduplicating 7 M synthetic person records in ~2 min on AWS EC2' +
      ' (robinlinacre.com/fast_deduplication, 2024-01-18) but publishes no precision/recall for it that we could find;' +
      ' third-party figures on other data sets (DBLP-ACM ~95 % F1) are not comparable with this generator.',
  );

  const summaryOf = (right: number, wrong: number, positives: number) => {
    const precision = right / Math.max(1, right + wrong);
    const recall = right / Math.max(1, positives);
    return {
      precision: Number(precision.toFixed(4)),
      recall: Number(recall.toFixed(4)),
      f1: Number(f1(precision, recall).toFixed(4)),
    };
  };
  return {
    seed,
    setting,
    rows: rows.length,
    mix,
    linkedRecords: linkageRun,
    linkageRecordsPerSecond: Math.round(linkageRun / (linkageMs / 1000)),
    wholePassRowsPerSecond: Math.round(rows.length / totalSeconds),
    autoMerge: summaryOf(autoRight + exactMerges - exactWrong, autoWrong + exactWrong, duplicates),
    autoMergeAndReview: summaryOf(
      autoRight + reviewRight + exactMerges - exactWrong + exactConflictsRight,
      autoWrong + reviewWrong + exactWrong + exactConflicts - exactConflictsRight,
      duplicates,
    ),
    reviewShare: Number((outcomes.review / rows.length).toFixed(4)),
    filingItemsPerPerson: Number((register.filingItems / register.byKey.size).toFixed(3)),
    queriesPerLinkedRecord: Number((register.queries / Math.max(1, linkageRun)).toFixed(3)),
  };
}

const results = seeds.map(evaluate);
if (results.length > 1) {
  console.log(`\nsetting ${setting}, ${rowCount} rows, seeds ${seeds.join(', ')}:`);
  console.log('  seed  auto-merge precision  recall with review  review share  filing items/person');
  for (const r of results)
    console.log(
      `  ${r.seed.padEnd(4)}  ${r.autoMerge.precision.toFixed(4).padStart(20)}  ${r.autoMergeAndReview.recall.toFixed(4).padStart(18)}  ${pct(r.reviewShare).padStart(12)}  ${r.filingItemsPerPerson.toFixed(2).padStart(19)}`,
    );
}
if (json)
  printJson({ bench: 'linkage', machine: machine(), ...(results.length === 1 ? results[0] : { results }) });
