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

export const STATUS_KINDS = ['in-progress', 'needs-citizen', 'done', 'refused'] as const;
/**
 * What a status means to the citizen: the agency is working on it, the citizen must act, the result is there,
 * or the application ended without a result (refused at intake, withdrawn, stopped).
 */
export type StatusKind = (typeof STATUS_KINDS)[number];

/** Every status's kind, in this one place: a new status code fails typecheck until it is given one. */
export const STATUS_KIND: Record<StatusCode, StatusKind> = {
  1: 'in-progress',
  2: 'in-progress',
  3: 'refused',
  4: 'in-progress',
  5: 'needs-citizen',
  6: 'needs-citizen',
  7: 'refused',
  8: 'refused',
  9: 'done',
  10: 'done',
};

/**
 * Statuses after which the agency owes nothing more by the due date, so an application in one of them is
 * never overdue: those that ended with a result (done, result returned) or without one (refused, withdrawn,
 * stopped).
 */
export const FINAL_STATUSES: ReadonlySet<StatusCode> = new Set<StatusCode>(
  STATUS_CODES.filter((code) => STATUS_KIND[code] === 'done' || STATUS_KIND[code] === 'refused'),
);

/** Overdue: a due date in the past while the agency still owes the result. */
export function isOverdue(status: StatusCode, dueAt: string | undefined, now: Date): boolean {
  return dueAt !== undefined && !FINAL_STATUSES.has(status) && Date.parse(dueAt) < now.getTime();
}
