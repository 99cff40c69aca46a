// The summary sheet of outcomes.xlsx, and the workbook's end: apart from the sheets of rows (outcomes-workbook.ts),
// so that a failed batch's workbook, which is this sheet alone, bundles none of what renders rows (the split's and the
// register's bundles are at the edge of their size budget).
import type { BatchSummary, Outcome } from './ledger.ts';
import type { XlsxCell, XlsxWriter } from './xlsx.ts';

export const SUMMARY_SHEET = 'Tóm tắt';
export const ROWS_SHEET = 'Cần xử lý';

const OUTCOME_VI: Record<Outcome, string> = {
  new: 'mới',
  duplicate: 'trùng',
  updated: 'cập nhật',
  conflict: 'xung đột',
  probable_duplicate: 'có thể trùng',
  rejected: 'bị từ chối',
  applied: 'đã sửa',
  pending_approval: 'chờ phê duyệt',
};

/**
 * The summary sheet, written last (its counts are known at the end) and shown first, then the workbook's end. `sheets`
 * sheets of rows were written before it.
 */
export function endWithSummary(
  xlsx: XlsxWriter,
  summary: BatchSummary,
  writtenAt: string,
  rows: {
    sheets: number;
    listed: number;
    describeCode?: ((code: string) => string | undefined) | undefined;
  } = {
    sheets: 0,
    listed: 0,
  },
): void {
  xlsx.startSheet(SUMMARY_SHEET, ['Mục / Item', 'Giá trị / Value', 'Ghi chú / Note'], {
    widths: [36, 40, 80],
  });
  const row = (item: string, value: XlsxCell, note?: string) => xlsx.addRow([item, value, note]);
  row('Lô / Batch', summary.batchId);
  row('Đơn vị / Agency', summary.agencyCode);
  row('Tệp / File', summary.objectKey);
  row('Trạng thái / Status', summary.status);
  if (summary.failure) row('Lỗi / Failure', summary.failure.code, summary.failure.message);
  row('Số dòng / Rows', summary.rows);
  for (const [outcome, count] of Object.entries(summary.outcomes))
    row(`Kết quả / Outcome: ${outcome}`, count, OUTCOME_VI[outcome as Outcome]);
  for (const [code, count] of Object.entries(summary.errorsByCode))
    row(`Mã / Code: ${code}`, count, rows.describeCode?.(code));
  // a summary written before issue 14 has none
  for (const [code, count] of Object.entries(summary.warningsByCode ?? {}))
    row(`Cảnh báo / Warning: ${code}`, count, rows.describeCode?.(code));
  if (summary.unknownColumns?.length)
    row('Cột không dùng / Columns ignored', summary.unknownColumns.join(', '));
  row(
    'Dòng cần xử lý / Rows to act on',
    rows.listed,
    rows.sheets > 0
      ? `Trang "${ROWS_SHEET}"; mọi dòng có trong outcomes.csv / every row is in outcomes.csv`
      : 'Không có / None',
  );
  row('Bắt đầu / Started', summary.startedAt);
  row('Kết thúc / Finished', summary.finishedAt);
  row('Viết lúc / Written at', writtenAt);
  xlsx.end([rows.sheets, ...Array.from({ length: rows.sheets }, (_, i) => i)]);
}
