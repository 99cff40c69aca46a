// `npm run reference` (local/reference.ts): the name a file is uploaded under, and the report as printed.
import { describe, expect, it } from 'vitest';
import { referenceName, reportLines } from '../../local/reference.ts';
import type { ReferenceReport } from '../../shared/ingest/reference-upload.ts';

describe('referenceName', () => {
  it('is --name, else the file’s name without .csv; none that would not be a reference upload', () => {
    expect(referenceName('/data/gialai-2026.csv')).toBe('gialai-2026');
    expect(referenceName('/data/gialai.CSV')).toBe('gialai');
    expect(referenceName('/data/x.csv', 'province-64')).toBe('province-64');
    expect(referenceName('/data/x.csv', 'a/b')).toBeUndefined();
    expect(referenceName('/data/x.csv', '')).toBeUndefined();
  });
});

describe('reportLines', () => {
  const base = {
    objectKey: 'reference/population/x.csv',
    uploadedAt: '2026-12-07T00:00:00.000Z',
    communes: 0,
    provinces: [],
    rejected: [],
    rejectedCount: 0,
    rejectedByCode: {},
  };

  it('says in both languages what was accepted, per province, and each refused row', () => {
    const report: ReferenceReport = {
      ...base,
      status: 'completed',
      asOf: '2020-11-01',
      vintage: 2020,
      communes: 220,
      provinces: [{ province: '64', communes: 220, permanent: 1568693, temporary: 3079 }],
      rejected: [{ row: 3, code: 'REFERENCE_COUNT_INVALID', message: 'vi / en' }],
      rejectedCount: 1,
      rejectedByCode: { REFERENCE_COUNT_INVALID: 1 },
    };
    expect(reportLines(report)).toEqual([
      'hoàn tất: nhận 220 xã, từ chối 1 dòng (ngày số liệu 2020-11-01, danh mục 2020)',
      'completed: 220 communes accepted, 1 rows refused (as of 2020-11-01, 2020 units)',
      '  tỉnh / province 64: 220 xã / communes, 1,568,693 thường trú / permanent, 3,079 tạm trú / temporary',
      '  dòng / row 3: REFERENCE_COUNT_INVALID: vi / en',
    ]);
  });

  it('says a failed file’s code and message, and that nothing was stored', () => {
    const report: ReferenceReport = {
      ...base,
      status: 'failed',
      failure: {
        code: 'REFERENCE_EMPTY',
        message: 'Tệp không có dòng số liệu nào / The file has no data row',
      },
    };
    expect(reportLines(report)).toEqual([
      'thất bại / failed: REFERENCE_EMPTY: Tệp không có dòng số liệu nào / The file has no data row',
      '  không lưu gì / nothing stored',
    ]);
  });
});
