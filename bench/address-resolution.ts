// bench/address-resolution: how many addresses the resolver places, and what the name index costs.
// (1) the synthetic generator's addresses: permanent and current addresses against the commune code the same row
// writes (accepted rows only: a faulty row's code or text is the fault), and birth-registration places and hometowns
// (no code: placed or not only); (2) test/fixtures/messy-addresses.csv, where wrong must be 0.
// Usage: npm run bench:address -- [--rows 20000] [--seed 1] [--json]
import { parseArgs } from 'node:util';
import {
  type AddressResolution,
  resolveAddress,
  type UnplacedReason,
  warmAddressIndex,
} from '../shared/domain/address-resolver.ts';
import { unitOf } from '../shared/domain/units.ts';
import { judge, messyAddresses, type Verdict } from '../test/fixtures/messy-addresses.ts';
import { generateRows } from '../tools/synthetic/generator.ts';
import { jsonMode, machine, printJson } from './report.ts';

const json = jsonMode();
const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rows: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
  },
});
const rows = Number(values.rows);

const gc = (globalThis as { gc?: () => void }).gc;
const heapMB = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

// the index first, in a process that has resolved nothing yet
const heapBefore = heapMB();
let started = performance.now();
unitOf(2020, '64'); // units.ts's own index, which the name index is built from
const unitsMs = performance.now() - started;
const unitsHeapMB = heapMB() - heapBefore;
started = performance.now();
warmAddressIndex(2020);
const build2020Ms = performance.now() - started;
started = performance.now();
warmAddressIndex(2025);
const build2025Ms = performance.now() - started;
const indexHeapMB = heapMB() - heapBefore - unitsHeapMB;

type Tally = Record<Verdict, number> & { total: number };
const tally = (): Tally => ({
  total: 0,
  placed: 0,
  wrong: 0,
  unknown: 0,
  ambiguous: 0,
  disagree: 0,
  empty: 0,
});
const count = (t: Tally, verdict: Verdict) => {
  t.total += 1;
  t[verdict] += 1;
};
const reasonOf = (result: AddressResolution): 'placed' | UnplacedReason =>
  result.status === 'placed' ? 'placed' : result.reason;

const coded = tally();
const uncoded = tally();
let resolved = 0;
let resolveMs = 0;
const resolve = (text: string) => {
  const t0 = performance.now();
  const result = resolveAddress(text, { vintage: 'either' });
  resolveMs += performance.now() - t0;
  resolved += 1;
  return result;
};

for (const { values: cells, truth } of generateRows({ rows, seed: values.seed })) {
  if (truth.outcome === 'rejected') continue;
  const pairs: [string | undefined, string | undefined][] = [
    [cells.permanent_address, cells.permanent_commune_code],
    [cells.current_address, cells.current_commune_code],
    [cells.birth_registration_place, undefined],
    [cells.hometown, undefined],
  ];
  for (const [text, code] of pairs) {
    if (!text) continue;
    const result = resolve(text);
    if (code) {
      const expected = code.padStart(5, '0');
      // the generator writes a 2025 code with a 2025 address, a 2020 one with a 2020 address
      const verdict =
        result.status === 'placed' ? (result.commune.code === expected ? 'placed' : 'wrong') : result.reason;
      count(coded, verdict);
    } else count(uncoded, reasonOf(result));
  }
}

const messy = tally();
const messyWrong: string[] = [];
for (const row of messyAddresses()) {
  const verdict = judge(row.expected, resolve(row.text));
  count(messy, verdict);
  if (verdict === 'wrong') messyWrong.push(row.text);
}

const pct = (n: number, of: number) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(2)} %`);
function print(title: string, t: Tally): void {
  console.log(`\n${title}: ${t.total} addresses`);
  for (const key of ['placed', 'wrong', 'unknown', 'ambiguous', 'disagree', 'empty'] as const) {
    console.log(`  ${key.padEnd(10)} ${String(t[key]).padStart(7)}  ${pct(t[key], t.total)}`);
  }
}

console.log(
  `units.ts index: ${unitsMs.toFixed(0)} ms, heap +${unitsHeapMB.toFixed(1)} MB; name index on top: 2020 ${build2020Ms.toFixed(0)} ms, 2025 ${build2025Ms.toFixed(0)} ms, heap +${indexHeapMB.toFixed(1)} MB${gc ? '' : ' (no --expose-gc: rough)'}`,
);
console.log(`resolution: ${resolved} addresses, ${((1000 * resolved) / resolveMs).toFixed(0)} per second`);
print(`synthetic (${rows} rows, seed ${values.seed}), with the row's commune code`, coded);
print('synthetic birth places and hometowns, no code', uncoded);
print('hand-written messy (test/fixtures/messy-addresses.csv)', messy);
if (messyWrong.length > 0) console.log(`WRONG on the hand-written set: ${messyWrong.join(' | ')}`);

if (json) {
  printJson({
    bench: 'address',
    machine: machine(),
    rows,
    index: { unitsMs, unitsHeapMB, build2020Ms, build2025Ms, heapMB: indexHeapMB },
    perSecond: (1000 * resolved) / resolveMs,
    synthetic: coded,
    syntheticUncoded: uncoded,
    messy,
  });
}
process.exitCode = messyWrong.length > 0 ? 1 : 0;
