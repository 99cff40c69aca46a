import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sniffLegacyEncoding } from '#batch/decode.ts';
import { BatchFailedError } from '#domain/errors.ts';
import { HEADER, ROW_A, ROW_B, readRows } from './helpers.ts';

const VI_HEADER =
  'Họ và tên,Ngày sinh,Giới tính,Nơi đăng ký khai sinh,Quê quán,Dân tộc,Quốc tịch,Nơi ở hiện tại';
const VI_ROW = 'Nguyễn Thị Như Quỳnh,1/2/1990,Nữ,Gia Lai,Bình Định,Kinh,Việt Nam,Pleiku';
const iconv = (text: string, to: string) => execFileSync('iconv', ['-f', 'UTF-8', '-t', to], { input: text });
// VNI-Windows bytes of the same file (the font's glyphs are its Latin-1 bytes)
const VNI = Buffer.from(
  'Hoï vaø teân,Ngaøy sinh,Giôùi tính,Nôi ñaêng kyù khai sinh,Queâ quaùn,Daân toäc,Quoác tòch,Nôi ôû hieän taïi\n' +
    'Nguyeãn Thò Nhö Quyønh,1/2/1990,Nöõ,Gia Lai,Bình Ñònh,Kinh,Vieät Nam,Pleiku\n',
  'latin1',
);

async function failure(bytes: Uint8Array | string): Promise<{ code?: string; detail?: string }> {
  try {
    await readRows(bytes);
    return {};
  } catch (error) {
    if (!(error instanceof BatchFailedError)) throw error;
    return { code: error.code, detail: error.detail };
  }
}

describe('legacy encodings', () => {
  it('fails a file in TCVN3, Windows-1258 or VNI bytes with a code that names the encoding', async () => {
    const text = `${VI_HEADER}\n${VI_ROW}\n`;
    expect(await failure(iconv(text, 'TCVN5712-1'))).toEqual({
      code: 'BATCH_LEGACY_ENCODING',
      detail: 'TCVN3 (ABC, .VnTime)',
    });
    expect(await failure(iconv(text, 'CP1258'))).toEqual({
      code: 'BATCH_LEGACY_ENCODING',
      detail: 'Windows-1258',
    });
    expect(await failure(VNI)).toEqual({ code: 'BATCH_LEGACY_ENCODING', detail: 'VNI (VNI-Times)' });
  });

  it('fails a file whose English header is UTF-8 but whose rows are mostly legacy bytes', async () => {
    const rows = [ROW_A, ROW_B, ROW_A].map((row) => iconv(`${row}\n`, 'CP1258'));
    const result = await failure(Buffer.concat([Buffer.from(`${HEADER}\n`), ...rows]));
    expect(result.code).toBe('BATCH_LEGACY_ENCODING');
  });

  it('leaves a UTF-8 file with a stray legacy row to that row (INVALID_ENCODING)', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${HEADER}\n${ROW_A}\n${ROW_B}\n`),
      iconv(`${ROW_B}\n`, 'CP1258'),
    ]);
    const { rows } = await readRows(bytes);
    expect(rows.map((row) => row.values?.full_name?.includes('\ufffd'))).toEqual([false, false, true]);
  });

  it('does not take a character cut at the end of the first 8 KiB for a legacy byte', () => {
    const head = Buffer.from(`${HEADER}\n${`${ROW_A}\n`.repeat(100)}`).subarray(0, 8192);
    const cut = Buffer.concat([
      head.subarray(0, head.lastIndexOf(0x0a) + 1),
      Buffer.from('Nguy\xe1\xbb', 'latin1'),
    ]);
    expect(sniffLegacyEncoding(cut, false)).toBeUndefined();
  });

  it('names a header typed in a legacy font inside UTF-8 instead of failing it as no header', async () => {
    const glyphs = VNI.toString('latin1');
    expect(await failure(Buffer.from(glyphs, 'utf8'))).toEqual({
      code: 'BATCH_LEGACY_ENCODING',
      detail: 'VNI (VNI-Times), font glyphs in UTF-8',
    });
  });
});
