// The workbook writer on its own: cells Excel cannot hold made safe, column names, and a workbook ExcelJS reads back.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { StoredZip } from '#batch/stored-zip.ts';
import { columnName, XlsxWriter, xmlText } from '#batch/xlsx.ts';

describe('xlsx cells', () => {
  it('escapes XML, shows characters XML cannot hold as U+FFFD, and keeps a literal _xHHHH_ literal', () => {
    expect(xmlText('a & <b> "c"')).toBe('a &amp; &lt;b&gt; &quot;c&quot;');
    expect(xmlText('Lê\u0000Văn\u001bBa\ud800')).toBe('Lê\ufffdVăn\ufffdBa\ufffd');
    expect(xmlText('tab\tand\nline')).toBe('tab\tand\nline');
    expect(xmlText('_x0041_')).toBe('_x005F_x0041_');
    expect(xmlText('x'.repeat(40_000))).toHaveLength(32_767);
  });

  it('names columns as Excel does', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });

  it('writes a workbook that ExcelJS reads back: sheets in the order asked, cells as given', async () => {
    const zip = new StoredZip();
    const xlsx = new XlsxWriter(zip);
    xlsx.startSheet('Cần xử lý', ['Dòng', 'Họ và tên', 'Ghi chú'], { table: true });
    xlsx.addRow([1, '=HYPERLINK("x")', 'Lê\u0007Ba & <Cô>']);
    xlsx.addRow([2, undefined, '']);
    xlsx.startSheet('Tóm tắt: a/b?', ['Mục', 'Giá trị']);
    xlsx.addRow(['Số dòng', 2]);
    xlsx.end([1, 0]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(zip.bytes() as unknown as ArrayBuffer);
    // a sheet's name loses what Excel forbids in one
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Tóm tắt  a b ', 'Cần xử lý']);
    const rows = workbook.getWorksheet('Cần xử lý');
    // a cell is text, never a formula, whatever it begins with
    expect(rows?.getCell('B2').value).toBe('=HYPERLINK("x")');
    expect(rows?.getCell('C2').value).toBe('Lê\ufffdBa & <Cô>');
    expect(rows?.getCell('B3').value).toBeNull();
    expect(rows?.autoFilter).toBe('A1:C3');
    expect(workbook.getWorksheet('Tóm tắt  a b ')?.getCell('B2').value).toBe(2);
  });
});
