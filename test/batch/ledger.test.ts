import { describe, expect, it } from 'vitest';
import {
  batchFailure,
  buildSummary,
  csvCell,
  LedgerTally,
  needsAction,
  OUTCOMES_CSV_HEADER,
  OUTCOMES_CSV_START,
  outcomeCsvLine,
  outcomeMessage,
  REVIEW_CSV_HEADER,
  type RowOutcome,
  reviewCsvLine,
} from '#batch/ledger.ts';
import { fieldLabels } from '#domain/fields.ts';

describe('csvCell', () => {
  it('neutralises cells a spreadsheet would execute', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+84')).toBe("'+84");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
  });

  it('quotes cells with delimiters, quotes or line breaks and leaves others alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a "b"')).toBe('"a ""b"""');
    expect(csvCell('DC01-64-1')).toBe('DC01-64-1');
  });
});

describe('outcomes.csv lines', () => {
  it('has the contract header', () => {
    expect(OUTCOMES_CSV_HEADER).toBe('row,line,form_id,outcome,person_key,codes,message');
    // Excel on Windows reads a CSV with no byte-order mark in the ANSI code page
    expect(OUTCOMES_CSV_START).toBe(`\ufeff${OUTCOMES_CSV_HEADER}\n`);
  });

  it('writes an accepted row, with the line the row starts on in the file', () => {
    expect(
      outcomeCsvLine({
        row: 3,
        line: 5,
        formId: 'F-1',
        outcome: 'new',
        personKey: 'id:064190123456',
        issues: [],
      }),
    ).toBe('3,5,F-1,new,id:064190123456,,');
    // a row from a work file written before lines were counted: no line rather than a wrong one
    expect(outcomeCsvLine({ row: 3, outcome: 'new', personKey: 'k', issues: [] })).toBe('3,,,new,k,,');
    expect(
      outcomeCsvLine({
        row: 4,
        line: Number.NaN,
        formId: '=1+1',
        outcome: 'new',
        personKey: 'k',
        issues: [],
      }),
    ).toBe("4,,'=1+1,new,k,,");
  });

  it("names a field by the label the file's header used, else by its English id", () => {
    const outcome = {
      row: 1,
      outcome: 'rejected' as const,
      issues: [
        { code: 'REQUIRED_FIELD_MISSING' as const, field: 'hometown' },
        { code: 'SEX_INVALID' as const, field: 'sex' },
      ],
    };
    const labels = fieldLabels(['Họ và tên', 'Quê quán', 'sex']);
    const line = outcomeCsvLine(outcome, labels);
    expect(line).toContain('Thiếu thông tin bắt buộc / Required field is missing (Quê quán)');
    expect(line).toContain('(sex)');
    expect(line).not.toContain('(hometown)');
    expect(outcomeMessage(outcome, labels, 'vi')).toBe(
      'Thiếu thông tin bắt buộc (Quê quán); Giới tính phải là Nam hoặc Nữ (sex)',
    );
  });

  it('writes a rejected row with every code and a bilingual message', () => {
    const line = outcomeCsvLine({
      row: 7,
      formId: '=cmd',
      outcome: 'rejected',
      issues: [
        { code: 'SEX_INVALID', field: 'sex' },
        { code: 'PHONE_INVALID', field: 'phone' },
      ],
    });
    expect(line.startsWith("7,,'=cmd,rejected,,SEX_INVALID;PHONE_INVALID,")).toBe(true);
    expect(line).toContain('Giới tính phải là Nam hoặc Nữ / Sex must be Nam (male) or Nữ (female) (sex)');
  });
});

describe('summary', () => {
  const times = { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:05.000Z' };
  const base = { batchId: 'b1', agencyCode: 'CAH-PLEIKU', objectKey: 'incoming/CAH-PLEIKU/a.csv', ...times };

  it('counts outcomes and error codes', () => {
    const tally = new LedgerTally();
    tally.add({ row: 1, outcome: 'new', issues: [] });
    tally.add({ row: 2, outcome: 'rejected', issues: [{ code: 'SEX_INVALID' }, { code: 'DATE_INVALID' }] });
    tally.add({ row: 3, outcome: 'rejected', issues: [{ code: 'SEX_INVALID' }] });
    tally.add({ row: 4, outcome: 'duplicate', issues: [] });
    expect(buildSummary({ ...base, tally })).toEqual({
      ...base,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:05.000Z',
      status: 'completed',
      rows: 4,
      outcomes: { new: 1, duplicate: 1, updated: 0, conflict: 0, probable_duplicate: 0, rejected: 2 },
      errorsByCode: { SEX_INVALID: 2, DATE_INVALID: 1 },
      warningsByCode: {},
    });
  });

  it('counts warnings on accepted rows in warningsByCode, never as errors', () => {
    const tally = new LedgerTally();
    const warned = {
      code: 'PERSONAL_ID_PLACE_MISMATCH',
      field: 'personal_id',
      detail: '064 ≠ Bình Định',
    } as const;
    tally.add({ row: 1, outcome: 'new', issues: [warned] });
    tally.add({
      row: 2,
      outcome: 'duplicate',
      issues: [{ code: 'SAME_FORM', against: { row: 1 } }, warned, { code: 'NAME_APOSTROPHE_NORMALISED' }],
    });
    tally.add({ row: 3, outcome: 'rejected', issues: [{ code: 'NAME_HAS_ALIAS', field: 'full_name' }] });
    const summary = buildSummary({ ...base, tally });
    expect(summary.errorsByCode).toEqual({ NAME_HAS_ALIAS: 1 });
    expect(summary.warningsByCode).toEqual({ PERSONAL_ID_PLACE_MISMATCH: 2, NAME_APOSTROPHE_NORMALISED: 1 });
    expect(buildSummary({ ...base, tally, failure: batchFailure('BATCH_NOT_TEXT') }).warningsByCode).toEqual(
      {},
    );
  });

  it('shows a warning in codes and message, after the outcome code, and lists the row for a clerk', () => {
    const outcome = {
      row: 2,
      line: 3,
      outcome: 'duplicate',
      personKey: 'nk:a',
      issues: [
        { code: 'SAME_FORM', against: { row: 1 } },
        { code: 'NAME_APOSTROPHE_NORMALISED', field: 'full_name' },
      ],
    } as const satisfies RowOutcome;
    const line = outcomeCsvLine(outcome, new Map([['full_name', 'Họ và tên']]));
    expect(line).toMatch(/^2,3,,duplicate,nk:a,SAME_FORM;NAME_APOSTROPHE_NORMALISED,/);
    expect(line).toContain("Dấu nháy trong tên đã được đổi thành dấu nháy thẳng (')");
    expect(line).toMatch(/plain one \('\) \(Họ và tên\)$/);
    expect(needsAction(outcome)).toBe(true);
  });

  it('describes a failed batch with its code and no rows', () => {
    const tally = new LedgerTally();
    tally.add({ row: 1, outcome: 'new', issues: [] });
    const summary = buildSummary({ ...base, tally, failure: batchFailure('BATCH_NOT_TEXT') });
    expect(summary.status).toBe('failed');
    expect(summary.rows).toBe(0);
    expect(summary.failure?.code).toBe('BATCH_NOT_TEXT');
    expect(summary.failure?.message).toContain('File is not text');
  });
});

describe('rows placed by record linkage', () => {
  it('says in the message which person a row joined, with the score, in both languages', () => {
    const line = outcomeCsvLine({
      row: 4,
      outcome: 'updated',
      personKey: 'nk:held',
      issues: [],
      link: { personKey: 'nk:held', score: 17.26 },
    });
    expect(line).toBe(
      '4,,,updated,nk:held,,Đã ghép vào người nk:held theo so khớp hồ sơ (17.3) / Joined person nk:held by record linkage (score 17.3 bits)',
    );
  });

  it('writes a probable duplicate to review.csv, both records side by side, and nothing else', () => {
    const outcome = {
      row: 9,
      formId: 'F9',
      outcome: 'probable_duplicate' as const,
      personKey: 'nk:twin',
      issues: [],
      link: {
        personKey: 'nk:held',
        score: 27.67,
        review: {
          id: 'b.9',
          reasons: ['dateOfBirth exact +8.6', 'fullName givenTypo +2.8'],
          fields: [
            { field: 'fullName', incoming: 'Nguyễn Văn Hưng', held: '=Nguyễn Văn Hùng', level: 'givenTypo' },
          ],
        },
      },
    };
    expect(outcomeCsvLine(outcome)).toContain('Probable duplicate of person nk:held (score 27.7 bits)');
    const line = reviewCsvLine(outcome) ?? '';
    expect(line.split(',')).toHaveLength(REVIEW_CSV_HEADER.split(',').length);
    expect(
      line.startsWith("b.9,9,F9,nk:twin,nk:held,27.67,Nguyễn Văn Hưng,'=Nguyễn Văn Hùng,givenTypo,"),
    ).toBe(true);
    expect(line.endsWith('dateOfBirth exact +8.6; fullName givenTypo +2.8')).toBe(true);
    expect(reviewCsvLine({ row: 1, outcome: 'new', issues: [] })).toBeUndefined();
  });
});
