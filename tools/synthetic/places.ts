// The places synthetic forms are filled with: Gia Lai's 2020 communes (with their 2025 successors) and a
// sample of other provinces' communes, from places.json (see its `source`), and how forms write them.
import placesData from './places.json' with { type: 'json' };
import { type Rng, Weighted } from './rng.ts';

export interface Commune2025 {
  code: string;
  name: string;
}

export interface GiaLaiCommune {
  code: string;
  /** "Xã Ia Kênh", "Phường Diên Hồng", "Thị trấn Chư Sê" */
  name: string;
  districtCode: string;
  /** "Thành phố Pleiku", "Huyện KBang" */
  districtName: string;
  /** the commune that holds it since 1 July 2025, when the kit knows it */
  successor?: Commune2025;
}

interface OtherProvince {
  /** the 3-digit code that opens the personal ID of someone whose birth was registered there */
  idCode: string;
  /** "Tỉnh Nghệ An" */
  name: string;
  communes: { name: string; districtName: string }[];
}

const nfc = (value: unknown): string => String(value).normalize('NFC');

const districtNames = new Map(placesData.gialaiDistricts2020.map(([code, name]) => [nfc(code), nfc(name)]));
const communes2025 = new Map(placesData.gialaiCommunes2025.map(([code, name]) => [nfc(code), nfc(name)]));

const GIA_LAI = 'Tỉnh Gia Lai'.normalize('NFC');
const GIA_LAI_ID_CODE = '064';

export const GIA_LAI_COMMUNES: readonly GiaLaiCommune[] = placesData.gialaiCommunes2020.map(
  ([code, name, districtCode, successorCode]) => {
    const commune: GiaLaiCommune = {
      code: nfc(code),
      name: nfc(name),
      districtCode: nfc(districtCode),
      districtName: districtNames.get(nfc(districtCode)) ?? '',
    };
    const successorName = successorCode ? communes2025.get(successorCode) : undefined;
    if (successorCode && successorName) commune.successor = { code: successorCode, name: successorName };
    return commune;
  },
);

const OTHER_PROVINCES: readonly OtherProvince[] = placesData.otherProvinces.map((p) => ({
  idCode: p.idCode,
  name: nfc(p.name),
  communes: p.communes.map(([name, districtName]) => ({ name: nfc(name), districtName: nfc(districtName) })),
}));

const byDistrict = new Map<string, GiaLaiCommune[]>();
for (const commune of GIA_LAI_COMMUNES) {
  const list = byDistrict.get(commune.districtCode) ?? [];
  list.push(commune);
  byDistrict.set(commune.districtCode, list);
}

// Where each group mostly lives (rough shares by district code, from the 2019 census pattern: Jrai in the
// west and the Ayun Pa valley, Bahnar in the north-east, Kinh in Pleiku, An Khê and along the highways).
const districtTables = {
  jrai: new Weighted<string>([
    ['624', 8],
    ['627', 8],
    ['628', 10],
    ['631', 7],
    ['632', 9],
    ['633', 7],
    ['635', 8],
    ['637', 10],
    ['638', 8],
    ['639', 6],
    ['622', 5],
    ['626', 3],
  ]),
  bahnar: new Weighted<string>([
    ['625', 20],
    ['626', 20],
    ['629', 20],
    ['630', 20],
    ['623', 6],
    ['634', 8],
    ['622', 6],
  ]),
  kinh: new Weighted<string>(
    [...byDistrict.keys()].map(
      (code) =>
        [code, ({ '622': 30, '623': 8, '633': 8, '632': 6 } as Record<string, number>)[code] ?? 3] as const,
    ),
  ),
};

/** A commune of Gia Lai where a household of this ethnic group might live. */
export function pickCommune(rng: Rng, ethnicity: string): GiaLaiCommune {
  const table =
    ethnicity === '10' || ethnicity === '12'
      ? districtTables.jrai
      : ethnicity === '13' || ethnicity === '14'
        ? districtTables.bahnar
        : districtTables.kinh;
  return rng.pick(byDistrict.get(table.pick(rng)) ?? GIA_LAI_COMMUNES);
}

/** Another commune of the same district, for a birth or a move nearby. */
export function nearbyCommune(rng: Rng, commune: GiaLaiCommune): GiaLaiCommune {
  return rng.pick(byDistrict.get(commune.districtCode) ?? GIA_LAI_COMMUNES);
}

/** "Xã Ia Kênh, Thành phố Pleiku, Tỉnh Gia Lai": how a 2020-era form writes a Gia Lai place. */
export function gialaiPlace2020(commune: GiaLaiCommune): string {
  return `${commune.name}, ${commune.districtName}, ${GIA_LAI}`;
}

/** "Xã Ia Kênh, Tỉnh Gia Lai": a place written after the districts were abolished (1 July 2025). */
export function gialaiPlace2025(commune: Commune2025): string {
  return `${commune.name}, ${GIA_LAI}`;
}

// Where Gia Lai's Kinh were born or come from, when not Gia Lai (shares are our rough guess).
const originTable = new Weighted<OtherProvince>(
  OTHER_PROVINCES.map((p) => {
    const weight =
      (
        {
          '052': 20,
          '051': 15,
          '049': 10,
          '040': 10,
          '042': 8,
          '038': 8,
          '034': 7,
          '036': 4,
          '054': 4,
          '046': 4,
          '062': 3,
          '066': 3,
          '001': 2,
          '079': 2,
        } as Record<string, number>
      )[p.idCode] ?? 1;
    return [p, weight] as const;
  }),
);

export interface Origin {
  /** the place as a form writes it */
  place: string;
  /** the 3-digit code of the province (or country) where a birth there is registered */
  idCode: string;
}

/** A commune of another province, as a hometown or a birth place. */
export function pickOrigin(rng: Rng): Origin {
  const province = originTable.pick(rng);
  const commune = rng.pick(province.communes);
  return { place: `${commune.name}, ${commune.districtName}, ${province.name}`, idCode: province.idCode };
}

export function gialaiOrigin(commune: GiaLaiCommune): Origin {
  return { place: gialaiPlace2020(commune), idCode: GIA_LAI_ID_CODE };
}

// Births registered abroad: the country's code from Circular 07/2016 Annex II (see shared/data).
const ABROAD = new Weighted<Origin>([
  [{ place: 'Campuchia', idCode: '139' }, 40],
  [{ place: 'Lào', idCode: '193' }, 30],
  [{ place: 'Hoa Kỳ', idCode: '175' }, 8],
  [{ place: 'Hàn Quốc', idCode: '174' }, 8],
  [{ place: 'Nhật Bản', idCode: '232' }, 6],
  [{ place: 'Thái Lan', idCode: '271' }, 4],
  [{ place: 'Liên bang Nga', idCode: '231' }, 4],
]);

export function pickAbroad(rng: Rng): Origin {
  return ABROAD.pick(rng);
}
