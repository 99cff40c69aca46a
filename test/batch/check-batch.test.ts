// The pre-upload check's in-file dedupe, and the fingerprints and table it holds per person.
import { describe, expect, it } from 'vitest';
import { checkPages, DETAIL_FIELDS, detailPrint } from '#batch/check-batch.ts';
import { Fingerprinter, fingerprint64 } from '#batch/fingerprint.ts';
import { FingerprintTable } from '#batch/fingerprint-table.ts';
import { nameKey } from '#domain/normalize.ts';
import { IDENTITY_FIELDS, RECORD_KEYS } from '#domain/record.ts';
import { testKeyer } from '../fakes/keyer.ts';
import { PERSON } from '../fixtures/person.ts';
import { chunked, HEADER, ROW_A, ROW_B } from './helpers.ts';

async function outcomesOf(lines: string[]): Promise<string[]> {
  const { openBatch } = await import('#batch/read-batch.ts');
  const batch = await openBatch(chunked(Buffer.from(`${HEADER}\n${lines.join('\n')}\n`), 64), 'csv');
  const found: string[] = [];
  for await (const page of checkPages(batch.pages, { today: '2026-06-30' }, testKeyer)) {
    for (const row of page) found.push(row.outcome);
  }
  return found;
}

/** Each row's outcome and its code, `CODE@row` of the row it was compared with. */
async function codesOf(lines: string[]): Promise<[string, string][]> {
  const { openBatch } = await import('#batch/read-batch.ts');
  const batch = await openBatch(chunked(Buffer.from(`${HEADER}\n${lines.join('\n')}\n`), 64), 'csv');
  const found: [string, string][] = [];
  for await (const page of checkPages(batch.pages, { today: '2026-06-30' }, testKeyer)) {
    for (const row of page) {
      const note = row.issues[0];
      const against = note?.against && 'row' in note.against ? note.against.row : '';
      found.push([row.outcome, note ? `${note.code}@${against}` : '']);
    }
  }
  return found;
}

describe('in-file dedupe', () => {
  const moved = ROW_A.replace('Pleiku', 'An Khê');
  it('the same form again is a duplicate, however its values were written', async () => {
    const spelled = ROW_A.replace('1/2/1990', '1990-02-01').replace('Nam', 'nam').replace('Kinh', 'kinh');
    expect(await outcomesOf([ROW_A, spelled, ROW_B, ROW_A])).toEqual([
      'new',
      'duplicate',
      'new',
      'duplicate',
    ]);
  });

  it('white space the validator collapses does not make a form new; text moved between fields does', async () => {
    const spaced = ROW_A.replace('Bình Định', ' Bình   Định ').replace('Pleiku', 'Pleiku  ');
    // the same values one after another, cut in another place: not the same form
    const shifted = ROW_A.replace('Gia Lai,Bình Định', 'Gia LaiB,ình Định');
    const swapped = ROW_A.replace('Gia Lai,Bình Định', 'Bình Định,Gia Lai');
    expect(await outcomesOf([ROW_A, spaced, shifted, swapped])).toEqual([
      'new',
      'duplicate',
      'updated',
      'updated',
    ]);
  });

  it('a changed field is an update; an older form again is a duplicate of it, never an update back', async () => {
    expect(await outcomesOf([ROW_A, moved, moved, ROW_A])).toEqual([
      'new',
      'updated',
      'duplicate',
      'duplicate',
    ]);
  });

  it('says why with the codes the register gives, against the earlier row', async () => {
    const other = ROW_A.replace('Nguyễn Văn An', 'Nguyễn Văn Bình');
    const again = ROW_A.replace('Pleiku', 'Ayun Pa');
    expect(await codesOf([ROW_A, moved, ROW_A, other, other, again, moved])).toEqual([
      ['new', ''],
      ['updated', 'FIELDS_UPDATED@1'],
      ['duplicate', 'SAME_FORM@1'],
      ['conflict', 'IDENTITY_CONFLICT@1'],
      ['duplicate', 'SAME_CONFLICT@4'],
      ['updated', 'FIELDS_UPDATED@2'],
      ['duplicate', 'SAME_FORM@2'],
    ]);
  });

  it('the name compared without regard to case or where the tone mark sits', async () => {
    const retyped = ROW_A.replace('Nguyễn Văn An', 'NGUYỄN văn an');
    expect(await outcomesOf([ROW_A, retyped])).toEqual(['new', 'duplicate']);
  });

  it('another identity under the same ID is a conflict and does not replace the held form', async () => {
    const other = ROW_A.replace('Nguyễn Văn An', 'Nguyễn Văn Bình');
    const born = ROW_A.replace('1/2/1990', '2/2/1990');
    expect(await outcomesOf([ROW_A, other, born, moved, ROW_A])).toEqual([
      'new',
      'conflict',
      'conflict',
      'updated',
      'duplicate',
    ]);
  });

  it('a field filled in later is an update, and the first form again a duplicate', async () => {
    const header = `${HEADER},religion,phone`;
    const { openBatch } = await import('#batch/read-batch.ts');
    const rows = [`${ROW_A},,`, `${ROW_A},Phật giáo,`, `${ROW_A},Phật giáo,0912345678`, `${ROW_A},,`];
    const batch = await openBatch(chunked(Buffer.from(`${header}\n${rows.join('\n')}\n`)), 'csv');
    const found: string[] = [];
    for await (const page of checkPages(batch.pages, { today: '2026-06-30' }, testKeyer)) {
      for (const row of page) found.push(row.outcome);
    }
    expect(found).toEqual(['new', 'updated', 'updated', 'duplicate']);
  });
});

describe('Fingerprinter', () => {
  const print = (...texts: (string | undefined)[]) => {
    const f = new Fingerprinter().reset();
    for (const text of texts) f.add(text);
    return f.value;
  };

  it('tells field boundaries, absence and emptiness apart', () => {
    expect(print('ab', 'c')).not.toBe(print('a', 'bc'));
    expect(print('a', undefined)).not.toBe(print('a', ''));
    expect(print('a', undefined)).not.toBe(print('a'));
    expect(print('x\uffff')).not.toBe(print('x'));
    expect(print('Nguyễn', 'Văn')).toBe(print('Nguyễn', 'Văn'));
  });

  it('adds a text copied out piece by piece exactly as add adds the whole', () => {
    const texts = [
      '',
      'a',
      'ab',
      'abc',
      'Nguyễn',
      'Xã Hiệp Hòa, Huyện Hiệp Đức',
      'x\uffff',
      '😀',
      'ạ'.repeat(10_000),
    ];
    for (const text of texts) {
      const whole = new Fingerprinter().reset().add('a').add(text).add(undefined).value;
      const pieces = [text.slice(0, 3), undefined, text.slice(3, 4), '', text.slice(4)];
      const copied = new Fingerprinter().reset().add('a').startCopies();
      for (const piece of pieces) copied.copy(piece);
      expect(copied.addCopies().add(undefined).value, text.slice(0, 40)).toBe(whole);
    }
    expect(() => new Fingerprinter().startCopies().copy('ạ'.repeat(40_000))).toThrow(/32,000/);
  });

  it('adds a name key a character at a time exactly as add(nameKey(name)) does', () => {
    const nameKeyPrint = (name: string) => new Fingerprinter().reset().addNameKey(name).value;
    const viaString = (name: string) => new Fingerprinter().reset().add(nameKey(name)).value;
    const names = [
      '',
      'A',
      'Nguyễn Thị Như Quỳnh',
      'NGUYỄN VĂN HOÀ',
      'Nguyễn Văn Hòa',
      'Thuý Thúy',
      'Rơ Châm H’Bia',
      "K'Sor Ya Đức",
      'Ksor İbrahim',
      'Nguyen\u0303 Thi', // not normal text: nameKey's own path
      ' Lê  Văn ', // not normal text either
      'Trần 😀', // beyond the folded ranges
    ];
    // every character of normal text, one at a time, in a syllable and at either end of one
    for (let code = 0x21; code < 0x300; code++)
      if (code < 0x7f || code > 0xa0) names.push(`a${String.fromCharCode(code)}b`);
    for (let code = 0x1e00; code <= 0x1eff; code++)
      names.push(`Ngư${String.fromCharCode(code)}n ${String.fromCharCode(code)}`);
    for (const name of names) expect(nameKeyPrint(name), name).toBe(viaString(name));
    expect(nameKeyPrint('Nguyễn Văn Hoà')).toBe(nameKeyPrint('nguyễn văn hòa'));
    expect(nameKeyPrint('Nguyễn Văn Hoà')).not.toBe(nameKeyPrint('Nguyễn Văn Hoa'));
  });

  it('fingerprints every detail field and nothing of the identity or the form id', () => {
    expect(DETAIL_FIELDS.toSorted()).toEqual(
      RECORD_KEYS.filter(
        (key) => key !== 'formId' && !(IDENTITY_FIELDS as readonly string[]).includes(key),
      ).toSorted(),
    );
    const print = new Fingerprinter();
    const base = detailPrint(print, PERSON);
    const seen = new Set([base]);
    for (const field of DETAIL_FIELDS) seen.add(detailPrint(print, { ...PERSON, [field]: 'khác' }));
    expect(seen.size).toBe(DETAIL_FIELDS.length + 1);
    for (const field of ['formId', ...IDENTITY_FIELDS] as const)
      expect(detailPrint(print, { ...PERSON, [field]: 'khác' })).toBe(base);
  });

  it('gives the 64-bit fingerprint of a text as its two seeded fingerprints', () => {
    for (const text of ['', 'id:064090123456', 'nk:abc', 'x'.repeat(40_000)])
      expect(fingerprint64(text)).toEqual([
        new Fingerprinter().reset(0x9e3779b9).add(text).value,
        new Fingerprinter().reset(0x7f4a7c15).add(text).value,
      ]);
  });

  it('spreads 300,000 IDs over 64 bits without a collision', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300_000; i++) {
      const [high, low] = fingerprint64(`id:0${String(64090000000 + i * 13)}`);
      seen.add(`${high}:${low}`);
    }
    expect(seen.size).toBe(300_000);
  });
});

describe('FingerprintTable', () => {
  it.each([16, 1000])(
    'finds every key it was given as it grows from %i slots, and none it was not',
    (size) => {
      const table = new FingerprintTable(size);
      const keys: [number, number][] = [];
      // the first key is (0, 0), the empty slot's own pattern, which is a key like any other
      for (let i = 0; i < 50_000; i++)
        keys.push([(i * 2654435761) >>> 0, i % 7 === 0 ? 0 : (i * 40503) >>> 0]);
      keys.forEach(([high, low], i) => {
        const found = table.find(high, low);
        expect(found).toBeLessThan(0);
        table.insert(found, high, low, i, i + 1, i + 2);
      });
      expect(table.size).toBe(keys.length);
      keys.forEach(([high, low], i) => {
        const slot = table.find(high, low);
        expect([table.first(slot), table.second(slot), table.third(slot)]).toEqual([i, i + 1, i + 2]);
      });
      expect(table.find(1, 1)).toBeLessThan(0);
      const slot = table.find(0, 0);
      table.setSecond(slot, 7);
      expect(table.second(table.find(0, 0))).toBe(7);
    },
  );
});
