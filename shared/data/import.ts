// Regenerates the reference-data JSON in this folder from the research kit's domain folder (KIT_DIR, outside
// the repository), so the project carries its own copy of the facts, each file naming its source.
// Run: npx tsx shared/data/import.ts [KIT_DIR]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { packCommunes } from './packed-communes.ts';

const kit = process.argv[2] ?? join(import.meta.dirname, '../../../shared/domain');
const out = import.meta.dirname;

function csv(file: string): Record<string, string>[] {
  const text = readFileSync(join(kit, file), 'utf8');
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}
function write(name: string, body: object): void {
  writeFileSync(join(out, name), `${JSON.stringify(body)}\n`);
}

// Spellings people write on forms that differ from the 1979 list by more than case, marks, hyphens and
// spaces (those are folded anyway). Our addition, from common usage; not part of the official list.
const ethnicAliases: Record<string, string[]> = {
  '05': ['Khmer', 'Khơ Me', 'Khome', 'Cur', 'Cul', 'Việt gốc Miên'],
  '08': ['Mông', "H'Mông", 'Hmong', 'Mèo', 'Meo'],
  '04': ['Hán', 'Người Hoa'],
  '10': ['Jrai', 'Giarai', 'Gia Lai'],
  '12': ['Ê Đê', 'Rađê', 'Rhade', 'Ede'],
  '13': ['Bahnar', 'Bana'],
  '14': ['Sedang', 'Xê Đăng'],
  '16': ['Koho', "K'ho", 'Cơ Ho'],
  '17': ['Chàm', 'Cham'],
  '20': ["M'nông", 'Mnong', 'Mơ Nông'],
  '21': ['Raglai', 'Rai'],
  '22': ['Stiêng', 'Stieng'],
  '23': ['Bru', 'Vân Kiều', 'Bru Vân Kiều'],
  '26': ['Katu', 'Ca Tu'],
  '29': ['Khmu', 'Khơ Mú'],
  '31': ['Ta Oi', 'Tà Ôi', 'Pa Cô'],
  '36': ['Churu'],
  '37': ['Lao'],
  '53': ['Ơ-đu', 'Tày Hạt'],
  '54': ['Rơ Măm', 'Romam'],
};
const religionAliases: Record<string, string[]> = {
  'Công giáo': ['Thiên Chúa giáo', 'Thiên chúa', 'Catholic', 'Đạo Thiên Chúa'],
  'Tin lành': ['Đạo Tin Lành', 'Protestant', 'Cơ Đốc giáo Tin Lành'],
  'Phật giáo': ['Đạo Phật', 'Buddhist'],
  'Hồi giáo': ['Islam', 'Hồi giáo Bàni', 'Muslim'],
  'Cao Đài': ['Đạo Cao Đài', 'Cao Đài giáo'],
  'Phật giáo Hòa Hảo': ['Hòa Hảo'],
  'Bà-la-môn': ['Bà La Môn giáo', 'Hinduism'],
};

// Whether a province's name is also a 2025 province's (Gia Lai yes, Bình Định no): a place that names it may mean
// either, so an ID of any province merged into it agrees with the place (shared/domain/personal-id.ts)
const provincePrefix = /^(tỉnh|thành phố)\s+/iu;
const names2025 = new Map(
  csv('adminunits/provinces-2025-34.csv').map((r) => [
    r.new_province_code,
    (r.name ?? '').replace(provincePrefix, ''),
  ]),
);
const provinceSource =
  'Circular 07/2016/TT-BCA Annex I (replaced by 59/2021/TT-BCA): province codes of the birth-registration place that open a 12-digit personal ID; 2025 successor province and its name from dvhcvn/20250701 (MIT). Copied from the dancu research kit, domain/province-id-codes.csv.';
write('province-id-codes.json', {
  source: provinceSource,
  columns: ['code', 'name', 'gsoProvinceCode2020', 'province2025Code', 'namesProvince2025'],
  rows: csv('province-id-codes.csv').map((r) => [
    r.code,
    r.name,
    r.gso_province_code_2020,
    r.province_2025_code,
    names2025.get(r.province_2025_code) === r.name ? 1 : 0,
  ]),
});
write('id-country-codes.json', {
  source:
    'Circular 07/2016/TT-BCA Annex II (codes 101-295 for births registered abroad), as transcribed by hongquan/vietnam-personal-id dev/iso_countries.csv (MIT). Second-hand: 113/114 and 147/148 share ISO codes in that transcription.',
  columns: ['code', 'nameVi', 'isoAlpha2', 'nameEn'],
  rows: csv('id-country-codes.csv').map((r) => [r.code, r.name_vi, r.iso_alpha2, r.official_name_en]),
});
write('ethnic-groups.json', {
  source:
    'Decision 121-TCTK/PPCĐ (2 March 1979), list of the 54 ethnic groups of Viet Nam, codes 01-54. Aliases are dancu additions (common spellings on forms).',
  columns: ['code', 'name', 'aliases'],
  rows: csv('ethnic-groups.csv').map((r) => [r.code, r.name, ethnicAliases[r.code ?? ''] ?? []]),
});
write('religions.json', {
  source:
    'The 16 religions recognised or registered by the state (Government Committee for Religious Affairs, 2025; opendevelopmentmekong 2022). No official codes exist. Four domestic names are unverified (see the kit NOTES.md §3). Aliases are dancu additions.',
  columns: ['nameVi', 'nameEn', 'aliases'],
  rows: csv('religions.csv').map((r) => [r.name_vi, r.name_en, religionAliases[r.name_vi ?? ''] ?? []]),
});

// Commune codes: 2020 (GSO catalogue, 1 Nov 2020) and 2025 (letter 1027/CTK-CSCL), and each old code's
// 2025 successor: the unit it joined whole, else the one that kept its code, else the first it was split into.
const communes2020 = csv('adminunits/communes-2020.csv');
const communes2025 = csv('adminunits/communes-2025.csv');
const province2020 = new Map(communes2020.map((r) => [r.commune_code ?? '', r.province_code ?? '']));
const codes2025 = new Set(communes2025.map((r) => r.new_commune_code ?? ''));
const successors = new Map<string, { code: string; full: boolean }[]>();
// codes official lists carried between the 2020 catalogue and the reform, known only from a merged_from
const interim = new Map<string, string>();
for (const unit of communes2025) {
  const parts = (unit.merged_from ?? '').split(';').filter(Boolean);
  for (const part of parts) {
    const [oldCode = '', , extent] = part.split(':');
    const list = successors.get(oldCode) ?? [];
    list.push({ code: unit.new_commune_code ?? '', full: extent === 'full' });
    successors.set(oldCode, list);
    // five digits only: the island districts with no communes (Bạch Long Vĩ 318, Côn Đảo 755…) are listed by
    // their 3-digit district code, which as a commune code would be another place
    if (!/^\d{5}$/.test(oldCode) || province2020.has(oldCode) || codes2025.has(oldCode)) continue;
    // its province: that of the 2020 communes it merged with (one province for each such code in the kit)
    const sibling = parts.map((p) => province2020.get(p.split(':')[0] ?? '')).find(Boolean);
    if (!sibling) throw new Error(`commune ${oldCode} has no 2020 neighbour to place it`);
    interim.set(oldCode, sibling);
  }
}
const successor2025: Record<string, string> = {};
for (const code of [...province2020.keys(), ...interim.keys()]) {
  const list = successors.get(code);
  if (!list) continue;
  const chosen = list.find((s) => s.full) ?? list.find((s) => s.code === code) ?? list[0];
  if (chosen) successor2025[code] = chosen.code;
}
const communeLists = {
  source:
    'GSO administrative-unit catalogue as of 1 Nov 2020 (codes via daohoangson/dvhcvn, GPL-3.0 scrape; only the official codes are kept); the 3,321 communes from 1 July 2025 (letters 915/CTK-CSCL and 1027/CTK-CSCL); old-to-new mapping from dvhcvn/20250701 (MIT, partly machine-produced: good, not authoritative). Interim: codes in neither list that a 2025 commune was formed from.',
  communes2020: communes2020.map((r) => `${r.commune_code}:${r.province_code}`),
  communesInterim: [...interim].map(([code, province]) => `${code}:${province}`).sort(),
  communes2025: communes2025.map((r) => `${r.new_commune_code}:${r.new_province_code}`),
  successor2025,
};
write('communes.json', communeLists);
// what the functions bundle: the same lists in about a tenth of the bytes
write('communes.packed.json', packCommunes(communeLists));
// every old code's 2025 successors, a split commune's several: for rolling counts up to 2025 units, not for
// validation (no function bundle imports it; shared/domain/commune-successors.ts reads it)
write('commune-successors.json', {
  source:
    "Old-to-new commune mapping from dvhcvn/20250701 (MIT, partly machine-produced: good, not authoritative), inverted from the merged_from column of the kit's adminunits/communes-2025.csv. `code:full` the old commune went whole into it; `code:partial` a part of it did (the old commune was split).",
  successors: Object.fromEntries(
    [...successors]
      .filter(([code]) => /^\d{5}$/.test(code))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, list]) => [code, list.map((s) => `${s.code}:${s.full ? 'full' : 'partial'}`)]),
  ),
});
const provinces2025 = csv('adminunits/provinces-2025-34.csv');
write('provinces.json', {
  source:
    'Provinces as of 1 Nov 2020 (GSO catalogue) and the 34 provinces from 1 July 2025 (letter 915/CTK-CSCL, merge table from dvhcvn/20250701, MIT).',
  provinces2020: csv('adminunits/provinces-2020-63.csv').map((r) => [r.province_code, r.name]),
  provinces2025: provinces2025.map((r) => [
    r.new_province_code,
    r.name,
    (r.merged_from_old_codes ?? '').split(';'),
  ]),
});
console.log('reference data written to', out);

// The units themselves, per vintage: names, types, parents (districts in 2020 only) and the 2025 merges with their
// full and partial parts, for the unit registry (shared/domain/units.ts). Rows are `code|type|name`, the type an
// index into `types` and the name without the type that opens it, grouped under their parent; a 2025 commune's parts are old codes, `*` marking a partial one.
const types: string[] = [];
const typeOf = (type: string | undefined): number => {
  if (!type) throw new Error('a unit with no type');
  const at = types.indexOf(type);
  return at >= 0 ? at : types.push(type) - 1;
};
// the 2025 lists name no type: it opens the name (Xã, Phường, Đặc khu)
const TYPE_2025 = /^(Xã|Phường|Đặc khu)\s/u;
const type2025 = (name: string): number => {
  const type = TYPE_2025.exec(name)?.[1];
  if (!type) throw new Error(`no type opens the 2025 name ${name}`);
  return typeOf(type);
};
// the name without its type when the type opens it (most do: `Xã Ia Kênh`), else whole after a `=`
const row = (code: string | undefined, type: number, name = '') => {
  const opening = `${types[type]} `;
  return `${code}|${type}|${name.startsWith(opening) ? name.slice(opening.length) : `=${name}`}`;
};
const groupBy = <T>(rows: T[], key: (row: T) => string, value: (row: T) => string) => {
  const groups: Record<string, string[]> = {};
  for (const r of rows) {
    const group = groups[key(r)] ?? [];
    if (group.length === 0) groups[key(r)] = group;
    group.push(value(r));
  }
  return groups;
};
const interimNames = new Map<string, string>();
for (const unit of communes2025) {
  for (const part of (unit.merged_from ?? '').split(';').filter(Boolean)) {
    const [oldCode = '', name = ''] = part.split(':');
    if (interim.has(oldCode)) interimNames.set(oldCode, name);
  }
}
const TYPE_2020 = /^(Xã|Phường|Thị trấn)\s/u;
write('units.json', {
  source:
    "Provinces, districts and communes as of 1 Nov 2020 with their names and types: the statistics office's administrative-unit catalogue (codes and names via daohoangson/dvhcvn, a GPL-3.0 scrape; only the official codes and names are kept). The 34 provinces and 3,321 communes from 1 July 2025: letters 915/CTK-CSCL and 1027/CTK-CSCL; each 2025 unit's old parts, whole or partial, from dvhcvn/20250701 (MIT, partly machine-produced: good, not authoritative). Interim communes: codes in neither list that a 2025 commune was formed from, placed in the province of the 2020 communes merged with them (their district is not known). Copied from the dancu research kit, domain/adminunits.",
  types,
  provinces2020: csv('adminunits/provinces-2020-63.csv').map((r) =>
    row(r.province_code, typeOf(r.type), r.name),
  ),
  // by province
  districts2020: groupBy(
    csv('adminunits/districts-2020.csv'),
    (r) => r.province_code ?? '',
    (r) => row(r.district_code, typeOf(r.type), r.name),
  ),
  // by district
  communes2020: groupBy(
    communes2020,
    (r) => r.district_code ?? '',
    (r) => row(r.commune_code, typeOf(r.type), r.name),
  ),
  // by province
  communesInterim: groupBy(
    [...interim].sort(([a], [b]) => a.localeCompare(b)),
    ([, province]) => province,
    ([code]) => {
      const name = interimNames.get(code) ?? '';
      return row(code, typeOf(TYPE_2020.exec(name)?.[1]), name);
    },
  ),
  // `code|type|name|old province codes`
  provinces2025: provinces2025.map(
    (r) =>
      `${row(r.new_province_code, typeOf(r.name?.startsWith('Thành phố') ? 'Thành phố Trung ương' : 'Tỉnh'), r.name)}|${(r.merged_from_old_codes ?? '').replaceAll(';', ' ')}`,
  ),
  // by province, `code|type|name|parts`
  communes2025: groupBy(
    communes2025,
    (r) => r.new_province_code ?? '',
    (r) => {
      const parts = (r.merged_from ?? '')
        .split(';')
        .filter(Boolean)
        .map((part) => {
          const [oldCode, , extent] = part.split(':');
          if (extent !== 'full' && extent !== 'partial')
            throw new Error(`part ${part} is neither full nor partial`);
          return extent === 'full' ? oldCode : `${oldCode}*`;
        });
      return `${row(r.new_commune_code, type2025(r.name ?? ''), r.name)}|${parts.join(' ')}`;
    },
  ),
});
