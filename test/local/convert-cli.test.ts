// Legacy-font files as a clerk meets them: `npm run check` names the font or encoding, `npm run convert` turns the
// file into Unicode, and the check then passes it. Real processes, real files, exit codes.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEADER, ROW_A, ROW_B } from '../batch/helpers.ts';
import { runScript } from '../fixtures/script.ts';

let dir: string;

const tool = runScript;

async function check(file: string) {
  const out = `${file}-report`;
  const { code } = await tool('local/check.ts', [file, '--out', out]);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  return { code, summary };
}

async function convert(file: string, ...args: string[]) {
  const out = `${file}-unicode.csv`;
  const result = await tool('local/convert.ts', [file, '--out', out, ...args]);
  return { ...result, out };
}

const UNICODE = `${HEADER}\n${ROW_A}\n${ROW_B}\n`;
// the same rows typed in VNI-Times and saved as CSV UTF-8
const VNI_GLYPHS = `${HEADER}\nNguyeãn Vaên An,1/2/1990,Nam,064090123456,Gia Lai,Bình Ñònh,Kinh,Vieät Nam,Pleiku\nTraàn Thò Bình,1995-07-30,Nöõ,,Gia Lai,Gia Lai,Gia Rai,VN,Ayun Pa\n`;
const iconv = (to: string) => execFileSync('iconv', ['-f', 'UTF-8', '-t', to], { input: UNICODE });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dancu-convert-'));
});

describe('legacy-font files through npm run check and npm run convert', () => {
  const cases: [name: string, content: () => Buffer, exit: number, code: string, from: string][] = [
    [
      'vni-glyphs.csv',
      () => Buffer.from(VNI_GLYPHS),
      1,
      'TEXT_LEGACY_FONT_VNI',
      'VNI (VNI-Times) font glyphs',
    ],
    [
      'tcvn3-glyphs.csv',
      () => Buffer.from(iconv('TCVN5712-1').toString('latin1'), 'utf8'),
      1,
      'TEXT_LEGACY_FONT_TCVN3',
      'TCVN3 (ABC, .VnTime) font glyphs',
    ],
    ['tcvn3-bytes.csv', () => iconv('TCVN5712-1'), 2, 'BATCH_LEGACY_ENCODING', 'TCVN3 (ABC, .VnTime) bytes'],
    ['cp1258-bytes.csv', () => iconv('CP1258'), 2, 'BATCH_LEGACY_ENCODING', 'Windows-1258 bytes'],
    [
      'vni-bytes.csv',
      () => Buffer.from(VNI_GLYPHS, 'latin1'),
      2,
      'BATCH_LEGACY_ENCODING',
      'VNI (VNI-Times) bytes',
    ],
  ];

  it.each(cases)(
    '%s: the check names it, convert --from auto fixes it, the check passes',
    async (name, content, exit, code, from) => {
      const file = join(dir, name);
      await writeFile(file, content());
      const before = await check(file);
      expect(before.code).toBe(exit);
      if (exit === 2) expect(before.summary.failure.code).toBe(code);
      else expect(before.summary.errorsByCode[code]).toBeGreaterThan(0);

      const converted = await convert(file);
      expect(converted.code).toBe(0);
      expect(converted.stderr).toContain(from);
      expect((await readFile(converted.out, 'utf8')).slice(1)).toBe(UNICODE);
      const after = await check(converted.out);
      expect(after.code).toBe(0);
      expect(after.summary.outcomes).toMatchObject({ new: 2, rejected: 0 });
    },
  );

  it('converts with the font named by --from, and refuses what cannot be', async () => {
    const file = join(dir, 'named.csv');
    await writeFile(file, VNI_GLYPHS);
    const named = await convert(file, '--from', 'vni');
    expect(named.code).toBe(0);
    expect((await readFile(named.out, 'utf8')).slice(1)).toBe(UNICODE);
    // Windows-1258 is a byte encoding: a UTF-8 file is not in it
    expect((await convert(file, '--from', 'cp1258')).code).toBe(65);
    expect((await convert(file, '--from', 'viqr')).code).toBe(64);
    expect((await tool('local/convert.ts', [file])).code).toBe(64);
    expect((await convert(join(dir, 'missing.csv'))).code).toBe(66);
  });

  it('copies a Unicode file as it is', async () => {
    const file = join(dir, 'unicode.csv');
    await writeFile(file, UNICODE);
    const copied = await convert(file);
    expect(copied.code).toBe(0);
    expect(copied.stderr).toContain('no legacy-font text found');
    expect((await readFile(copied.out, 'utf8')).slice(1)).toBe(UNICODE);
  });
});
