// Every error the HTTP API answers with: a stable code, the HTTP status, and a message in Vietnamese and English.
import { CodedError, JURISDICTION_CODES, type Message, messageTable } from '../domain/errors.ts';

export interface ApiCode extends Message {
  status: number;
}

export const API_CODES = messageTable({
  // who may do what where (shared/domain/jurisdiction.ts); an unknown unit is not found, the rest forbidden
  ROLE_MISSING: { status: 403, ...JURISDICTION_CODES.ROLE_MISSING },
  PLATFORM_ROLE_OUTSIDE_PLATFORM: { status: 403, ...JURISDICTION_CODES.PLATFORM_ROLE_OUTSIDE_PLATFORM },
  PLATFORM_NO_PERSONAL_DATA: { status: 403, ...JURISDICTION_CODES.PLATFORM_NO_PERSONAL_DATA },
  AGENCY_UNIT_UNKNOWN: { status: 403, ...JURISDICTION_CODES.AGENCY_UNIT_UNKNOWN },
  UNIT_UNKNOWN: { status: 404, ...JURISDICTION_CODES.UNIT_UNKNOWN },
  OUTSIDE_JURISDICTION: { status: 403, ...JURISDICTION_CODES.OUTSIDE_JURISDICTION },
  UNIT_NOT_WHOLLY_HELD: { status: 403, ...JURISDICTION_CODES.UNIT_NOT_WHOLLY_HELD },
  APPLICATION_CODE_INVALID: {
    status: 400,
    vi: 'Mã hồ sơ không đúng định dạng (ví dụ: 000.00.12.H21-250115-0001)',
    en: 'The application code is malformed (for example 000.00.12.H21-250115-0001)',
  },
  APPLICATION_BIRTH_YEAR_INVALID: {
    status: 400,
    vi: 'Năm sinh không đúng định dạng (bốn chữ số, ví dụ: 1990)',
    en: 'The birth year is malformed (four digits, for example 1990)',
  },
  APPLICATION_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy hồ sơ với mã và năm sinh này',
    en: 'No application has this code and birth year',
  },
  BATCH_ID_INVALID: {
    status: 400,
    vi: 'Mã lô không đúng định dạng',
    en: 'The batch id is malformed',
  },
  BATCH_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy lô dữ liệu',
    en: 'No such batch',
  },
  AGENCY_CODE_INVALID: {
    status: 400,
    vi: 'Thiếu hoặc sai mã cơ quan (tham số agency)',
    en: 'The agency parameter is missing or malformed',
  },
  QUERY_INVALID: {
    status: 400,
    vi: 'Tham số truy vấn không hợp lệ (limit 1–100, nextToken)',
    en: 'A query parameter is invalid (limit 1–100, nextToken)',
  },
  AGENCY_FORBIDDEN: {
    status: 403,
    vi: 'Cơ quan chỉ được xem các lô của chính mình',
    en: 'An agency may see only its own batches',
  },
  CALLER_NOT_AGENCY: {
    status: 403,
    vi: 'Mã thông báo của người gọi không mang mã cơ quan (người hoặc hệ thống của một cơ quan)',
    en: "The caller's token names no agency (a person or system of an agency)",
  },
  AGENCY_UNKNOWN: {
    status: 403,
    vi: 'Cơ quan này không có trên hệ thống',
    en: 'This agency is not known here',
  },
  AGENCY_DISABLED: {
    status: 403,
    vi: 'Cơ quan này đã bị tạm ngừng trên hệ thống',
    en: 'This agency is disabled here',
  },
  REVIEW_ID_INVALID: {
    status: 400,
    vi: 'Mã mục xem xét không đúng định dạng ({mã lô}.{số dòng})',
    en: 'The review item id is malformed ({batchId}.{row})',
  },
  REVIEW_BODY_INVALID: {
    status: 400,
    vi: 'Nội dung phải là JSON { "resolution": "merge" hoặc "keepApart" }',
    en: 'The body must be JSON { "resolution": "merge" or "keepApart" }',
  },
  UPLOAD_BODY_INVALID: {
    status: 400,
    vi: 'Nội dung phải là JSON { "fileName": tên tệp }',
    en: 'The body must be JSON { "fileName": the file name }',
  },
  UPLOAD_NAME_INVALID: {
    status: 400,
    vi: 'Tên tệp: tối đa 128 ký tự gồm chữ không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang; kết thúc bằng .csv, .ndjson hoặc .jsonl (có thể thêm .gz)',
    en: 'The file name: at most 128 ASCII letters, digits, dots, underscores and hyphens, ending in .csv, .ndjson or .jsonl (optionally .gz)',
  },
  COVERAGE_UNIT_INVALID: {
    status: 400,
    vi: 'Mã đơn vị (unit) phải là mã tỉnh, huyện hoặc xã có trong danh mục của năm đã chọn (vintage); cơ quan trung ương phải ghi rõ đơn vị',
    en: 'unit must be the code of a province, district or commune in the list of the vintage asked; a national agency must name one',
  },
  COVERAGE_VINTAGE_INVALID: {
    status: 400,
    vi: 'Danh mục đơn vị (vintage) phải là 2020 hoặc 2025',
    en: 'vintage must be 2020 or 2025',
  },
  BIRTH_ID_INVALID: {
    status: 400,
    vi: 'Mã đăng ký khai sinh không đúng định dạng',
    en: 'The birth registration id is malformed',
  },
  BIRTH_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy đăng ký khai sinh của cơ quan',
    en: "No such birth registration of the caller's agency",
  },
  PERSON_KEY_INVALID: {
    status: 400,
    vi: 'Mã người (person_key) không đúng định dạng',
    en: 'The person key is malformed',
  },
  PERSON_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy người mà cơ quan đã đăng ký hoặc thay đổi',
    en: "No such person registered or changed by the caller's agency",
  },
  WORKLIST_COMMUNE_INVALID: {
    status: 400,
    vi: 'Mã xã phải là mã một xã có trong danh mục của năm đã chọn (vintage), hoặc mã đơn vị của chính cơ quan',
    en: "commune must be the code of a commune in the list of the vintage asked, or of the agency's own unit",
  },
  REVIEW_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy mục cần xem xét',
    en: 'No such review item',
  },
  REVIEW_ALREADY_RESOLVED: {
    status: 409,
    vi: 'Mục này đã được xử lý theo cách khác',
    en: 'This review item was already resolved otherwise',
  },
  EDGE_REQUIRED: {
    status: 403,
    vi: 'Hãy tra cứu qua địa chỉ chính thức của trang tra cứu hồ sơ',
    en: 'Look up through the official address of the lookup page',
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    vi: 'Không có địa chỉ này',
    en: 'No such route',
  },
  INTERNAL_ERROR: {
    status: 500,
    vi: 'Lỗi hệ thống, vui lòng thử lại sau',
    en: 'Internal error, please try again later',
  },
}) satisfies Record<string, ApiCode>;
export type ApiCodeName = keyof typeof API_CODES;

/** What every error answers: `{ error: { code, message, messageVi, requestId } }`, with its HTTP status. */
export function errorEnvelope(error: ApiError<string>, requestId: string) {
  const { code, status, message, messageVi } = error;
  return { status, body: { error: { code, message, messageVi, requestId } } };
}

/**
 * An error a caller caused (or the 500 they are told about), answered as `{ error: { code, message } }`. Its code and
 * messages come from API_CODES, or from a function's own table (shared/api/decision-errors.ts: codes only one
 * function answers with, kept out of the others' bundles).
 */
export class ApiError<Code extends string = ApiCodeName> extends CodedError<Code> {
  readonly status: number;
  readonly messageVi: string;
  constructor(code: Code, entry: ApiCode = API_CODES[code as unknown as ApiCodeName]) {
    super('ApiError', code, entry.en);
    this.status = entry.status;
    this.messageVi = entry.vi;
  }
}
