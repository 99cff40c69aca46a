// The clerk's report end to end on the emulators (issue 21): outcomes.csv with a byte-order mark and each row's line
// in the file, messages that name fields by the file's own header labels, outcomes.xlsx with the rows to act on and
// their cells, and every batch's report kept under its id when the name is uploaded again.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '#batch/ledger.ts';
import { nameAlreadyUsed } from '../../local/name-used.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { batchKeys, objectKeys } from '../../shared/keys.ts';
import { Agency, quietLog, tempDir } from './harness.ts';

const AGENCY = 'CA-KBANG';
const NAME = 'ho-so.csv';
const HEADER = [
  'Họ và tên',
  'Ngày sinh',
  'Giới tính',
  'Số định danh cá nhân',
  'Nơi đăng ký khai sinh',
  'Quê quán',
  'Dân tộc',
  'Quốc tịch',
  'Nơi ở hiện tại',
  'Ghi chú',
];
const AN = ['Nguyễn Văn An', '1/2/1990', 'Nam', '064090123456', 'Gia Lai', 'Bình Định', 'Kinh', 'Việt Nam'];
const csvLine = (cells: string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c}"` : c)).join(',');
const FIRST = [
  csvLine(HEADER),
  // row 1 spans lines 2 and 3: its address is a quoted field with a line break
  csvLine([...AN, 'Tổ 1,\nPleiku', '']),
  // row 2, line 4: no hometown
  csvLine(['Trần Thị Bình', '1995-07-30', 'Nữ', '', 'Gia Lai', '', 'Gia Rai', 'VN', 'Ayun Pa', 'thiếu quê']),
  '',
  // row 3, line 6: another person under An's ID, a conflict
  csvLine([
    'Nguyễn Văn Bảy',
    '1/2/1990',
    'Nam',
    '064090123456',
    'Gia Lai',
    'Bình Định',
    'Kinh',
    'VN',
    'Pleiku',
    '',
  ]),
].join('\r\n');

let stack: LocalStack;
let agency: Agency;
let first: BatchSummary;

beforeAll(async () => {
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0 },
    extraEnv: { LINKAGE: 'off' },
    log: quietLog,
  });
  agency = new Agency(stack);
  const at = await agency.upload(objectKeys.upload(AGENCY, NAME), `\ufeff${FIRST}\r\n`);
  first = await agency.waitForSummary(AGENCY, NAME, at);
  // the summary is written before finalize marks the batch completed: a second upload of the name waits for that
  await agency.waitForCompleted(objectKeys.upload(AGENCY, NAME));
}, 120_000);
afterAll(async () => stack?.stop());

describe("the clerk's report", () => {
  it("outcomes.csv: a byte-order mark, each row's line in the file, fields named by the file's labels", async () => {
    expect(first).toMatchObject({
      status: 'completed',
      rows: 3,
      outcomes: { new: 1, conflict: 1, rejected: 1 },
    });
    const bytes = await agency.bytes(objectKeys.report(AGENCY, NAME, 'outcomes.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // papaparse, as a reader would use it, takes the mark away itself
    const lines = Papa.parse<Record<string, string>>(bytes.toString('utf8'), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(lines.map((l) => [l.row, l.line, l.outcome])).toEqual([
      ['1', '2', 'new'],
      ['2', '4', 'rejected'],
      ['3', '6', 'conflict'],
    ]);
    expect(lines[1]?.message).toContain('Thiếu thông tin bắt buộc / Required field is missing (Quê quán)');
    expect(lines[1]?.message).not.toContain('hometown');
  });

  it('outcomes.xlsx: the summary, then the rejected and conflicting rows with their cells as written', async () => {
    const workbook = new ExcelJS.Workbook();
    const bytes = await agency.bytes(objectKeys.report(AGENCY, NAME, 'outcomes.xlsx'));
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Tóm tắt', 'Cần xử lý']);
    const rows = workbook.getWorksheet('Cần xử lý');
    const values = (r: number) => ((rows?.getRow(r).values ?? []) as unknown[]).slice(1);
    expect(values(1).slice(2, 12)).toEqual(HEADER);
    expect(rows?.rowCount).toBe(3);
    expect(values(2)).toEqual([
      2,
      4,
      'Trần Thị Bình',
      '1995-07-30',
      'Nữ',
      undefined,
      'Gia Lai',
      undefined,
      'Gia Rai',
      'VN',
      'Ayun Pa',
      'thiếu quê',
      'rejected',
      'REQUIRED_FIELD_MISSING',
      'Thiếu thông tin bắt buộc (Quê quán)',
    ]);
    // an accepted row's cells are read again from the upload
    expect(values(3).slice(0, 4)).toEqual([3, 6, 'Nguyễn Văn Bảy', '1/2/1990']);
    expect(values(3)[12]).toBe('conflict');
    expect(rows?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(rows?.autoFilter).toBe('A1:O3');
  });

  it("keeps each batch's report under its id when the name is uploaded again, and upload says so", async () => {
    const note = await nameAlreadyUsed(agency.s3, agency.bucket, AGENCY, NAME);
    const kept = objectKeys.batchReportPrefix(AGENCY, NAME, first.batchId);
    expect(note).toContain(`Lưu ý: tên "${NAME}" đã được tải lên trước đây`);
    expect(note).toContain(`Note: the name "${NAME}" was uploaded before`);
    expect(note).toContain(kept);
    expect(await nameAlreadyUsed(agency.s3, agency.bucket, AGENCY, 'never-uploaded.csv')).toBeUndefined();

    const at = await agency.upload(
      objectKeys.upload(AGENCY, NAME),
      `${csvLine(HEADER)}\n${csvLine([...AN, 'Pleiku', ''])}\n`,
    );
    const second = await agency.waitForSummary(AGENCY, NAME, at, { notBatch: first.batchId });
    expect(second).toMatchObject({ status: 'completed', rows: 1 });
    // the name's path shows the newest; the earlier batch's report is still there, whole, under its id
    const earlier = JSON.parse(await agency.text(`${kept}summary.json`)) as BatchSummary;
    expect(earlier).toEqual(first);
    expect(await agency.outcomes(AGENCY, NAME, `${kept}outcomes.csv`)).toHaveLength(3);
    expect(await agency.outcomes(AGENCY, NAME)).toHaveLength(1);
    const own = JSON.parse(
      await agency.text(`${objectKeys.batchReportPrefix(AGENCY, NAME, second.batchId)}summary.json`),
    );
    expect(own).toEqual(second);
  });

  it('carries warnings from the split through the register to the report, counted apart from errors', async () => {
    const name = 'canh-bao.csv';
    const rows = [
      csvLine(HEADER),
      // the ID opens with 064 (Gia Lai), the birth was registered in Hà Nội: accepted, warned
      csvLine([
        'Lê Văn Cường',
        '1985-04-02',
        'Nam',
        '064085123457',
        'Quận Ba Đình, Hà Nội',
        'Gia Lai',
        'Kinh',
        'VN',
        'Pleiku',
        '',
      ]),
      // a curly apostrophe: stored with a plain one, warned; then the same form written plainly, a duplicate
      csvLine(['Rơ Mah H’Nhi', '2000-05-06', 'Nữ', '', 'Gia Lai', 'Gia Lai', 'Gia Rai', 'VN', 'Pleiku', '']),
      csvLine(["Rơ Mah H'Nhi", '2000-05-06', 'Nữ', '', 'Gia Lai', 'Gia Lai', 'Gia Rai', 'VN', 'Pleiku', '']),
      // an alias in parentheses: rejected by the split
      csvLine([
        'Hà Ngọc Thi (Thy)',
        '2001-01-01',
        'Nữ',
        '',
        'Gia Lai',
        'Gia Lai',
        'Kinh',
        'VN',
        'Pleiku',
        '',
      ]),
    ];
    const at = await agency.upload(objectKeys.upload(AGENCY, name), `${rows.join('\n')}\n`);
    const summary = await agency.waitForSummary(AGENCY, name, at);
    expect(summary).toMatchObject({
      status: 'completed',
      rows: 4,
      outcomes: { new: 2, duplicate: 1, rejected: 1 },
      errorsByCode: { NAME_HAS_ALIAS: 1 },
      warningsByCode: { PERSONAL_ID_PLACE_MISMATCH: 1, NAME_APOSTROPHE_NORMALISED: 1 },
    });
    const outcomes = await agency.outcomes(AGENCY, name);
    expect(outcomes.map(([row, , outcome, , codes]) => [row, outcome, codes])).toEqual([
      ['1', 'new', 'PERSONAL_ID_PLACE_MISMATCH'],
      ['2', 'new', 'NAME_APOSTROPHE_NORMALISED'],
      ['3', 'duplicate', 'SAME_FORM'],
      ['4', 'rejected', 'NAME_HAS_ALIAS'],
    ]);
    // one person under both spellings
    expect(outcomes[2]?.[3]).toBe(outcomes[1]?.[3]);
    const csv = await agency.text(objectKeys.report(AGENCY, name, 'outcomes.csv'));
    expect(csv).toContain('064 ≠ Hà Nội');
    expect(csv).toContain('(Họ và tên)');
    // and the batch item (GET /batches/{batchId}) holds the same counts
    // the batch's own item: worklist lines of the batch (issue 25) carry its id too
    const { pk, sk } = batchKeys.batch(summary.batchId);
    const item = (await agency.scan('batches')).find((b) => b.pk === pk && b.sk === sk);
    expect(item).toMatchObject({
      errorsByCode: summary.errorsByCode,
      warningsByCode: summary.warningsByCode,
    });
  });
});
