// The errors only the decisions function answers with (issue 19): corrections waiting for a second officer and
// conflicts waiting for a reviewer. Apart from API_CODES (errors.ts) so that the other functions, the agency one near
// its bundle's limit among them, do not bundle their messages. The OpenAPI document and docs/procedures.md list them
// with the rest.
import { messageTable } from '../domain/errors.ts';
import { type ApiCode, ApiError } from './errors.ts';

export const DECISION_CODES = messageTable({
  CORRECTION_ID_INVALID: {
    status: 400,
    vi: 'Mã sửa đổi không đúng định dạng ({mã lô}.{dòng} hoặc {mã lô}.{dòng}.{trường})',
    en: 'The correction id is malformed ({batchId}.{row} or {batchId}.{row}.{field})',
  },
  CORRECTION_BODY_INVALID: {
    status: 400,
    vi: 'Nội dung yêu cầu phải là {"decision": "approve"} hoặc {"decision": "reject"}',
    en: 'The body must be {"decision": "approve"} or {"decision": "reject"}',
  },
  CORRECTION_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy yêu cầu sửa thông tin chờ phê duyệt',
    en: 'No such correction waiting for approval',
  },
  CORRECTION_ALREADY_DECIDED: {
    status: 409,
    vi: 'Yêu cầu sửa này đã được quyết định',
    en: 'This correction was already decided',
  },
  CORRECTION_STALE: {
    status: 409,
    vi: 'Không áp dụng được: hồ sơ đã thay đổi từ khi gửi yêu cầu (giá trị cũ không còn) hoặc số định danh mới đã thuộc người khác; yêu cầu bị từ chối',
    en: 'Could not be applied: the record changed since it was submitted (the old value is gone) or the new ID is held by another person; the correction is rejected',
  },
  CORRECTION_SELF_APPROVAL: {
    status: 403,
    vi: 'Người gửi yêu cầu sửa không được tự phê duyệt; cần cán bộ thứ hai',
    en: 'The submitter of a correction cannot decide it; a second officer must',
  },
  CORRECTION_APPROVER_NOT_PERSON: {
    status: 403,
    vi: 'Chỉ cán bộ đăng nhập mới được phê duyệt sửa thông tin nhân thân, không phải hệ thống',
    en: 'Only a signed-in officer may decide an identity correction, never a system',
  },
  CONFLICT_ID_INVALID: {
    status: 400,
    vi: 'Mã xung đột không đúng định dạng ({mã lô}.{dòng})',
    en: 'The conflict id is malformed ({batchId}.{row})',
  },
  CONFLICT_BODY_INVALID: {
    status: 400,
    vi: 'Nội dung yêu cầu phải là {"decision": "keep"}, {"decision": "different"} hoặc {"decision": "take", "reason": …, "evidenceRef": …}',
    en: 'The body must be {"decision": "keep"}, {"decision": "different"} or {"decision": "take", "reason": …, "evidenceRef": …}',
  },
  CONFLICT_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy xung đột thông tin nhân thân',
    en: 'No such conflict',
  },
  CONFLICT_ALREADY_DECIDED: {
    status: 409,
    vi: 'Xung đột này đã được quyết định',
    en: 'This conflict was already decided',
  },
  CONFLICT_TAKER_NOT_PERSON: {
    status: 403,
    vi: 'Chỉ cán bộ đăng nhập mới được đề nghị lấy giá trị mới của thông tin nhân thân, không phải hệ thống',
    en: 'Only a signed-in officer may take the incoming identity values, never a system',
  },
  CONFLICT_PERSON_UNKNOWN: {
    status: 409,
    vi: 'Sổ đăng ký không còn giữ người mang số định danh này',
    en: 'The register no longer holds the person with this ID',
  },
  CONFLICT_APART_UNKNOWN: {
    status: 409,
    vi: 'Xung đột này được ghi trước khi có thể tách thành người khác; hãy gửi lại phiếu không kèm số định danh',
    en: 'This conflict was kept before it could be stored as another person; send the form again without the ID',
  },
}) satisfies Record<string, ApiCode>;
export type DecisionCodeName = keyof typeof DECISION_CODES;

/** An error of the decisions function's own. */
export class DecisionError extends ApiError<DecisionCodeName> {
  constructor(code: DecisionCodeName) {
    super(code, DECISION_CODES[code]);
  }
}
