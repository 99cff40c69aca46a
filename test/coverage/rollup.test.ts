// The coverage view on the real unit list: Gia Lai of 2025 (52) was formed from Gia Lai of 2020 (64) and Bình Định
// (52 of 2020), some of whose communes were split between 2025 communes (21634 Xã An Nghĩa went in parts into 21622
// and 21628; 21997 Xã Canh Liên into 21997 and 22006). Counts move into the view's vintage only where a unit went
// whole; everything else is a line of its own, never divided.
import { describe, expect, it } from 'vitest';
import { unitRegistry } from '#domain/units.ts';
import {
  type CoverageFigures,
  type CoverageView,
  coverageProvinces,
  coverageView,
  rollup,
} from '../../shared/coverage/rollup.ts';
import {
  type CounterItem,
  type Counts,
  type ProvinceReference,
  zeroCounts,
} from '../../shared/model/coverage.ts';

type Vintage = 2020 | 2025;

const commune = (vintage: Vintage, province: string, code: string, counts: Partial<Counts>): CounterItem => ({
  place: { kind: 'commune', vintage, province, code },
  counts: { ...zeroCounts(), ...counts },
});
const unplaced = (vintage: Vintage, province: string, agencyUnit: string, received: number): CounterItem => ({
  place: { kind: 'unplaced', vintage, province, agencyUnit },
  counts: { ...zeroCounts(), received, rejected: received },
});
const reference = (
  vintage: Vintage,
  province: string,
  asOf: string,
  communes: Record<string, number>,
): ProvinceReference => ({
  vintage,
  province,
  asOf,
  uploadedAt: `${asOf}T00:00:00Z`,
  objectKey: 'reference/population/x.csv',
  communes: Object.fromEntries(
    Object.entries(communes).map(([code, permanent]) => [code, { permanent, temporary: 1, source: 'test' }]),
  ),
});

function view(vintage: Vintage, unit: string, items: CounterItem[], references: ProvinceReference[] = []) {
  const viewed = rollup(unitRegistry, { vintage, unit, items, references });
  if (!viewed) throw new Error(`no view of ${unit}`);
  return viewed;
}
const child = (viewed: CoverageView, code: string, notAssigned = false): CoverageFigures => {
  const found = viewed.children.find(
    (line) => line.unit.code === code && Boolean(line.notAssigned) === notAssigned,
  );
  if (!found) throw new Error(`no line ${code}`);
  return found;
};
const collected = (figures: CoverageFigures) => figures.permanent.collected;

// Pleiku (622, 2020): 2025 Phường Diên Hồng (23563) was formed whole from four of its 2020 communes
const ITEMS = [
  commune(2020, '64', '23557', { permanent: 10, temporary: 1, received: 12, rejected: 2, duplicate: 1 }),
  commune(2020, '64', '23650', { permanent: 3, received: 3 }),
  // 2025 codes: Diên Hồng (four 2020 communes whole), Krong (one 2020 commune whole)
  commune(2025, '52', '23563', { permanent: 7, received: 8, updated: 1 }),
  commune(2025, '52', '23650', { permanent: 2, received: 2, conflict: 1 }),
  // Bình Định's split commune, and a 2025 commune formed from a piece of one 2020 commune
  commune(2020, '52', '21634', { permanent: 4, received: 4 }),
  commune(2025, '52', '21997', { permanent: 5, received: 5, recollected: 1 }),
  unplaced(2020, '64', '622', 6),
];

describe('the 2020 view', () => {
  it('adds up a province by its districts, with 2025 communes placed where they lie whole', () => {
    const viewed = view(2020, '64', ITEMS);
    expect(viewed).toMatchObject({
      unit: { code: '64', level: 'province', name: 'Tỉnh Gia Lai' },
      vintage: 2020,
      asOf: null,
      residentsMapped: false,
      permanent: { residents: null, collected: 10 + 3 + 7 + 2, percent: null },
      temporary: { residents: null, collected: 1 },
      forms: { received: 25, rejected: 2, recollected: 0, duplicate: 1, updated: 1, conflict: 1 },
      unplaced: 6,
    });
    // the province's children are its 17 districts, no commune among them and no line of their own
    expect(viewed.children).toHaveLength(17);
    expect(viewed.children.every((line) => line.unit.level === 'district' && !line.notAssigned)).toBe(true);
    expect(viewed.children.some((line) => 'children' in line)).toBe(false);
    // Pleiku holds Diên Hồng whole: its 2025 counts are in the district's figures
    expect(collected(child(viewed, '622'))).toBe(17);
    expect(child(viewed, '622').unplaced).toBe(6);
    // Krong of 2025 is Krong of 2020 (625), whole
    expect(collected(child(viewed, '625'))).toBe(5);
    expect(child(viewed, '623').unplaced).toBe(0);
  });

  it('shows a 2025 commune formed from several 2020 ones as its own line under the district that holds it', () => {
    const district = view(2020, '622', ITEMS);
    const line = child(district, '23563', true);
    expect(line).toMatchObject({
      unit: { code: '23563', level: 'commune', name: 'Phường Diên Hồng (2025, not assigned)', vintage: 2025 },
      notAssigned: true,
      permanent: { collected: 7 },
      forms: { received: 8, updated: 1 },
      unplaced: 0,
    });
    // the 2020 communes it was formed from leave its counts out, and say so; Yên Đỗ keeps its own
    expect(child(district, '23557')).toMatchObject({ permanent: { collected: 10 }, partial: true });
    expect(child(district, '23605').partial).toBe(true);
    expect(child(district, '23593').partial).toBeUndefined();
    expect(collected(district)).toBe(17);
    // the commune itself: no children, its own counts, the line above overlapping it
    const yenDo = view(2020, '23557', ITEMS);
    expect(yenDo).toMatchObject({ children: [], permanent: { collected: 10 }, partial: true, unplaced: 0 });
  });

  it('counts a 2025 commune formed whole from one 2020 commune, or from a piece of one, as that commune', () => {
    expect(collected(view(2020, '23650', ITEMS))).toBe(5);
    // 2025 Canh Liên (21997) is a piece of 2020 Canh Liên: everything in it lies in the 2020 commune
    const canhLien = view(2020, '21997', ITEMS);
    expect(canhLien.permanent.collected).toBe(5);
    expect(canhLien.forms.recollected).toBe(1);
  });

  it('does not count in one province what it cannot place there', () => {
    // the unplaced forms of the 2025 province (formed from two 2020 ones) lie wholly in neither
    const viewed = view(2020, '64', [unplaced(2025, '52', '52', 9)]);
    expect(viewed.unplaced).toBe(0);
    expect(viewed.children.every((line) => line.unplaced === 0)).toBe(true);
  });
});

describe('the 2025 view', () => {
  it('counts a 2020 commune that went whole into one 2025 commune there', () => {
    const viewed = view(2025, '52', ITEMS);
    expect(viewed.unit).toEqual({ code: '52', level: 'province', name: 'Tỉnh Gia Lai' });
    // 2025 has no districts: a province's children are its communes
    expect(viewed.children.filter((line) => !line.notAssigned)).toHaveLength(135);
    // 2020 Yên Đỗ (23557) went whole into Diên Hồng; 2020 Krong into Krong
    expect(collected(child(viewed, '23563'))).toBe(17);
    expect(collected(child(viewed, '23650'))).toBe(5);
    expect(child(viewed, '23563').forms).toEqual({
      received: 20,
      rejected: 2,
      recollected: 0,
      duplicate: 1,
      updated: 1,
      conflict: 0,
    });
    expect(collected(viewed)).toBe(10 + 3 + 7 + 2 + 4 + 5);
  });

  it('keeps a split 2020 commune as its own line, never divided between its parts', () => {
    const viewed = view(2025, '52', ITEMS);
    const split = child(viewed, '21634', true);
    expect(split).toMatchObject({
      unit: { code: '21634', name: 'Xã An Nghĩa (2020, split, not assigned)', vintage: 2020 },
      notAssigned: true,
      permanent: { collected: 4 },
    });
    // An Toàn and An Hòa each received a part of it: neither holds its counts, both say they leave a line out
    expect(child(viewed, '21622')).toMatchObject({ permanent: { collected: 0 }, partial: true });
    expect(child(viewed, '21628')).toMatchObject({ permanent: { collected: 0 }, partial: true });
    expect(child(viewed, '23650').partial).toBeUndefined();
    // the commune's own view does not hold it either
    expect(view(2025, '21622', ITEMS)).toMatchObject({
      children: [],
      partial: true,
      permanent: { collected: 0 },
    });
  });

  it("places a 2020 district agency's unplaced forms in the province its communes went to", () => {
    const viewed = view(2025, '52', ITEMS);
    expect(viewed.unplaced).toBe(6);
    // Pleiku's communes went to several 2025 communes: no commune line carries them
    expect(viewed.children.every((line) => line.unplaced === 0)).toBe(true);
  });

  it('shows a 2020 commune merged away before the 2025 list as not assigned', () => {
    const viewed = view(2025, '52', [commune(2020, '64', '23593', { permanent: 1 })]);
    expect(child(viewed, '23593', true).unit.name).toBe('Xã Tân Sơn (2020, not assigned)');
    expect(collected(viewed)).toBe(1);
  });
});

describe('residents', () => {
  it('come from the reference of the view vintage, with the percent rounded to two decimals', () => {
    const ref = reference(2020, '64', '2020-11-01', { 23557: 30, 23560: 0, 23650: 7 });
    const viewed = view(2020, '622', ITEMS, [ref]);
    expect(viewed.asOf).toBe('2020-11-01');
    expect(viewed.residentsMapped).toBe(false);
    expect(child(viewed, '23557').permanent).toEqual({ residents: 30, collected: 10, percent: 33.33 });
    expect(child(viewed, '23557').temporary).toEqual({ residents: 1, collected: 1 });
    // no one expected: no percent; no figure at all: no residents
    expect(child(viewed, '23560').permanent).toEqual({ residents: 0, collected: 0, percent: null });
    expect(child(viewed, '23563').permanent).toEqual({ residents: null, collected: 0, percent: null });
    expect(viewed.permanent).toEqual({ residents: 30, collected: 17, percent: 56.67 });
    expect(view(2020, '23650', ITEMS, [ref]).permanent).toEqual({
      residents: 7,
      collected: 5,
      percent: 71.43,
    });
  });

  it("are mapped from the other vintage's reference where communes went whole, and flagged", () => {
    const ref = reference(2020, '64', '2020-11-01', { 23557: 10, 23560: 20, 23563: 30, 23605: 40, 23650: 8 });
    const viewed = view(2025, '52', ITEMS, [ref]);
    expect(viewed.residentsMapped).toBe(true);
    expect(viewed.asOf).toBe('2020-11-01');
    expect(child(viewed, '23563').permanent).toEqual({ residents: 100, collected: 17, percent: 17 });
    expect(child(viewed, '23650').permanent).toEqual({ residents: 8, collected: 5, percent: 62.5 });
    expect(viewed.permanent.residents).toBe(108);
  });

  it('of a 2025 commune formed from several 2020 ones are its own line in a 2020 view', () => {
    const ref = reference(2025, '52', '2025-07-01', { 23563: 100, 23650: 8 });
    const viewed = view(2020, '622', ITEMS, [ref]);
    expect(viewed.residentsMapped).toBe(true);
    expect(child(viewed, '23563', true).permanent).toEqual({ residents: 100, collected: 7, percent: 7 });
    // the 2020 communes get none of it: not divided
    expect(child(viewed, '23557').permanent.residents).toBeNull();
    expect(viewed.permanent.residents).toBe(100);
  });

  it("are the view vintage's when both vintages' references are given", () => {
    const viewed = view(2025, '52', ITEMS, [
      reference(2020, '64', '2020-11-01', { 23650: 8 }),
      reference(2025, '52', '2025-08-01', { 23650: 9 }),
    ]);
    expect(viewed).toMatchObject({ asOf: '2025-08-01', residentsMapped: false });
    expect(child(viewed, '23650').permanent.residents).toBe(9);
  });
});

describe('the partitions a view reads', () => {
  it('are its own province and the other vintage provinces overlapping it', () => {
    expect(coverageProvinces(unitRegistry, 2020, '23557')).toEqual([
      { vintage: 2020, province: '64' },
      { vintage: 2025, province: '52' },
    ]);
    expect(coverageProvinces(unitRegistry, 2025, '52')).toEqual([
      { vintage: 2025, province: '52' },
      { vintage: 2020, province: '52' },
      { vintage: 2020, province: '64' },
    ]);
    expect(coverageProvinces(unitRegistry, 2025, '622')).toEqual([]);
  });

  it("are the view's own counters (every count is made in both lists), and the other vintage's references only when the view's own has none", async () => {
    const asked: string[] = [];
    const reads = {
      counters: {
        province: async (vintage: Vintage, province: string) => {
          asked.push(`items ${vintage}/${province}`);
          return ITEMS.filter((item) => item.place.vintage === vintage && item.place.province === province);
        },
      },
      references: {
        newest: async (vintage: Vintage, province: string) => {
          asked.push(`reference ${vintage}/${province}`);
          return vintage === 2020 && province === '64'
            ? reference(2020, '64', '2020-11-01', { 23650: 8 })
            : undefined;
        },
      },
    };
    const viewed = await coverageView(reads, unitRegistry, 2025, '23650');
    const own = ITEMS.filter((item) => item.place.vintage === 2025 && item.place.province === '52');
    const collected = rollup(unitRegistry, { vintage: 2025, unit: '23650', items: own, references: [] })
      ?.permanent.collected;
    expect(viewed?.permanent).toEqual({
      residents: 8,
      collected,
      percent: Math.round((collected ?? 0) * 1250) / 100,
    });
    expect(asked.sort()).toEqual([
      'items 2025/52',
      'reference 2020/52',
      'reference 2020/64',
      'reference 2025/52',
    ]);
    expect(await coverageView(reads, unitRegistry, 2025, '99999')).toBeUndefined();
    expect(rollup(unitRegistry, { vintage: 2020, unit: 'x', items: [], references: [] })).toBeUndefined();
  });
});

describe('the percent', () => {
  it('rounds an exact half up, as whole numbers do (57 of 800 is 7.125 %)', () => {
    const items = [
      {
        place: { kind: 'commune' as const, vintage: 2020 as const, province: '64', code: '23557' },
        counts: { ...zeroCounts(), permanent: 57 },
      },
    ];
    const reference = {
      vintage: 2020 as const,
      province: '64',
      asOf: '2020-11-01',
      uploadedAt: '2026-12-01T00:00:00.000Z',
      objectKey: 'x',
      communes: { 23557: { permanent: 800, temporary: 0, source: 't' } },
    };
    const view = rollup(unitRegistry, { vintage: 2020, unit: '23557', items, references: [reference] });
    expect(view?.permanent).toEqual({ residents: 800, collected: 57, percent: 7.13 });
  });
});
