import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { formatOfName } from '#batch/read-batch.ts';
import { chunked, failureCode, HEADER, ROW_A, ROW_B, readRows } from './helpers.ts';

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] ?? 0, le[i] ?? 0];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};

describe('formatOfName', () => {
  it('knows .csv, .ndjson, .jsonl and their .gz', () => {
    expect(formatOfName('a.csv')).toBe('csv');
    expect(formatOfName('a.CSV.gz')).toBe('csv');
    expect(formatOfName('a.jsonl')).toBe('ndjson');
    expect(formatOfName('a.ndjson.gz')).toBe('ndjson');
    expect(formatOfName('a.xlsx')).toBeUndefined();
  });
});

describe('CSV reader', () => {
  it('yields rows with 1-based data row numbers and values by field', async () => {
    const { rows } = await readRows(`${HEADER}\n${ROW_A}\n${ROW_B}\n`);
    expect(rows.map((r) => r.row)).toEqual([1, 2]);
    expect(rows[0]?.values).toMatchObject({ full_name: 'Nguyễn Văn An', personal_id: '064090123456' });
    expect(rows[1]?.values?.personal_id).toBe('');
  });

  it('strips a UTF-8 BOM', async () => {
    const { rows, encoding } = await readRows(`\ufeff${HEADER}\r\n${ROW_A}\r\n`);
    expect(encoding).toBe('utf-8');
    expect(rows[0]?.values?.full_name).toBe('Nguyễn Văn An');
  });

  it('reads an Excel "Unicode text" export: UTF-16 LE, tab-delimited, CRLF', async () => {
    const text = [HEADER, ROW_A, ROW_B].map((l) => l.replaceAll(',', '\t')).join('\r\n');
    const { rows, encoding, delimiter } = await readRows(utf16le(`${text}\r\n`));
    expect([encoding, delimiter]).toEqual(['utf-16le', '\t']);
    expect(rows.map((r) => r.values?.full_name)).toEqual(['Nguyễn Văn An', 'Trần Thị Bình']);
    expect(rows[1]?.values?.current_address).toBe('Ayun Pa');
  });

  it('reads UTF-16 BE with a BOM', async () => {
    const { rows, encoding } = await readRows(utf16be(`${HEADER}\n${ROW_A}\n`));
    expect(encoding).toBe('utf-16be');
    expect(rows[0]?.values?.ethnicity).toBe('Kinh');
  });

  it('reads a semicolon CSV from a Vietnamese-locale Excel with Vietnamese headers in another order', async () => {
    const header =
      'Quốc tịch;Họ, chữ đệm và tên khai sinh;Ngày, tháng, năm sinh;Giới tính;Nơi đăng ký khai sinh;Quê quán;Dân tộc;Nơi ở hiện tại;Ghi chú';
    const row = 'Việt Nam;"Lê Thị Hồng";12/12/1988;Nữ;Gia Lai;Gia Lai;Kinh;"Pleiku; Gia Lai";x';
    const { rows, delimiter, unknownColumns } = await readRows(`${header}\n${row}\n`);
    expect(delimiter).toBe(';');
    expect(rows[0]?.values).toMatchObject({
      nationality: 'Việt Nam',
      full_name: 'Lê Thị Hồng',
      date_of_birth: '12/12/1988',
      current_address: 'Pleiku; Gia Lai',
    });
    expect(unknownColumns).toEqual(['Ghi chú']);
  });

  it('skips blank lines and rows of empty cells without counting them', async () => {
    const { rows } = await readRows(`\n${HEADER}\n\n${ROW_A}\n  \n,,,,,,,,\n\r\n${ROW_B}\n\n`);
    expect(rows.map((r) => [r.row, r.values?.full_name])).toEqual([
      [1, 'Nguyễn Văn An'],
      [2, 'Trần Thị Bình'],
    ]);
  });

  it('honours RFC 4180 quoting: delimiters, escaped quotes and line breaks inside a field', async () => {
    const row = '"Nguyễn Văn ""Út"" An",1/2/1990,Nam,,Gia Lai,"Gia Lai, Việt Nam",Kinh,VN,"Tổ 1\r\nPleiku"';
    const { rows } = await readRows(`${HEADER}\n${row}\n${ROW_B}\n`);
    expect(rows[0]?.values).toMatchObject({
      full_name: 'Nguyễn Văn "Út" An',
      hometown: 'Gia Lai, Việt Nam',
      current_address: 'Tổ 1\r\nPleiku',
    });
    expect(rows[1]?.row).toBe(2);
  });

  it('reads a 100 kB field', async () => {
    const long = 'Thôn '.repeat(20_000);
    const { rows } = await readRows(`${HEADER}\n${ROW_A.replace('Pleiku', `"${long}"`)}\n${ROW_B}\n`, 'csv', {
      chunkSize: 4096,
    });
    expect(rows[0]?.values?.current_address).toBe(long);
    expect(rows).toHaveLength(2);
  });

  it('rejects a row with a stray quote and goes on with the next rows', async () => {
    const bad = 'Nguyễn "Văn An,1/2/1990,Nam,,Gia Lai,Gia Lai,Kinh,VN,Pleiku';
    const { rows } = await readRows(`${HEADER}\n${ROW_A}\n${bad}\n${ROW_B}\n${ROW_A}\n`);
    expect(rows.map((r) => [r.row, r.issues.map((i) => i.code)[0] ?? r.values?.full_name])).toEqual([
      [1, 'Nguyễn Văn An'],
      [2, 'ROW_MALFORMED_QUOTES'],
      [3, 'Trần Thị Bình'],
      [4, 'Nguyễn Văn An'],
    ]);
  });

  it('rejects junk after a closing quote', async () => {
    const { rows } = await readRows(`${HEADER}\n"An"x,1/2/1990,Nam,,a,b,Kinh,VN,c\n${ROW_B}\n`);
    expect(rows[0]?.issues.map((i) => i.code)).toEqual(['ROW_MALFORMED_QUOTES']);
    expect(rows[1]?.values?.full_name).toBe('Trần Thị Bình');
  });

  it('rejects a quote that never closes at the end of the file, keeping earlier rows', async () => {
    const { rows } = await readRows(`${HEADER}\n${ROW_A}\n"unclosed,1/2/1990`);
    expect(rows.map((r) => r.issues[0]?.code)).toEqual([undefined, 'ROW_MALFORMED_QUOTES']);
  });

  it('rejects rows with too few or too many columns, tolerating empty trailing cells', async () => {
    const { rows } = await readRows(`${HEADER}\n${ROW_A},,\n${ROW_A},extra\nNguyễn Văn An,1/2/1990\n`);
    expect(rows.map((r) => r.issues[0]?.code)).toEqual([undefined, 'ROW_COLUMN_COUNT', 'ROW_COLUMN_COUNT']);
  });

  it('rejects a row longer than the limit and resumes at the next line', async () => {
    const huge = ROW_A.replace('Pleiku', 'x'.repeat(5000));
    const { rows } = await readRows(`${HEADER}\n${huge}\n${ROW_B}\n`, 'csv', { maxRecordBytes: 1024 });
    expect(rows.map((r) => r.issues[0]?.code ?? r.values?.full_name)).toEqual([
      'ROW_TOO_LARGE',
      'Trần Thị Bình',
    ]);
  });

  it('keeps undecodable bytes (Windows-1252, TCVN3) visible as U+FFFD for the rules to reject', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${HEADER}\n`),
      Buffer.from(`${ROW_B.replace('Bình', 'B\xecnh')}\n`, 'latin1'),
    ]);
    const { rows } = await readRows(latin1);
    expect(rows[0]?.values?.full_name).toContain('\ufffd');
  });

  it('leaves a stray NUL to its row, and looks at only the first 8 KiB to tell text from binary', async () => {
    const rows = Array.from({ length: 400 }, (_, i) =>
      i === 59 ? ROW_A.replace('Pleiku', 'Plei\0ku') : ROW_B,
    );
    // NULs after the first 8 KiB, however many, are rows' problems too
    rows.push(...Array.from({ length: 20 }, () => ROW_B.replace('Ayun Pa', '\0\0\0\0\0\0\0\0\0\0')));
    const { rows: read } = await readRows(`${HEADER}\n${rows.join('\n')}\n`, 'csv', { chunkSize: 1 << 17 });
    expect(read).toHaveLength(420);
    expect(read[59]?.values?.current_address).toBe('Plei\0ku');
    expect(read[59]?.clean).toBe(false);
    expect(read[419]?.values?.current_address).toBe('\0'.repeat(10));
  });

  it('gives the byte offset just past each row', async () => {
    const text = `${HEADER}\n${ROW_A}\r\n${ROW_B}\n`;
    const { rows } = await readRows(text);
    const bytes = Buffer.from(text);
    expect(rows.at(-1)?.endOffset).toBe(bytes.length);
    expect(rows[0]?.endOffset).toBe(Buffer.byteLength(`${HEADER}\n${ROW_A}\r\n`));
  });

  it('reads gzip', async () => {
    const { rows } = await readRows(gzipSync(Buffer.from(`\ufeff${HEADER}\n${ROW_A}\n`)));
    expect(rows[0]?.values?.full_name).toBe('Nguyễn Văn An');
  });
});

describe('CSV files that fail as a whole', () => {
  it('a binary file renamed .csv', async () => {
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    ]);
    expect(await failureCode(png)).toBe('BATCH_NOT_TEXT');
  });

  it('UTF-16 without a BOM is not guessed at, and says so', async () => {
    const text = `${HEADER}\n${ROW_A}\n${ROW_B}\n`;
    expect(await failureCode(Buffer.from(text, 'utf16le'))).toBe('BATCH_UTF16_WITHOUT_BOM');
    expect(await failureCode(utf16be(text).subarray(2))).toBe('BATCH_UTF16_WITHOUT_BOM');
    expect(await failureCode(gzipSync(Buffer.from(text, 'utf16le')))).toBe('BATCH_UTF16_WITHOUT_BOM');
  });

  it('a workbook, a zip or a binary without a known signature', async () => {
    const xlsx = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0]),
      Buffer.alloc(40, 1),
    ]);
    expect(await failureCode(xlsx)).toBe('BATCH_NOT_TEXT');
    // bytes of a compressed stream: NULs and control bytes all through it
    const noise = Buffer.from(Array.from({ length: 9000 }, (_, i) => (i * 7919 + (i >> 3) * 31) & 0xff));
    expect(await failureCode(noise)).toBe('BATCH_NOT_TEXT');
  });

  it('an empty file, or one of blank lines', async () => {
    expect(await failureCode('')).toBe('BATCH_NO_HEADER');
    expect(await failureCode('\n\n  \n')).toBe('BATCH_NO_HEADER');
  });

  it('a file whose first line is data, not a header', async () => {
    expect(await failureCode(`${ROW_A}\n${ROW_B}\n`)).toBe('BATCH_NO_HEADER');
  });

  it('a header that lacks required columns', async () => {
    expect(await failureCode('full_name,sex\nAn,Nam\n')).toBe('BATCH_MISSING_COLUMNS');
  });

  it('a header that names a column twice', async () => {
    expect(await failureCode(`${HEADER},Họ và tên\n`)).toBe('BATCH_DUPLICATE_COLUMN');
  });

  it('corrupt gzip', async () => {
    const gz = gzipSync(Buffer.from(`${HEADER}\n${ROW_A}\n`.repeat(50)));
    expect(await failureCode(gz.subarray(0, gz.length - 30))).toBe('BATCH_GZIP_CORRUPT');
  });

  it('a header alone is a completed batch of no rows', async () => {
    expect((await readRows(`${HEADER}\n`)).rows).toEqual([]);
  });
});

describe('NDJSON reader', () => {
  const a = JSON.stringify({
    full_name: 'Nguyễn Văn An',
    date_of_birth: '1990-02-01',
    ethnicity: 1,
    note: 'x',
  });
  it('yields one row per non-blank line, numbers as text, unknown keys reported once', async () => {
    const { rows, unknownColumns } = await readRows(`${a}\n\n${a}\r\n`, 'ndjson');
    expect(rows.map((r) => r.row)).toEqual([1, 2]);
    expect(rows[0]?.values).toEqual({
      full_name: 'Nguyễn Văn An',
      date_of_birth: '1990-02-01',
      ethnicity: '1',
    });
    expect(unknownColumns).toEqual(['note']);
  });

  it('rejects invalid JSON, non-objects and nested values row by row', async () => {
    const lines = [
      a,
      '{"full_name": "An"',
      '[1,2]',
      '"text"',
      JSON.stringify({ full_name: { first: 'An' } }),
      a,
    ];
    const { rows } = await readRows(`${lines.join('\n')}\n`, 'ndjson');
    expect(rows.map((r) => r.issues[0]?.code)).toEqual([
      undefined,
      'ROW_INVALID_JSON',
      'ROW_NOT_OBJECT',
      'ROW_NOT_OBJECT',
      'FIELD_TYPE_INVALID',
      undefined,
    ]);
  });

  it('reads gzip and a BOM', async () => {
    const { rows } = await readRows(gzipSync(Buffer.from(`\ufeff${a}\n`)), 'ndjson');
    expect(rows[0]?.values?.full_name).toBe('Nguyễn Văn An');
  });
});

describe('resuming a read mid-file', () => {
  it('a ranged read from a row end gives the rest of the rows, numbered and offset as in one read', async () => {
    const text = `\ufeff${HEADER}\r\n${ROW_A}\n"${ROW_B.replace(',', '",')}\n\n${ROW_A}\n${ROW_B}\n`;
    const whole = await readRows(text);
    const cut = whole.rows[1];
    if (!cut) throw new Error('expected rows');
    const bytes = Buffer.from(text);
    const bomBytes = 3;
    const rest = bytes.subarray(bomBytes + cut.endOffset);
    const { openBatch } = await import('#batch/read-batch.ts');
    const resumed = await openBatch(chunked(rest, 5), 'csv', {
      resumeAt: {
        row: cut.row,
        offset: cut.endOffset,
        line: cut.endLine,
        headerCells: HEADER.split(','),
        delimiter: ',',
      },
    });
    const rows = [];
    for await (const page of resumed.pages) rows.push(...page);
    expect(rows).toEqual(whole.rows.slice(2));
  });

  it('NDJSON too', async () => {
    const line = JSON.stringify({ full_name: 'Lê Văn Ba' });
    const text = `${line}\n${line}\n\n${line}\n`;
    const whole = await readRows(text, 'ndjson');
    const cut = whole.rows[0];
    if (!cut) throw new Error('expected rows');
    const { openBatch } = await import('#batch/read-batch.ts');
    const resumed = await openBatch(chunked(Buffer.from(text).subarray(cut.endOffset)), 'ndjson', {
      resumeAt: { row: cut.row, offset: cut.endOffset, line: cut.endLine },
    });
    const rows = [];
    for await (const page of resumed.pages) rows.push(...page);
    expect(rows).toEqual(whole.rows.slice(1));
  });
});

describe('line numbers', () => {
  it("give each row the file's line of its first line: header 1, quoted fields over lines, blank lines", async () => {
    const multi = ROW_B.replace('Trần Thị Bình', '"Trần Thị\nBình"');
    const text = `${HEADER}\r\n${ROW_A}\n\n${multi}\n"unclosed,${ROW_A}\n${ROW_B}\n${ROW_A}`;
    for (const chunkSize of [3, 17, 4096]) {
      const { rows } = await readRows(text, 'csv', { chunkSize });
      expect(rows.map((r) => [r.row, r.line])).toEqual([
        [1, 2],
        [2, 4],
        [3, 6],
        [4, 7],
        [5, 8],
      ]);
      expect(rows[1]?.endLine).toBe(6);
    }
  });

  it('count a row too large to keep, and NDJSON lines', async () => {
    const huge = ROW_A.replace('Pleiku', 'x'.repeat(5000));
    const { rows } = await readRows(`${HEADER}\n${huge}\n${ROW_B}\n`, 'csv', {
      maxRecordBytes: 1024,
      chunkSize: 100,
    });
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
    const json = JSON.stringify({ full_name: 'Lê Văn Ba' });
    const ndjson = await readRows(`${json}\n\n${json}\n`, 'ndjson');
    expect(ndjson.rows.map((r) => r.line)).toEqual([1, 3]);
  });

  it('keep the cells as the file holds them, for the report', async () => {
    const { rows } = await readRows(`${HEADER}\n${ROW_A}\n`);
    expect(rows[0]?.cells).toEqual(ROW_A.split(','));
  });
});

describe('rows too large to keep', () => {
  it('are reported where they end, so offsets stay on row boundaries, in whatever chunks they come', async () => {
    const huge = ROW_A.replace('Pleiku', 'x'.repeat(5000));
    const text = `${HEADER}\n${ROW_A}\n${huge}\n${ROW_B}\n${huge}`;
    for (const chunkSize of [7, 100, 4096, 100_000]) {
      const { rows } = await readRows(text, 'csv', { maxRecordBytes: 1024, chunkSize });
      expect(rows.map((r) => r.issues[0]?.code ?? r.values?.full_name)).toEqual([
        'Nguyễn Văn An',
        'ROW_TOO_LARGE',
        'Trần Thị Bình',
        'ROW_TOO_LARGE',
      ]);
      const boundary = Buffer.byteLength(`${HEADER}\n${ROW_A}\n${huge}\n`);
      expect(rows[1]?.endOffset).toBe(boundary);
      expect(rows[3]?.endOffset).toBe(Buffer.byteLength(text));
    }
  });
});
