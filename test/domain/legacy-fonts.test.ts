import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeLegacy,
  type LegacyFont,
  legacyEncodingOf,
  legacyFontOf,
  readAs,
} from '#domain/legacy-fonts.ts';
import { defaultValidationContext, validateRow } from '#domain/validate.ts';

const lines = (name: string) =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'));

const GIVEN = lines('vietnamese-given-names.txt');
const PLACES = lines('vietnamese-place-names.txt');
// the family names of github.com/duyet/vietnamese-namedb uit_member.json (last_name_group), most frequent first
const SURNAMES =
  'Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Đào Đoàn Lương Lưu Mai Cao Diệp Thân Đàm Triệu Hà Lâm'.split(
    ' ',
  );
const FULL_NAMES = SURNAMES.flatMap((surname) => GIVEN.map((given) => `${surname} ${given}`));
// Jrai, Bahnar, Ê Đê, K'Ho, Mnông, Cham names as the register holds them
const MINORITY = [
  'Rơ Châm H’Bia',
  'Ksor H’Ơn',
  'Siu Kpă',
  'Nay Byă',
  'Rmah Đơk',
  'Y Moan Ênuôl',
  'H’Hen Niê',
  'Kpă Y Ngọc',
  'Ka Bông',
  'K’Brel',
  'Đinh Y Hlúp',
  'Mlô Y Khoa',
  'Byă H’Luy',
  'Êban Y Kông',
  'Điểu Mlốk',
  'Thị Sa Ly',
  'Rơ Mah Hanh',
  'Kơ Sor Nhiên',
];
const ADDRESSES = [
  'Số 12 ngõ 34 phố Hoàng Hoa Thám, phường Liễu Giai, quận Ba Đình, Hà Nội',
  'Thôn Plei Ơi, xã Ia Pếch, huyện Ia Grai, Gia Lai',
  'Buôn Ko Tam, xã Ea Tu, thành phố Buôn Ma Thuột, Đắk Lắk',
  '45/7 đường Nguyễn Thị Minh Khai, phường Đa Kao, quận 1, TP. Hồ Chí Minh',
  'Tổ 5, khu phố Hòa An, thị trấn Chư Sê',
];

/** An encoder for a font, made by reading every glyph and vowel-and-mark pair back: Unicode letter → glyphs. */
function encoderOf(font: LegacyFont): (text: string) => string | undefined {
  const glyphs: string[] = [];
  for (let code = 0x20; code <= 0xff; code++)
    if (code < 0x7f || code > 0xa0) glyphs.push(String.fromCharCode(code));
  const table = new Map<string, string>();
  for (const one of glyphs) {
    // a VNI mark glyph reads as itself alone, but as a mark after a vowel: never a letter of its own
    const alone = readAs(one, font);
    if (readAs(`a${one}`, font) === `a${alone}` && !table.has(alone)) table.set(alone, one);
  }
  // a lower-case vowel takes a lower-case mark (a VNI typist's keyboard gives it one)
  for (const base of 'aeiouyAEIOUYôöÔÖ')
    for (const mark of base === base.toLowerCase() ? [...glyphs].reverse() : glyphs) {
      const letter = readAs(base + mark, font);
      if ([...letter].length === 1 && !table.has(letter)) table.set(letter, base + mark);
    }
  return (text) => {
    let out = '';
    for (const letter of text.normalize('NFC')) {
      const glyph = table.get(letter);
      if (glyph === undefined) return undefined; // not in the font (TCVN3 has no capitals with tones)
      out += glyph;
    }
    return out;
  };
}
const toVni = encoderOf('vni');
const toTcvn3 = encoderOf('tcvn3');

describe('legacyFontOf', () => {
  it('names the fonts of the issue’s examples and reads them as they were meant', () => {
    expect(legacyFontOf('Nguyeãn Thò Nhö Quyønh')).toBe('vni');
    expect(readAs('Nguyeãn Thò Nhö Quyønh', 'vni')).toBe('Nguyễn Thị Như Quỳnh');
    expect(legacyFontOf('Cao ThÞ HuyÒn Sa')).toBe('tcvn3');
    expect(readAs('Cao ThÞ HuyÒn Sa', 'tcvn3')).toBe('Cao Thị Huyền Sa');
  });

  it(`finds no legacy font in ${FULL_NAMES.length} Unicode full names (${GIVEN.length} real given names × ${SURNAMES.length} family names)`, () => {
    const flagged = [...GIVEN, ...FULL_NAMES].filter((name) => legacyFontOf(name));
    expect(flagged).toEqual([]);
    expect(GIVEN.length).toBeGreaterThanOrEqual(2400);
    expect(FULL_NAMES.length).toBeGreaterThanOrEqual(5000);
  });

  it(`finds none in ${PLACES.length} commune, district and province names, addresses, or minority names`, () => {
    expect([...PLACES, ...ADDRESSES, ...MINORITY].filter((value) => legacyFontOf(value))).toEqual([]);
  });

  it('finds none in foreign names written in Latin-1 letters, whose glyphs convert to no Vietnamese', () => {
    const foreign = [
      'Peña',
      'Jönsson',
      'Müller',
      'François Dupré',
      'Zoë Ångström',
      'Søren Kierkegaard',
      'Björk Guðmundsdóttir',
      'Ñuñez',
      'Gonçalves',
      'Noël',
      'Maëlle',
      'Íñigo',
      'Aïcha',
      'Øyvind',
      'Þór',
    ];
    expect(foreign.filter((name) => legacyFontOf(name))).toEqual([]);
  });

  it('finds none in upper-case Unicode names (HOÀNG, KHOÁ, QUÂN) or with Ð typed for Đ', () => {
    const upper = FULL_NAMES.slice(0, 5000).map((name) => name.toUpperCase());
    expect(upper.filter((name) => legacyFontOf(name))).toEqual([]);
    expect(legacyFontOf('Ðình Hòa')).toBeUndefined();
  });

  it('flags every real name typed in VNI and names the font', () => {
    const encoded = FULL_NAMES.map((name) => toVni(name) as string).filter(
      (name, i) => name !== FULL_NAMES[i],
    );
    const missed = encoded.filter((name) => legacyFontOf(name) !== 'vni');
    // a name whose every glyph is also a Vietnamese letter in the same order cannot be told from Unicode
    expect(missed.length / encoded.length).toBeLessThan(0.01);
  });

  it('flags every real name typed in TCVN3 and names the font', () => {
    const encoded = FULL_NAMES.flatMap((name) => {
      const tcvn3 = toTcvn3(name);
      return tcvn3 === undefined || tcvn3 === name ? [] : [tcvn3];
    });
    expect(encoded.length).toBeGreaterThan(50_000);
    const missed = encoded.filter((name) => legacyFontOf(name) !== 'tcvn3');
    // 1.4% are, word for word, Unicode Vietnamese too (Vò Anh Minh is Vũ Anh Minh; Dòng, Tó): nothing tells them
    expect(missed.length / encoded.length).toBeLessThan(0.02);
  });
});

describe('readAs', () => {
  it('round-trips real names through VNI and TCVN3 glyphs to the same NFC text', () => {
    for (const name of FULL_NAMES) {
      expect(readAs(toVni(name) as string, 'vni')).toBe(name.normalize('NFC'));
      const tcvn3 = toTcvn3(name);
      if (tcvn3 !== undefined) expect(readAs(tcvn3, 'tcvn3')).toBe(name.normalize('NFC'));
    }
  });
});

describe('legacyEncodingOf', () => {
  // values that TCVN3's .VnTime half (no capitals with tones) and glibc (no Ð) both write
  const writable = (value: string) =>
    !/[ÀÁÃẢẠẮẰẲẴẶẤẦẨẪẬÈÉẺẼẸẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌỐỒỔỖỘỚỜỞỠỢÙÚỦŨỤỨỪỬỮỰỲÝỶỸỴÐ]/.test(value.normalize('NFC'));
  const names = FULL_NAMES.filter(writable).filter((_, i) => i % 500 === 0);
  const places = PLACES.filter(writable);
  const text = `full_name,hometown\n${names.map((name, i) => `${name},${places[i * 7]}`).join('\n')}\n`;
  const vni = Buffer.from(
    text
      .split('\n')
      .map((line) => toVni(line) ?? '')
      .join('\n'),
    'latin1',
  );

  it('tells VNI, TCVN3 (glibc TCVN5712-1) and Windows-1258 (glibc CP1258) bytes apart and decodes them', () => {
    expect(legacyEncodingOf(vni)).toBe('vni');
    expect(decodeLegacy(vni, 'vni')).toBe(text.normalize('NFC'));
    for (const [encoding, iconv] of [
      ['tcvn3', 'TCVN5712-1'],
      ['cp1258', 'CP1258'],
    ] as const) {
      const bytes = execFileSync('iconv', ['-f', 'UTF-8', '-t', iconv], { input: text });
      expect(legacyEncodingOf(bytes), encoding).toBe(encoding);
      expect(decodeLegacy(bytes, encoding), encoding).toBe(text.normalize('NFC'));
    }
  });
});

describe('validation', () => {
  const valid = {
    full_name: 'Nguyễn Thị Như Quỳnh',
    date_of_birth: '1990-02-01',
    sex: 'Nữ',
    birth_registration_place: 'Xã Ia Pếch, huyện Ia Grai, Gia Lai',
    hometown: 'Gia Lai',
    ethnicity: 'Kinh',
    nationality: 'Việt Nam',
    current_address: 'Thôn Plei Ơi, xã Ia Pếch',
  };

  it('accepts the Unicode row', () => {
    expect(validateRow(valid, defaultValidationContext()).issues).toEqual([]);
  });

  it('rejects each field typed in a legacy font, with what it reads as', () => {
    const result = validateRow(
      { ...valid, full_name: 'Nguyeãn Thò Nhö Quyønh', hometown: 'Gia Lai', current_address: 'Th«n Plei ¥i' },
      defaultValidationContext(),
    );
    expect(result.issues).toEqual([
      {
        code: 'TEXT_LEGACY_FONT_VNI',
        field: 'full_name',
        detail: 'đọc là / reads as “Nguyễn Thị Như Quỳnh”',
      },
      {
        code: 'TEXT_LEGACY_FONT_TCVN3',
        field: 'current_address',
        detail: 'đọc là / reads as “Thôn Plei Ơi”',
      },
    ]);
  });

  it('names the font of a list value that matches nothing (sex, ethnicity) rather than calling it unknown', () => {
    const result = validateRow({ ...valid, sex: 'Nöõ', ethnicity: 'Möôøng' }, defaultValidationContext());
    expect(result.issues).toEqual([
      { code: 'TEXT_LEGACY_FONT_VNI', field: 'sex', detail: 'đọc là / reads as “Nữ”' },
      { code: 'TEXT_LEGACY_FONT_VNI', field: 'ethnicity', detail: 'đọc là / reads as “Mường”' },
    ]);
  });
});
