// Regenerates places.json (the Gia Lai communes and a sample of other provinces' communes that the synthetic
// generator writes into addresses) from the research kit. Run: npx tsx tools/synthetic/build-places.ts [KIT_DIR],
// then npx biome check --write tools/synthetic/places.json.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import communes from '../../shared/data/communes.json' with { type: 'json' };

const kit = process.argv[2] ?? join(import.meta.dirname, '../../../shared/domain');

function csv(file: string): Record<string, string>[] {
  const text = readFileSync(join(kit, file), 'utf8');
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

const successor2025 = communes.successor2025 as Record<string, string>;
const gialai2025 = csv('adminunits/gialai-2025-communes.csv');
const name2025 = new Map(gialai2025.map((r) => [r.new_commune_code ?? '', r.name ?? '']));

const districts = csv('adminunits/gialai-2020-districts.csv').map((r) => [r.district_code, r.name]);
const gialai2020 = csv('adminunits/gialai-2020-communes.csv').map((r) => {
  const code = r.commune_code ?? '';
  const successor = successor2025[code];
  // only successors inside new Gia Lai, whose names the kit lists
  return [code, r.name, r.district_code, successor && name2025.has(successor) ? successor : null];
});

// Where Gia Lai's Kinh settlers mostly came from (our choice of provinces, for hometowns and birth places):
// a fixed, evenly spaced sample of each province's 2020 communes, with their district names.
const ORIGINS = ['52', '51', '49', '40', '42', '38', '34', '36', '54', '46', '62', '66', '01', '79'];
const PER_PROVINCE = 30;
const provinceName = new Map(csv('adminunits/provinces-2020-63.csv').map((r) => [r.province_code, r.name]));
const districtName = new Map(csv('adminunits/districts-2020.csv').map((r) => [r.district_code, r.name]));
const allCommunes = csv('adminunits/communes-2020.csv');
const otherProvinces = ORIGINS.map((province) => {
  const list = allCommunes.filter((r) => r.province_code === province);
  const step = list.length / PER_PROVINCE;
  const sample = Array.from(
    { length: Math.min(PER_PROVINCE, list.length) },
    (_, i) => list[Math.floor(i * step)],
  );
  return {
    idCode: `0${province}`,
    name: provinceName.get(province),
    communes: sample.map((r) => [r?.name, districtName.get(r?.district_code ?? '')]),
  };
});

const body = {
  source:
    'Gia Lai communes and districts as of 1 Nov 2020 (GSO catalogue via daohoangson/dvhcvn, GPL-3.0 scrape; codes and names only) with their 1 July 2025 successors (letter 1027/CTK-CSCL; mapping from dvhcvn/20250701, MIT, partly machine-produced); a fixed sample of 30 communes from each of 14 other provinces (same 2020 catalogue), for synthetic hometowns and birth places. Built by tools/synthetic/build-places.ts from the dancu research kit (domain/adminunits).',
  gialaiDistricts2020: districts,
  gialaiCommunes2020: gialai2020,
  gialaiCommunes2025: gialai2025.map((r) => [r.new_commune_code, r.name]),
  otherProvinces,
};
const out = join(import.meta.dirname, 'places.json');
writeFileSync(out, `${JSON.stringify(body, null, 2)}\n`);
console.log('places written to', out);
