import { describe, expect, it } from 'vitest';
import { compactDigits, isNormalText, looseKey, nameKey, normalizeText } from '#domain/normalize.ts';

describe('normalizeText', () => {
  it('composes NFD text from macOS into NFC', () => {
    const nfd = 'Nguyễn Thị Hoà'.normalize('NFD');
    expect(nfd).not.toBe('Nguyễn Thị Hoà'.normalize('NFC'));
    expect(normalizeText(nfd)).toBe('Nguyễn Thị Hoà'.normalize('NFC'));
  });

  it('collapses every kind of white space and trims', () => {
    expect(normalizeText('  Trần\u00a0\u00a0Văn\t\nAn \u3000')).toBe('Trần Văn An');
  });
});

describe('nameKey', () => {
  it('ignores case and where the tone mark sits', () => {
    expect(nameKey('Hoà')).toBe(nameKey('hòa'));
    // a look-alike apostrophe is the plain one (issue 14): a name held from before meets its new spelling
    for (const mark of ['’', '‘', '′', 'ʼ', '`'])
      expect(nameKey(`Rơ Châm H${mark}Yơn`)).toBe(nameKey("Rơ Châm H'Yơn"));
    expect(nameKey('Nguyễn Thị Thuý')).toBe(nameKey('NGUYỄN THỊ THÚY'));
    expect(nameKey('Khoẻ')).toBe(nameKey('khỏe'));
  });

  it('keeps which tone and which vowel it is', () => {
    expect(nameKey('Hòa')).not.toBe(nameKey('Hoa'));
    expect(nameKey('Hòa')).not.toBe(nameKey('Hóa'));
    expect(nameKey('Tâm')).not.toBe(nameKey('Tam'));
  });

  it('treats NFD and NFC input alike', () => {
    expect(nameKey('Đặng Thị Huệ'.normalize('NFD'))).toBe(nameKey('Đặng Thị Huệ'));
  });
});

describe('looseKey', () => {
  it('folds case, diacritics, đ, hyphens, apostrophes and spaces', () => {
    expect(looseKey("H'Mông")).toBe('hmong');
    expect(looseKey('Gia-rai')).toBe(looseKey('Gia Rai'));
    expect(looseKey('Đắk Lắk')).toBe('daklak');
  });
});

describe('compactDigits', () => {
  it('removes spaces, dashes and dots between digit groups', () => {
    expect(compactDigits('064 190-123.456')).toBe('064190123456');
  });
});

describe('isNormalText, the hot-path shortcut', () => {
  it('is never true for a text that normalisation would change: every char and pair of its ranges', () => {
    const chars: string[] = [];
    for (let c = 0x20; c <= 0x2ff; c++) chars.push(String.fromCharCode(c));
    for (let c = 0x1e00; c <= 0x1eff; c++) chars.push(String.fromCharCode(c));
    let checked = 0;
    for (const a of chars) {
      for (const b of chars) {
        const text = `x${a}${b}`;
        if (isNormalText(text)) {
          checked += 1;
          if (text.normalize('NFC').replace(/\s+/g, ' ').trim() !== text)
            throw new Error(`not normal: ${text}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(900_000); // the shortcut covers nearly every pair
  });

  it('sends white space runs, edges, controls, combining marks and other scripts to the slow path', () => {
    for (const text of [
      ' a',
      'a ',
      'a  b',
      'a\tb',
      'a\u00a0b',
      'a\u0301',
      'a\u202eb',
      'a\ufffd',
      'a\u0007',
      '中文',
    ]) {
      expect(isNormalText(text), JSON.stringify(text)).toBe(false);
    }
    expect(isNormalText('Nguyễn Thị Thuý')).toBe(true);
  });
});
