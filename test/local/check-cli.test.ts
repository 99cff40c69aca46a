// The pre-upload check as an agency runs it: a real process, real files, exit codes and reports.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hmacKeyer } from '#domain/person-keyer.ts';
import { HEADER, ROW_A, ROW_B } from '../batch/helpers.ts';
import { runScript } from '../fixtures/script.ts';

const SAME_FORM_ROW_1 =
  'Trùng nội dung với một phiếu đã ghi nhận cho người này; không thay đổi gì (so với dòng 1 của tệp này) / Same content as a form already recorded for this person; nothing changed (compared with row 1 of this file)';
let dir: string;

async function check(name: string, content: string | Buffer, args: string[] = []) {
  const file = join(dir, name);
  await writeFile(file, content);
  const out = join(dir, `${name}-report`);
  const result = await runScript('local/check.ts', [file, '--out', out, ...args]);
  const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
  const text = await readFile(join(out, 'outcomes.csv'), 'utf8');
  // UTF-8 with a byte-order mark, so that Excel on Windows reads the Vietnamese
  expect(text.startsWith('\ufeff')).toBe(true);
  const outcomes = text.slice(1).trimEnd().split('\n');
  return { code: result.code, summary, outcomes, stderr: result.stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dancu-check-'));
});

describe('npm run check', () => {
  it('exits 0 and writes a line per row when every row is accepted', async () => {
    const { code, summary, outcomes, stderr } = await check(
      'clean.csv',
      `${HEADER}\n${ROW_A}\n${ROW_B}\n${ROW_A}\n`,
    );
    expect(code).toBe(0);
    expect(summary).toMatchObject({
      status: 'completed',
      rows: 3,
      outcomes: { new: 2, duplicate: 1, rejected: 0 },
    });
    const keys = outcomes.slice(1).map((line) => line.split(',')[4]);
    expect(outcomes).toEqual([
      'row,line,form_id,outcome,person_key,codes,message',
      `1,2,,new,${keys[0]},,`,
      `2,3,,new,${keys[1]},,`,
      `3,4,,duplicate,${keys[0]},SAME_FORM,${SAME_FORM_ROW_1}`,
    ]);
    // opaque keys under a secret of this run alone, and the check says so
    expect(keys[0]).toMatch(/^p0:id:[\w-]{22}$/);
    expect(keys[1]).toMatch(/^p0:nk:[\w-]{22}$/);
    expect(outcomes.join('\n')).not.toContain('064090123456');
    expect(stderr).toMatch(/throwaway secret made for this run/);
    const again = await check('clean-again.csv', `${HEADER}\n${ROW_A}\n`);
    expect(again.outcomes[1]?.split(',')[4]).not.toBe(keys[0]);
  });

  it('seals keys as the register does when given its secret', async () => {
    const secret = join(dir, 'person-key.json');
    await writeFile(
      secret,
      JSON.stringify({ version: 3, secret: 'a secret of this test, 32 bytes or more' }),
    );
    const keyer = hmacKeyer('a secret of this test, 32 bytes or more', 3);
    const { outcomes, stderr } = await check('keyed.csv', `${HEADER}\n${ROW_A}\n`, ['--person-key', secret]);
    expect(outcomes[1]?.split(',')[4]).toBe(keyer.seal('id:064090123456'));
    expect(stderr).toContain(`sealed under ${secret}`);
  });

  it('exits 1 when a row is rejected, and says why', async () => {
    const bad = ROW_A.replace('064090123456', '064190123456');
    const { code, summary, outcomes } = await check('bad.csv', `${HEADER}\n${bad}\n${ROW_B}\n`);
    expect(code).toBe(1);
    expect(summary.errorsByCode).toEqual({ PERSONAL_ID_SEX_MISMATCH: 1 });
    expect(outcomes[1]).toMatch(/^1,2,,rejected,,PERSONAL_ID_SEX_MISMATCH,/);
  });

  it('counts warnings apart from errors, and gives each kind of issue 14 row its documented code', async () => {
    const header = `${HEADER},current_commune_code`;
    const rows = [
      // the ID opens with 064 (Gia Lai), the birth was registered in Hà Nội: accepted, warned
      'Nguyễn Văn An,1/2/1990,Nam,064090123456,"Phường Phúc Xá, Quận Ba Đình, Hà Nội",Bình Định,Kinh,VN,Pleiku,',
      // a curly apostrophe: accepted as written with a plain one, warned
      'Rơ Mah H’Nhi,1995-07-30,Nữ,,Gia Lai,Gia Lai,Gia Rai,VN,Ayun Pa,',
      // the same form with a plain apostrophe: the same person, a duplicate of row 2
      "Rơ Mah H'Nhi,1995-07-30,Nữ,,Gia Lai,Gia Lai,Gia Rai,VN,Ayun Pa,",
      // an alias in parentheses: rejected, pointing to other_name
      'Hà Ngọc Thi (Thy),2001-01-01,Nữ,,Gia Lai,Gia Lai,Kinh,VN,Pleiku,',
      // interim commune codes (Sơn La, Hải Phòng): accepted; 06978 (Quảng Ninh) is in no list: rejected
      'Lò Văn Minh,1988-07-02,Nam,014088123456,Sơn La,Sơn La,Thái,VN,Sơn La,03983',
      'Vũ Thị Hoa,1992-04-09,Nữ,031192123456,Hải Phòng,Hải Phòng,Kinh,VN,Hải Phòng,11344',
      'Phạm Văn Long,1985-12-01,Nam,022085123456,Quảng Ninh,Quảng Ninh,Kinh,VN,Hạ Long,06978',
    ];
    const { code, summary, outcomes } = await check('warnings.csv', `${header}\n${rows.join('\n')}\n`);
    expect(code).toBe(1);
    expect(summary.outcomes).toMatchObject({ new: 4, duplicate: 1, rejected: 2 });
    expect(summary.errorsByCode).toEqual({ NAME_HAS_ALIAS: 1, COMMUNE_CODE_UNKNOWN: 1 });
    expect(summary.warningsByCode).toEqual({ PERSONAL_ID_PLACE_MISMATCH: 1, NAME_APOSTROPHE_NORMALISED: 1 });
    const cells = outcomes.slice(1).map((line) => line.split(',').slice(0, 6).join(','));
    const key = (row: number) => outcomes[row]?.split(',')[4];
    expect(cells).toEqual([
      `1,2,,new,${key(1)},PERSONAL_ID_PLACE_MISMATCH`,
      `2,3,,new,${key(2)},NAME_APOSTROPHE_NORMALISED`,
      `3,4,,duplicate,${key(2)},SAME_FORM`,
      '4,5,,rejected,,NAME_HAS_ALIAS',
      `5,6,,new,${key(5)},`,
      `6,7,,new,${key(6)},`,
      '7,8,,rejected,,COMMUNE_CODE_UNKNOWN',
    ]);
    expect(outcomes[1]).toContain('064 ≠ Hà Nội');
    expect(outcomes[4]).toContain('Tên gọi khác');
  });

  it('exits 0 when rows are only warned', async () => {
    const warned = ROW_A.replace('Gia Lai', 'Hà Nội');
    const { code, summary } = await check('warned.csv', `${HEADER}\n${warned}\n${ROW_B}\n`);
    expect(code).toBe(0);
    expect(summary.errorsByCode).toEqual({});
    expect(summary.warningsByCode).toEqual({ PERSONAL_ID_PLACE_MISMATCH: 1 });
  });

  it("gives each row the file's line, and names fields by the file's own header labels", async () => {
    const header = HEADER.replace('hometown', 'Quê quán').replace('full_name', 'Họ và tên');
    const quoted = ROW_B.replace('Trần Thị Bình', '"Trần Thị\nBình"');
    const noHometown = ROW_A.replace('Bình Định', '');
    const { outcomes } = await check('labels.csv', `${header}\n${quoted}\n\n${noHometown}\n`);
    // row 1 spans lines 2-3, a blank line 4 is no row: row 2 is on line 5
    expect(outcomes[1]).toMatch(/^1,2,/);
    expect(outcomes[2]).toMatch(/^2,5,,rejected,,REQUIRED_FIELD_MISSING,/);
    expect(outcomes[2]).toContain('Required field is missing (Quê quán)');
  });

  it('flags an update and a conflict within the file', async () => {
    const moved = ROW_A.replace('Pleiku', 'An Khê');
    const other = ROW_A.replace('Nguyễn Văn An', 'Nguyễn Văn Bình');
    const { outcomes } = await check(
      'dupes.csv',
      `${HEADER}\n${ROW_A}\n${moved}\n${other}\n${ROW_A}\n${other}\n`,
    );
    // written by the check's second thread, in row order, with the register's codes
    const key = outcomes[1]?.split(',')[4];
    expect(outcomes.slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual([
      `1,2,,new,${key},`,
      `2,3,,updated,${key},FIELDS_UPDATED`,
      `3,4,,conflict,${key},IDENTITY_CONFLICT`,
      `4,5,,duplicate,${key},SAME_FORM`,
      `5,6,,duplicate,${key},SAME_CONFLICT`,
    ]);
    expect(outcomes[4]).toContain('(compared with row 1 of this file)');
    expect(outcomes[5]).toContain('(compared with row 3 of this file)');
  });

  it('exits 2 with a failed summary for a file that cannot be read, its message in both languages', async () => {
    const { code, summary, outcomes, stderr } = await check(
      'photo.csv',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
    );
    expect(code).toBe(2);
    const message =
      'Tệp không phải văn bản (có thể là tệp nhị phân) / File is not text (binary?): a PNG image';
    expect(summary).toMatchObject({ status: 'failed', rows: 0 });
    expect(summary.failure).toEqual({ code: 'BATCH_NOT_TEXT', message });
    expect(stderr).toContain(message);
    expect(outcomes).toEqual(['row,line,form_id,outcome,person_key,codes,message']);
    const utf16 = await check('unicode.csv', Buffer.from(`${HEADER}\n${ROW_A}\n`, 'utf16le'));
    expect(utf16.code).toBe(2);
    expect(utf16.summary.failure.code).toBe('BATCH_UTF16_WITHOUT_BOM');
    expect(utf16.summary.failure.message).toMatch(/BOM.* \/ The file is UTF-16 without a byte-order mark/);
  });

  it('rejects the row that holds a stray NUL and decides every other row', async () => {
    // the shape of the file that once failed whole: 23,600 rows, a NUL inside a field of row 60
    const rows = Array.from({ length: 23_600 }, (_, i) =>
      i === 59 ? ROW_A.replace('Pleiku', 'Plei\0ku') : i % 2 ? ROW_A : ROW_B,
    );
    const { code, summary, outcomes } = await check('nul.csv', `${HEADER}\n${rows.join('\n')}\n`);
    expect(code).toBe(1);
    expect(summary).toMatchObject({
      status: 'completed',
      rows: 23_600,
      outcomes: { new: 2, duplicate: 23_597, rejected: 1 },
      errorsByCode: { CONTROL_CHARACTER: 1 },
    });
    expect(outcomes[60]).toMatch(/^60,61,,rejected,,CONTROL_CHARACTER,.*\(current_address\)/);
  });

  it('exits 2 for a file that is not there, and leaves an earlier report as it was', async () => {
    const out = join(dir, 'kept-report');
    await runScript('local/check.ts', [join(dir, 'clean.csv'), '--out', out]);
    const before = await Promise.all(['summary.json', 'outcomes.csv'].map((f) => readFile(join(out, f))));
    const missing = await runScript('local/check.ts', [join(dir, 'missing.csv'), '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `Không đọc được tệp / The file could not be read: ${join(dir, 'missing.csv')}: không có tệp này / no such file`,
    );
    expect(missing.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const after = await Promise.all(['summary.json', 'outcomes.csv'].map((f) => readFile(join(out, f))));
    expect(after).toEqual(before);
    expect(await readdir(out)).toEqual(['outcomes.csv', 'summary.json']);
    const folder = await runScript('local/check.ts', [dir, '--out', out]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('a folder, not a file');
  });

  it('refuses an unsupported file name', async () => {
    const { code, summary } = await check('forms.xlsx', 'x');
    expect(code).toBe(2);
    expect(summary.failure.code).toBe('BATCH_UNSUPPORTED_FORMAT');
  });
});
