// Issue 22: blocking keys that keep a name's OCR slips and phonetic spellings together, and the family name of a
// name whose family name is slipped.
import { describe, expect, it } from 'vitest';
import { hmacKeyer } from '#domain/person-keyer.ts';
import { foldText, nameParts, soundSkeleton } from '../../shared/linkage/name-form.ts';

const sound = (name: string) => soundSkeleton(foldText(name));

describe('soundSkeleton', () => {
  it('writes the spellings of one sound and the look-alikes a scanner reads one way', () => {
    const pairs: [string, string][] = [
      ['Dũng', 'Giũng'],
      ['Trâm', 'Châm'],
      ['Sang', 'Xang'],
      ['Tuấn', 'Tuấng'],
      ['Phúc', 'Phút'],
      ['Ngọc', 'Ngọe'],
      ['Lan', 'Ian'],
      ['Thanh', 'Tbanh'],
      ['Sơn', '5ơn'],
      ['Minh', 'Mính'],
    ];
    for (const [a, b] of pairs) expect(sound(a), `${a} / ${b}`).toBe(sound(b));
    expect(sound('Hùng')).not.toBe(sound('Minh'));
    expect(sound('Lan')).not.toBe(sound('Mai'));
  });
});

describe('nameParts with a slipped family name', () => {
  it('keeps a first word one slip from a more frequent family name as the family name', () => {
    expect(nameParts('Yuỳnh Văn Định').given).toBe('dinh');
    expect(nameParts('Lr Đình Tuấn').given).toBe('tuan');
    expect(nameParts('Huỳnh Văn Định').given).toBe('dinh');
    // a given-name-first order still turns round to the family name
    expect(nameParts('Hùng Nguyễn Văn').folded).toBe('nguyen van hung');
    expect(nameParts('Lan Nguyễn Thị').folded).toBe('nguyen thi lan');
  });
});

describe('PersonKeyer.digest', () => {
  it('is keyed and apart from the person keys', () => {
    const keyer = hmacKeyer('a test secret of at least thirty-two bytes', 1);
    const other = hmacKeyer('another secret, also thirty-two bytes long', 1);
    expect(keyer.digest('idv|0|***203012345')).toBe(keyer.digest('idv|0|***203012345'));
    expect(keyer.digest('idv|0|***203012345')).not.toBe(other.digest('idv|0|***203012345'));
    expect(keyer.seal('id:079203012345')).not.toContain(keyer.digest('id:079203012345').slice(0, 22));
  });
});
