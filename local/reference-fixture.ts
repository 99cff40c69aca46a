// Writes local/fixtures/gialai-population-2020.csv, the local demo's expected residents per commune of Gia Lai (the
// 220 communes of 2020): the seed's provincial totals, 1,568,693 permanent residents and 3,079 temporary ones (the
// temporary residents the forms counted; the seed gives no other figure), split among the communes by a fixed,
// seeded weight. The totals are the seed's; the split is synthetic. Run: npx tsx local/reference-fixture.ts
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { REFERENCE_HEADER } from '../shared/domain/reference-population.ts';
import { childrenOf } from '../shared/domain/units.ts';

export const GIALAI_2020 = {
  province: '64',
  permanent: 1_568_693,
  temporary: 3_079,
  asOf: '2020-11-01',
} as const;
export const GIALAI_POPULATION_FILE = new URL('./fixtures/gialai-population-2020.csv', import.meta.url);

/** Each Gia Lai commune of 2020 with its share of the totals; the shares add up to them exactly. */
export function gialaiPopulation(): { code: string; permanent: number; temporary: number }[] {
  const communes = childrenOf(2020, GIALAI_2020.province).flatMap((district) =>
    childrenOf(2020, district.code),
  );
  const weight = (code: string) =>
    1 + (createHash('sha256').update(code).digest().readUInt16BE(0) % 400) / 100;
  const weights = communes.map((commune) => weight(commune.code));
  const total = weights.reduce((sum, w) => sum + w, 0);
  const split = (amount: number) => {
    const shares = weights.map((w) => Math.floor((amount * w) / total));
    shares[shares.length - 1] = amount - shares.slice(0, -1).reduce((sum, n) => sum + n, 0);
    return shares;
  };
  const permanent = split(GIALAI_2020.permanent);
  const temporary = split(GIALAI_2020.temporary);
  return communes.map((commune, i) => ({
    code: commune.code,
    permanent: permanent[i] ?? 0,
    temporary: temporary[i] ?? 0,
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const source = 'Gia Lai totals as the seed gives them; the split by commune is synthetic (local demo)';
  const lines = gialaiPopulation().map(
    (row) => `${row.code},${row.permanent},${row.temporary},${GIALAI_2020.asOf},${source}`,
  );
  writeFileSync(GIALAI_POPULATION_FILE, `${[REFERENCE_HEADER.join(','), ...lines].join('\n')}\n`);
  console.log(`${lines.length} communes written to ${GIALAI_POPULATION_FILE.pathname}`);
}
