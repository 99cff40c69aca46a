// Compares two CPU profiles (from `npm run bench:ingest -- --profile DIR`) by where their time went: self time
// per package (or per file of this repository), biggest differences first. Usage:
//   npx tsx bench/profile-diff.ts DIR/pipeline.cpuprofile DIR/floor.cpuprofile [--by function]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { by: { type: 'string', default: 'package' }, top: { type: 'string', default: '25' } },
});
const [left, right] = positionals;
if (!left || !right) throw new Error('usage: profile-diff A.cpuprofile B.cpuprofile [--by package|function]');

function bucketOf(node: ProfileNode): string {
  const { url, functionName, lineNumber } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  const modules = url.lastIndexOf('node_modules/');
  const where =
    modules >= 0
      ? url
          .slice(modules + 13)
          .split('/')
          .slice(0, url.slice(modules + 13).startsWith('@') ? 2 : 1)
          .join('/')
      : url.startsWith('node:')
        ? url
        : url.replace(/^file:\/\/.*?\/(shared|functions|local|bench|infra)\//, '$1/');
  return values.by === 'function' ? `${where} ${functionName || '(anonymous)'}:${lineNumber}` : where;
}

function selfMs(path: string): { total: number; byBucket: Map<string, number> } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const bucket = new Map(profile.nodes.map((node) => [node.id, bucketOf(node)]));
  const byBucket = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const name = bucket.get(id) ?? '?';
    byBucket.set(name, (byBucket.get(name) ?? 0) + ms);
  });
  return { total, byBucket };
}

const a = selfMs(left);
const b = selfMs(right);
const busy = (p: { total: number; byBucket: Map<string, number> }) =>
  p.total - (p.byBucket.get('(idle)') ?? 0);
console.log(
  `${left}: ${(a.total / 1000).toFixed(1)} s sampled, ${(busy(a) / 1000).toFixed(1)} s busy; ` +
    `${right}: ${(b.total / 1000).toFixed(1)} s sampled, ${(busy(b) / 1000).toFixed(1)} s busy`,
);
const names = new Set([...a.byBucket.keys(), ...b.byBucket.keys()]);
const rows = [...names]
  .map((name) => ({ name, a: a.byBucket.get(name) ?? 0, b: b.byBucket.get(name) ?? 0 }))
  .sort((x, y) => Math.abs(y.a - y.b) - Math.abs(x.a - x.b))
  .slice(0, Number(values.top));
console.log(`${'A ms'.padStart(9)} ${'B ms'.padStart(9)} ${'A−B'.padStart(9)}  where`);
for (const row of rows)
  console.log(
    `${row.a.toFixed(0).padStart(9)} ${row.b.toFixed(0).padStart(9)} ${(row.a - row.b).toFixed(0).padStart(9)}  ${row.name}`,
  );
