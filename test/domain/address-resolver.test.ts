// Issue 18, placing a person: an address as text resolved to an official commune, or unplaced with its reason.
// Codes from the kit's adminunits/gialai-2020-communes.csv and gialai-2025-communes.csv.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AddressResolution,
  addressTokens,
  MAX_CANDIDATES,
  type ResolveOptions,
  resolveAddress,
} from '#domain/address-resolver.ts';
import { bundleFunction } from '../../infra/bundling.ts';
import { FUNCTIONS } from '../../shared/resources.ts';
import { judge, messyAddresses } from '../fixtures/messy-addresses.ts';

const placedAt = (result: AddressResolution) =>
  result.status === 'placed' ? `${result.commune.vintage}:${result.commune.code}` : result.reason;

describe('resolveAddress places', () => {
  it.each([
    ['clean', 'Thôn 3, Xã Ia Kla, Huyện Đức Cơ, Tỉnh Gia Lai', '2020:23869'],
    ['abbreviated', 'Thôn 3, X. Ia Kla, H. Đức Cơ, T. Gia Lai', '2020:23869'],
    ['street and glued P.', '123 Lê Lợi, P.Hội Thương, TP Pleiku, Gia Lai', '2020:23566'],
    ['T.P and TX.', 'P. Hội Thương, T.P Pleiku, Gia Lai', '2020:23566'],
    ['Tx. for a town', 'Phường Tây Sơn, Tx. An Khê, Gia Lai', '2020:23617'],
    ['no diacritics, no commas', 'xa ia kla huyen duc co gia lai', '2020:23869'],
    ['capitals, spaces, stray punctuation', '  XÃ   IA KÊNH ;; tp. PLEIKU ,, GIA LAI. ', '2020:23608'],
    ['dashes between parts', 'Tổ 7 - Phường Yên Đỗ - Thành phố Pleiku - Tỉnh Gia Lai', '2020:23557'],
    ['hyphen and apostrophe in names', 'Xã Ia-Kla, H. Đức-Cơ, Gia-Lai', '2020:23869'],
    ['no type words', 'Ia Băng, Chư Prông, Gia Lai', '2020:23905'],
    ['TT for thị trấn', 'TT. Chư Ty, H. Đức Cơ, Gia Lai', '2020:23857'],
    ['Thị trấn spelled out', 'Thị trấn Chư Sê, Huyện Chư Sê, Gia Lai', '2020:23941'],
    ['no province, unique pair', 'Tổ 5, P. Yên Đỗ, TP. Pleiku', '2020:23557'],
    ['country at the end', 'Xã Ia Kla, Đức Cơ, Gia Lai, Việt Nam', '2020:23869'],
    ['a note in brackets at the end', 'Xã Ia Kla, Đức Cơ, Gia Lai (nay là xã Ia Dơk)', '2020:23869'],
    ['numbered ward', 'Phường 1, Quận 3, Thành phố Hồ Chí Minh', '2020:27160'],
    ['zero-padded ward, Q.', 'P.01, Q.3, TP. Hồ Chí Minh', '2020:27160'],
    ['glued P14, TPHCM', 'P14 Q.Gò Vấp TPHCM', '2020:26882'],
    ['a marker word ending a name', 'phuc xa ba dinh ha noi', '2020:00001'],
    ['tone marks pick between names that fold alike', 'Xã Minh Quân, Trấn Yên, Yên Bái', '2020:04567'],
    ['the type word picks a Xã over a Thị trấn', 'Xã Mường Tè, Mường Tè, Lai Châu', '2020:03445'],
    ['a marked text spells an unmarked name', 'Xã Ia Bang, Huyện Chư Prông, Tỉnh Gia Lai', '2020:23924'],
    ['a numbered ward typed without spaces', 'Tổ 1 Phường 1 Quận 3 TPHCM', '2020:27160'],
  ])('%s: %s', (_, text, expected) => {
    expect(placedAt(resolveAddress(text))).toBe(expected);
  });

  it.each([
    ['2025 commune', 'Xã Ia Dơk, Tỉnh Gia Lai', '2025:23869'],
    ['2025 ward without marks', 'phuong pleiku gia lai', '2025:23575'],
    ['2025, named after a 2020 district, typed', 'Thôn 1, Xã Chư Sê, Gia Lai', '2025:23941'],
  ])('vintage 2025, %s: %s', (_, text, expected) => {
    expect(placedAt(resolveAddress(text, { vintage: 2025 }))).toBe(expected);
  });

  it('names the units it placed the text in, and the levels the text left out', () => {
    expect(resolveAddress('Tổ 5, P. Yên Đỗ, TP. Pleiku')).toEqual({
      status: 'placed',
      commune: { code: '23557', vintage: 2020 },
      matched: { commune: 'Phường Yên Đỗ', district: 'Thành phố Pleiku', province: 'Tỉnh Gia Lai' },
      inferred: ['province'],
    });
    expect(resolveAddress('Xã Ia Dơk, Gia Lai', { vintage: 2025 })).toEqual({
      status: 'placed',
      commune: { code: '23869', vintage: 2025 },
      matched: { commune: 'Xã Ia Dơk', province: 'Tỉnh Gia Lai' },
      inferred: [],
    });
  });
});

describe('the same commune name in two districts', () => {
  it.each([
    ['Phường Tây Sơn, TP Pleiku, Gia Lai', '2020:23575'],
    ['Phường Tây Sơn, Thị xã An Khê, Gia Lai', '2020:23617'],
    ['Xã Ia Băng, Huyện Đăk Đoa, Gia Lai', '2020:23719'],
    ['Xã Ia Băng, Huyện Chư Prông, Gia Lai', '2020:23905'],
    ['Xã Ia O, Ia Grai, Gia Lai', '2020:23782'],
    ['Xã Ia O, Chư Prông, Gia Lai', '2020:23914'],
    ['Xã Ia Sao, Thị xã Ayun Pa, Gia Lai', '2020:24073'],
    ['Xã Ia Sao, Huyện Ia Grai, Gia Lai', '2020:23767'],
  ])('is placed by its district: %s', (text, expected) => {
    expect(placedAt(resolveAddress(text))).toBe(expected);
  });

  it('is ambiguous without one, and names both', () => {
    const result = resolveAddress('Phường Tây Sơn, Gia Lai');
    expect(result).toMatchObject({ status: 'unplaced', reason: 'ambiguous' });
    expect(result.status === 'unplaced' && result.candidates?.map((c) => c.code).sort()).toEqual([
      '23575',
      '23617',
    ]);
  });
});

describe('resolveAddress leaves unplaced', () => {
  const cases: [string, string, ResolveOptions, string][] = [
    ['blank', '   ', {}, 'empty'],
    ['punctuation only', ' , ; - ', {}, 'empty'],
    ['unknown commune', 'Xã Không Có, Huyện Đức Cơ, Gia Lai', {}, 'unknown'],
    ['abroad', 'Campuchia', {}, 'unknown'],
    ['a village and a province', 'Thôn 5, Gia Lai', {}, 'unknown'],
    ['the district disagrees', 'Xã Ia Kla, Huyện Chư Sê, Tỉnh Gia Lai', {}, 'disagree'],
    ['the province disagrees', 'Xã Ia Kla, Huyện Đức Cơ, Tỉnh Kon Tum', {}, 'disagree'],
    ['the district is in another province', 'P. Hội Thương, TP. Kon Tum, Kon Tum', {}, 'disagree'],
    ['a commune alone', 'Phường Thắng Lợi', {}, 'ambiguous'],
    ['a hamlet number is not a ward', 'Thôn 3, Quận 3, TP HCM', {}, 'unknown'],
    ['an unknown name ending in a known one', 'Xã Tân Ia Kla, Huyện Đức Cơ, Gia Lai', {}, 'unknown'],
    ['2020 without a district', 'Xã Ia Kla, Tỉnh Gia Lai', {}, 'ambiguous'],
    ['a Xã and a Thị trấn of one name, unmarked', 'Muong Te, Muong Te, Lai Chau', {}, 'ambiguous'],
    ['names that fold alike, unmarked', 'Xa Minh Quan, Tran Yen, Yen Bai', {}, 'ambiguous'],
    ['a numbered ward of six districts', 'Phường 14, TP Hồ Chí Minh', {}, 'ambiguous'],
    ['written from the province', 'TP Hồ Chí Minh, Quận 3, Phường 1', {}, 'ambiguous'],
    ['2025: the old district or the new commune', 'Chư Sê, Gia Lai', { vintage: 2025 }, 'ambiguous'],
    ['2025: a 2020 ward is not a 2025 commune', 'Phường Tây Sơn, Gia Lai', { vintage: 2025 }, 'unknown'],
    ['2025: no province', 'Xã Ia Dơk', { vintage: 2025 }, 'ambiguous'],
    ['2025: the province disagrees', 'Xã Ia Dơk, Tỉnh Đắk Lắk', { vintage: 2025 }, 'disagree'],
    ['2025: a 2020 province', 'Xã Ia Dơk, Tỉnh Kon Tum', { vintage: 2025 }, 'unknown'],
    ['2025: a district written', 'Xã Ia Kla, Huyện Đức Cơ, Gia Lai', { vintage: 2025 }, 'unknown'],
  ];
  it.each(cases)('%s: %s', (_, text, options, reason) => {
    const result = resolveAddress(text, options);
    expect(placedAt(result)).toBe(reason);
    if (result.status === 'unplaced')
      expect(result.candidates?.length ?? 0).toBeLessThanOrEqual(MAX_CANDIDATES);
  });

  it('gives the candidates of a disagreement', () => {
    expect(resolveAddress('Xã Ia Kla, Huyện Chư Sê, Tỉnh Gia Lai')).toEqual({
      status: 'unplaced',
      reason: 'disagree',
      candidates: [{ code: '23869', vintage: 2020 }],
    });
  });
});

describe("vintage 'either'", () => {
  it.each([
    ['Xã Ia Kla, Huyện Đức Cơ, Gia Lai', '2020:23869'],
    ['Xã Ia Dơk, Gia Lai', '2025:23869'],
    ['Xã Ia Băng, Tỉnh Gia Lai', '2025:23710'],
    ['Phường Tây Sơn, Gia Lai', 'ambiguous'],
    ['Phường Xuân Đỉnh, Quận Bắc Từ Liêm, Hà Nội', '2020:00610'],
    ['Quận Bắc Từ Liêm, Hà Nội', 'ambiguous'],
    ['Xã Ia Kla, Huyện Chư Sê, Tỉnh Gia Lai', 'disagree'],
  ])('%s → %s', (text, expected) => {
    expect(placedAt(resolveAddress(text, { vintage: 'either' }))).toBe(expected);
  });
});

describe('addressTokens', () => {
  it('folds case and marks, splits glued numbers, drops leading zeros and the country', () => {
    expect(addressTokens('P.01, Q10 TP.HCM, Việt Nam').map((t) => t.key)).toEqual([
      'p',
      '1',
      'q',
      '10',
      'tp',
      'hcm',
    ]);
    expect(addressTokens('Đắk Lắk').map((t) => [t.key, t.raw])).toEqual([
      ['dak', 'đắk'],
      ['lak', 'lắk'],
    ]);
  });
});

describe('the hand-written messy addresses (test/fixtures/messy-addresses.csv)', () => {
  const rows = messyAddresses();
  it('holds at least 40, both placeable and not', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(rows.filter((row) => row.expected).length).toBeGreaterThan(20);
    expect(rows.filter((row) => !row.expected).length).toBeGreaterThan(10);
  });
  it.each(rows.map((row) => [row.text, row] as const))('never places wrongly: %s', (_, row) => {
    const verdict = judge(row.expected, resolveAddress(row.text, { vintage: 'either' }));
    expect(verdict).not.toBe('wrong');
    if (row.expected) expect(verdict).toBe('placed');
  });
});

describe('the name index in the Lambda bundles', () => {
  it('is reached only through shared/coverage, and never by the split, which validates every row', async () => {
    const root = join(import.meta.dirname, '../..');
    const own = [
      join('shared', 'domain', 'address-resolver.ts'),
      join('shared', 'domain', 'placement.ts'),
      join('shared', 'coverage', 'places.ts'),
    ];
    const importers = ['functions', 'shared']
      .flatMap((dir) =>
        readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)),
      )
      .filter(
        (file) => file.endsWith('.ts') && !own.includes(file) && !file.startsWith(join('shared', 'coverage')),
      )
      .filter((file) => /address-resolver|placement\.ts/.test(readFileSync(join(root, file), 'utf8')));
    expect(importers).toEqual([]);
    const { metafile } = await bundleFunction(FUNCTIONS.split.entry, mkdtempSync(join(tmpdir(), 'split-')), {
      logLevel: 'error',
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((input) => input.includes('coverage/places.ts'))).toBe(false);
    expect(inputs.some((input) => input.includes('units-data.ts'))).toBe(false);
  });
});
