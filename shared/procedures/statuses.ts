// The national portal's application status codes 1–10 (docs/procedures.md, "Statuses"), with what a citizen reads.
import type { Message } from '../domain/errors.ts';

export const STATUS_CODES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export const STATUS_LABELS: Record<StatusCode, Message> = {
  1: { vi: 'Mới đăng ký', en: 'Submitted' },
  2: { vi: 'Được tiếp nhận', en: 'Accepted' },
  3: { vi: 'Không được tiếp nhận', en: 'Refused' },
  4: { vi: 'Đang xử lý', en: 'Processing' },
  5: { vi: 'Yêu cầu bổ sung giấy tờ', en: 'Supplement requested' },
  6: { vi: 'Yêu cầu thực hiện nghĩa vụ tài chính', en: 'Fees due' },
  7: { vi: 'Công dân yêu cầu rút hồ sơ', en: 'Withdrawn' },
  8: { vi: 'Dừng xử lý', en: 'Stopped' },
  9: { vi: 'Đã xử lý xong', en: 'Done' },
  10: { vi: 'Đã trả kết quả', en: 'Result returned' },
};

/**
 * Statuses after which the agency owes nothing more by the due date, so an application in one of them is
 * never overdue: refused, withdrawn, stopped, done (the result waits at the desk), result returned.
 */
export const FINAL_STATUSES: ReadonlySet<StatusCode> = new Set<StatusCode>([3, 7, 8, 9, 10]);

/** Overdue: a due date in the past while the agency still owes the result. */
export function isOverdue(status: StatusCode, dueAt: string | undefined, now: Date): boolean {
  return dueAt !== undefined && !FINAL_STATUSES.has(status) && Date.parse(dueAt) < now.getTime();
}
