import { describe, expect, it } from 'vitest';
import { nameKey } from '#domain/normalize.ts';
import { PopulationRecord } from '#domain/record.ts';
import { generateLinkageRegister } from '../../tools/synthetic/linkage.ts';
import {
  dropMiddleName,
  keyboardTypo,
  moveTonePlacement,
  ocrConfusion,
  reorderName,
  rewritePlace,
  slipDate,
  slipId,
  stripDiacritics,
  swapDayMonth,
  transposeId,
} from '../../tools/synthetic/noise.ts';
import { Rng } from '../../tools/synthetic/rng.ts';

describe('generateLinkageRegister', () => {
  const rows = generateLinkageRegister({ rows: 4000, seed: 'synthetic-test' });

  it('is deterministic for a seed and differs for another', () => {
    const again = generateLinkageRegister({ rows: 4000, seed: 'synthetic-test' });
    expect(again).toEqual(rows);
    const other = generateLinkageRegister({ rows: 4000, seed: 'another' });
    expect(other.map((r) => r.record.fullName)).not.toEqual(rows.map((r) => r.record.fullName));
  });

  it('holds the requested rows, 10 % of them a second form of an earlier, distinct person', () => {
    expect(rows).toHaveLength(4000);
    expect(rows.map((r) => r.row)).toEqual(rows.map((_, i) => i + 1));
    const seconds = rows.filter((r) => r.samePersonAs !== undefined);
    expect(seconds).toHaveLength(400);
    expect(new Set(seconds.map((r) => r.person)).size).toBe(400);
    for (const second of seconds) {
      const first = rows[(second.samePersonAs as number) - 1];
      expect(first?.person).toBe(second.person);
      expect(first?.samePersonAs).toBeUndefined();
      expect(second.row).toBeGreaterThan(first?.row ?? Number.POSITIVE_INFINITY);
      expect(second.noise.length).toBeGreaterThan(0);
    }
  });

  it('writes records the schema accepts (noise aside, NFD text is still text)', () => {
    for (const row of rows.slice(0, 500)) expect(() => PopulationRecord.parse(row.record)).not.toThrow();
  });

  it('has the national surname mix: Nguyễn about 38 %, then Trần and Lê', () => {
    const firsts = rows.filter((r) => r.samePersonAs === undefined);
    const share = (family: string) =>
      firsts.filter((r) => nameKey(r.record.fullName).startsWith(`${family} `)).length / firsts.length;
    expect(share('nguyên4')).toBeGreaterThan(0.32);
    expect(share('nguyên4')).toBeLessThan(0.42);
    expect(share('trân2')).toBeGreaterThan(0.08);
    expect(share('lê')).toBeGreaterThan(0.07);
  });

  it('mixes in twins, namesakes and juniors who are different persons', () => {
    const near = rows.filter((r) => r.nearCollision);
    const kinds = new Set(near.map((r) => r.nearCollision?.kind));
    expect(kinds).toEqual(new Set(['twin', 'namesake', 'junior']));
    for (const row of near) {
      const other = rows[(row.nearCollision?.of as number) - 1];
      expect(other?.person).not.toBe(row.person);
      if (row.nearCollision?.kind === 'twin') {
        expect(row.record.dateOfBirth).toBe(other?.record.dateOfBirth);
        expect(row.record.motherName).toBe(other?.record.motherName);
        expect(nameKey(row.record.fullName)).not.toBe(nameKey(other?.record.fullName ?? ''));
      } else {
        expect(nameKey(row.record.fullName)).toBe(nameKey(other?.record.fullName ?? ''));
      }
    }
  });

  it('uses every kind of noise', () => {
    const used = new Set(rows.flatMap((r) => r.noise));
    expect(used.size).toBe(16);
  });
});

describe('noise', () => {
  const rng = () => new Rng('noise-unit');

  it('slips one key or letter', () => {
    const typo = keyboardTypo(rng(), 'Nguyễn Văn Hùng');
    expect(typo).not.toBe('Nguyễn Văn Hùng');
    expect(Math.abs(typo.length - 'Nguyễn Văn Hùng'.length)).toBeLessThanOrEqual(1);
  });

  it('confuses look-alike shapes or loses a vowel mark but keeps the tone', () => {
    const seen = new Set<string>();
    const r = rng();
    for (let i = 0; i < 200; i++) seen.add(ocrConfusion(r, 'Trương Thị Mơ'));
    expect(seen).toContain('Truơng Thị Mơ');
    expect(seen).toContain('Trương Thị Mo');
    expect(seen).toContain('Trương Tbị Mơ');
  });

  it('strips diacritics and moves tone marks between the old and new placement', () => {
    expect(stripDiacritics('Đặng Thị Thủy')).toBe('Dang Thi Thuy');
    expect(moveTonePlacement('Nguyễn Văn Hòa')).toBe('Nguyễn Văn Hoà');
    expect(moveTonePlacement('Lê Thị Thuỷ')).toBe('Lê Thị Thủy');
    expect(moveTonePlacement('Quý Khoa')).toBe('Quý Khoa');
    expect(nameKey(moveTonePlacement('Nguyễn Thị Hòa Thủy'))).toBe(nameKey('Nguyễn Thị Hòa Thủy'));
  });

  it('swaps day and month only when that is another date, and slips a date digit into a valid date', () => {
    expect(swapDayMonth('1990-03-05')).toBe('1990-05-03');
    expect(swapDayMonth('1990-03-25')).toBeUndefined();
    expect(swapDayMonth('1990-04-04')).toBeUndefined();
    const r = rng();
    for (let i = 0; i < 100; i++) {
      const slipped = slipDate(r, '1988-02-28') as string;
      expect(slipped).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(PopulationRecord.shape.dateOfBirth.safeParse(slipped).success).toBe(true);
      expect(slipped).not.toBe('1988-02-28');
    }
  });

  it('mistypes an ID in its random part only', () => {
    const r = rng();
    for (let i = 0; i < 50; i++) {
      const slipped = slipId(r, '064190123456');
      expect(slipped.slice(0, 6)).toBe('064190');
      expect([...slipped].filter((c, j) => c !== '064190123456'[j])).toHaveLength(1);
      const transposed = transposeId(r, '064190123456');
      expect(transposed.slice(0, 6)).toBe('064190');
      expect([...transposed].sort().join('')).toBe([...'064190123456'].sort().join(''));
    }
  });

  it('reorders names, drops middle names and rewrites places', () => {
    const orders = new Set<string>();
    const r = rng();
    for (let i = 0; i < 50; i++) orders.add(reorderName(r, 'Nguyễn Văn Hùng'));
    expect(orders).toEqual(new Set(['Văn Hùng Nguyễn', 'Hùng Nguyễn Văn', 'Hùng Văn Nguyễn']));
    expect(dropMiddleName('Nguyễn Thị Ngọc Anh')).toBe('Nguyễn Anh');
    expect(dropMiddleName('Ksor Blih')).toBeUndefined();
    const places = new Set<string>();
    for (let i = 0; i < 50; i++) places.add(rewritePlace(r, 'Xã Ia Kha, Huyện Ia Grai, Tỉnh Gia Lai'));
    expect(places).toEqual(
      new Set([
        'X. Ia Kha, H. Ia Grai, T. Gia Lai',
        'Xã Ia Kha, Tỉnh Gia Lai',
        'Huyện Ia Grai, Tỉnh Gia Lai',
      ]),
    );
  });
});
