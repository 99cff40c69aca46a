// Issue 17: the administrative units of each vintage, and how the 2020 units became the 2025 ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ancestorsOf,
  childrenOf,
  parts2020Of,
  province2025Of,
  provinces2020Of,
  successors2025Of,
  unitOf,
  unitsAt,
  unitsSource,
} from '#domain/units.ts';

const KIT = join(import.meta.dirname, '../../../shared/domain/adminunits');
/** Data rows of a kit file, when the kit is there (it is outside the repository). */
function kitRows(file: string): number | undefined {
  try {
    return readFileSync(join(KIT, file), 'utf8').trim().split('\n').length - 1;
  } catch {
    return undefined;
  }
}

describe('units per vintage', () => {
  it('holds the 63 provinces, 707 districts and 10,614 communes of 2020, and the 15 interim communes', () => {
    expect(unitsAt(2020, 'province')).toHaveLength(63);
    expect(unitsAt(2020, 'district')).toHaveLength(kitRows('districts-2020.csv') ?? 707);
    const communes = unitsAt(2020, 'commune');
    expect(communes.filter((c) => !c.interim)).toHaveLength(kitRows('communes-2020.csv') ?? 10_614);
    expect(communes.filter((c) => c.interim)).toHaveLength(15);
    expect(new Set(communes.map((c) => c.code)).size).toBe(communes.length);
  });

  it('holds the 34 provinces and 3,321 communes of 2025, and no district', () => {
    expect(unitsAt(2025, 'province')).toHaveLength(34);
    expect(unitsAt(2025, 'commune')).toHaveLength(kitRows('communes-2025.csv') ?? 3321);
    expect(unitsAt(2025, 'district')).toEqual([]);
    const types = unitsAt(2025, 'commune').map((c) => c.type);
    expect(types.filter((t) => t === 'Xã')).toHaveLength(2621);
    expect(types.filter((t) => t === 'Phường')).toHaveLength(687);
    expect(types.filter((t) => t === 'Đặc khu')).toHaveLength(13);
  });

  it('reads a code only with its vintage: Gia Lai is 64 in 2020 and 52 in 2025, and 52 was Bình Định', () => {
    expect(unitOf(2020, '64')).toEqual({
      code: '64',
      vintage: 2020,
      level: 'province',
      name: 'Tỉnh Gia Lai',
      type: 'Tỉnh',
    });
    expect(unitOf(2025, '52')?.name).toBe('Tỉnh Gia Lai');
    expect(unitOf(2020, '52')?.name).toBe('Tỉnh Bình Định');
    expect(unitOf(2025, '64')).toBeUndefined();
    expect(province2025Of('64')).toBe('52');
    expect(province2025Of('52')).toBe('52');
    expect(provinces2020Of('52')).toEqual(['52', '64']);
    expect(childrenOf(2020, '64')).toHaveLength(17);
    expect(childrenOf(2020, '622').map((c) => c.code)).toHaveLength(22);
    expect(childrenOf(2025, '52')).toHaveLength(135);
    expect(childrenOf(2025, '52').filter((c) => c.type === 'Phường')).toHaveLength(25);
  });

  it('names a unit with its type, and keeps a name the type does not open', () => {
    expect(unitOf(2020, '622')).toMatchObject({ name: 'Thành phố Pleiku', type: 'Thành phố', parent: '64' });
    expect(unitOf(2020, '01')).toMatchObject({ name: 'Thành phố Hà Nội', type: 'Thành phố Trung ương' });
    expect(unitOf(2025, '23575')).toMatchObject({ name: 'Phường Pleiku', type: 'Phường', parent: '52' });
  });

  it('gives a commune its ancestors, nearest first', () => {
    expect(ancestorsOf(2020, '23557').map((u) => [u.code, u.level])).toEqual([
      ['622', 'district'],
      ['64', 'province'],
    ]);
    expect(ancestorsOf(2025, '23563').map((u) => [u.code, u.level])).toEqual([['52', 'province']]);
    expect(ancestorsOf(2020, '64')).toEqual([]);
    // an interim commune: its district is not known
    expect(unitOf(2020, '03983')).toMatchObject({ name: 'Phường Bình Minh', parent: '14', interim: true });
    expect(ancestorsOf(2020, '03983').map((u) => u.code)).toEqual(['14']);
  });

  it('maps a commune that went whole into a 2025 one, both ways', () => {
    expect(successors2025Of('23557')).toEqual([{ code: '23563', full: true }]);
    expect(parts2020Of('23563')).toEqual([
      { code: '23557', full: true },
      { code: '23560', full: true },
      { code: '23563', full: true },
      { code: '23605', full: true },
    ]);
  });

  it('maps a split commune to each 2025 commune that took a part of it', () => {
    expect(successors2025Of('21634')).toEqual([
      { code: '21622', full: false },
      { code: '21628', full: false },
    ]);
    expect(parts2020Of('21622')).toEqual([
      { code: '21622', full: true },
      { code: '21634', full: false },
      { code: '21727', full: false },
    ]);
  });

  it('maps an island district with no communes to its special zone, and a district with communes to nothing', () => {
    expect(successors2025Of('755')).toEqual([{ code: '26732', full: true }]);
    expect(unitOf(2025, '26732')?.type).toBe('Đặc khu');
    expect(successors2025Of('622')).toEqual([]);
  });

  it('knows no unknown code, nor a code of the wrong vintage or length', () => {
    expect(unitOf(2020, '99999')).toBeUndefined();
    expect(unitOf(2025, '622')).toBeUndefined();
    expect(unitOf(2020, 'toString')).toBeUndefined();
    expect(childrenOf(2020, '99')).toEqual([]);
    expect(ancestorsOf(2025, '99999')).toEqual([]);
    expect(successors2025Of('99999')).toEqual([]);
    expect(parts2020Of('99999')).toEqual([]);
    expect(province2025Of('622')).toBeUndefined();
    expect(provinces2020Of('23563')).toEqual([]);
    // a commune merged away before 2025: the mapping does not place it
    expect(successors2025Of('23593')).toEqual([]);
  });

  it('gives copies: a caller cannot change the registry', () => {
    childrenOf(2020, '622').pop();
    successors2025Of('21634').pop();
    expect(childrenOf(2020, '622')).toHaveLength(22);
    expect(successors2025Of('21634')).toHaveLength(2);
  });

  it('names its sources', () => {
    expect(unitsSource()).toMatch(/915\/CTK-CSCL/);
    expect(unitsSource()).toMatch(/dvhcvn\/20250701 \(MIT/);
  });
});
