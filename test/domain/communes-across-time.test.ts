// Issue 14 part 3: the commune codes official lists carried between the 2020 catalogue and the 2025 reform.
import { describe, expect, it } from 'vitest';
import { successorsOf } from '#domain/commune-successors.ts';
import type { RawRow } from '#domain/fields.ts';
import { findCommune } from '#domain/reference.ts';
import { validateRow } from '#domain/validate.ts';
import communes from '../../shared/data/communes.json' with { type: 'json' };

const context = { today: '2026-11-27' };
const validRaw = (): RawRow => ({
  full_name: 'Lò Văn Minh',
  date_of_birth: '1988-07-02',
  sex: 'Nam',
  personal_id: '014088123456',
  birth_registration_place: 'Phường Chiềng Lề, Thành phố Sơn La, Tỉnh Sơn La',
  hometown: 'Sơn La',
  ethnicity: 'Thái',
  nationality: 'Việt Nam',
  current_address: 'Tổ 2, Phường Bình Minh, Sơn La',
});

describe('commune codes across time', () => {
  it('accepts the interim codes of Sơn La and Hải Phòng, mapped to their 2025 successor', () => {
    expect(findCommune('03983')).toEqual({ code: '03983', vintage: 2020, code2025: '04033' });
    expect(findCommune('03984')).toEqual({ code: '03984', vintage: 2020, code2025: '03982' });
    // split between two 2025 wards: the record keeps the first, successorsOf gives both
    expect(findCommune('11344')).toEqual({ code: '11344', vintage: 2020, code2025: '11359' });
  });

  it('rejects 06978 (Quảng Ninh): in neither list nor in any merged_from, and public lists disagree on it', () => {
    expect(findCommune('06978')).toBeUndefined();
    const result = validateRow({ ...validRaw(), current_commune_code: '06978' }, context);
    expect(result.issues.map((i) => i.code)).toEqual(['COMMUNE_CODE_UNKNOWN']);
  });

  it('takes a row with an interim code as valid, with its 2025 successor', () => {
    const result = validateRow({ ...validRaw(), current_commune_code: '3983' }, context);
    expect(result.ok).toBe(true);
    expect(result.record?.currentCommuneCode).toBe('03983');
    expect(result.record?.currentCommuneCode2025).toBe('04033');
  });

  it('treats as valid every code of the 2020 list or of a 2025 commune’s merged_from', () => {
    const listed = [...communes.communes2020, ...communes.communesInterim].map((e) => e.slice(0, 5));
    for (const code of listed) expect(findCommune(code), code).toBeDefined();
    // the interim codes are the merged_from codes in neither list, five digits each
    expect(communes.communesInterim.map((e) => e.slice(0, 5))).toEqual(
      expect.arrayContaining(['03983', '03984', '11344']),
    );
    for (const entry of communes.communesInterim) expect(entry).toMatch(/^\d{5}:\d{2}$/);
  });

  it('leaves the island districts’ 3-digit codes out: as commune codes they would be other places', () => {
    expect(communes.communesInterim.some((e) => e.startsWith('00318'))).toBe(false);
    expect(successorsOf('318')).toEqual([]);
  });
});

describe('successorsOf', () => {
  it('gives every 2025 commune a split commune went into, each partial', () => {
    expect(successorsOf('11344')).toEqual([
      { code: '11359', whole: false },
      { code: '11383', whole: false },
    ]);
  });

  it('gives the one 2025 commune a whole commune joined, itself when it kept its code', () => {
    expect(successorsOf('03983')).toEqual([{ code: '04033', whole: true }]);
    expect(successorsOf('00004')).toEqual([{ code: '00004', whole: true }]);
  });

  it('agrees with the one successor validation stores', () => {
    for (const [code, successor] of Object.entries(communes.successor2025 as Record<string, string>)) {
      expect(
        successorsOf(code).map((s) => s.code),
        code,
      ).toContain(successor);
    }
  });

  it('knows nothing of codes the mapping does not hold', () => {
    expect(successorsOf('06978')).toEqual([]);
    expect(successorsOf('toString')).toEqual([]);
  });
});
