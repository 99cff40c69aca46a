// Every problem a user can cause, with a stable code and a message in Vietnamese and English.
// Row codes reject one row; batch codes fail a whole file.

export interface Message {
  vi: string;
  en: string;
}

/** A table of codes and their messages, its types kept to the letter so that `keyof typeof` lists the codes. */
// pure, so that a bundle that uses none of a module's tables leaves them out
/* @__NO_SIDE_EFFECTS__ */
export function messageTable<const Table extends Record<string, Message>>(table: Table): Table {
  return table;
}

/** "Vietnamese / English", the way a report cell or a failure states a message. */
function bilingual({ vi, en }: Message): string {
  return `${vi} / ${en}`;
}

/** An error named by a code of one of the message tables: callers branch on `code`, logs show only `name`. */
export abstract class CodedError<Code extends string> extends Error {
  constructor(
    override readonly name: string,
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}

export const ROW_CODES = messageTable({
  REQUIRED_FIELD_MISSING: {
    vi: 'Thiếu thông tin bắt buộc',
    en: 'Required field is missing',
  },
  FIELD_TOO_LONG: {
    vi: 'Thông tin dài quá giới hạn',
    en: 'Field is longer than its limit',
  },
  FIELD_TYPE_INVALID: {
    vi: 'Giá trị không phải văn bản hoặc số',
    en: 'Value is not text or a number',
  },
  CONTROL_CHARACTER: {
    vi: 'Có ký tự điều khiển hoặc ký tự đảo chiều',
    en: 'Contains a control or bidi-override character',
  },
  INVALID_ENCODING: {
    vi: 'Có byte không giải mã được (tệp không phải UTF-8/UTF-16)',
    en: 'Contains undecodable bytes (file is not UTF-8/UTF-16)',
  },
  TEXT_LEGACY_FONT_VNI: {
    vi: 'Chữ gõ bằng phông VNI (VNI-Times), không phải Unicode; hãy chuyển mã (npm run convert)',
    en: 'Text typed in a VNI font (VNI-Times), not Unicode; convert it (npm run convert)',
  },
  TEXT_LEGACY_FONT_TCVN3: {
    vi: 'Chữ gõ bằng phông TCVN3 (ABC, .VnTime), không phải Unicode; hãy chuyển mã (npm run convert)',
    en: 'Text typed in a TCVN3 font (ABC, .VnTime), not Unicode; convert it (npm run convert)',
  },
  NAME_INVALID_CHARACTERS: {
    vi: 'Tên chỉ được gồm chữ cái, dấu cách, dấu nháy, gạch nối và dấu chấm',
    en: 'A name may hold only letters, spaces, apostrophes, hyphens and periods',
  },
  NAME_HAS_ALIAS: {
    vi: 'Họ tên có tên gọi khác trong ngoặc; ghi tên gọi khác vào cột "Tên gọi khác"',
    en: 'The name holds an alias in parentheses; write the alias in other_name ("Tên gọi khác")',
  },
  NAME_APOSTROPHE_NORMALISED: {
    vi: "Dấu nháy trong tên đã được đổi thành dấu nháy thẳng (')",
    en: "A look-alike apostrophe in the name was written as a plain one (')",
  },
  DATE_INVALID: {
    vi: 'Ngày không hợp lệ (dùng YYYY-MM-DD hoặc ngày/tháng/năm)',
    en: 'Invalid date (use YYYY-MM-DD or day/month/year)',
  },
  DATE_IN_FUTURE: {
    vi: 'Ngày ở tương lai',
    en: 'Date is in the future',
  },
  DATE_OF_BIRTH_TOO_EARLY: {
    vi: 'Năm sinh trước 1900 không mã hóa được trong số định danh',
    en: 'Birth year before 1900 cannot be encoded in a personal ID',
  },
  SEX_INVALID: {
    vi: 'Giới tính phải là Nam hoặc Nữ',
    en: 'Sex must be Nam (male) or Nữ (female)',
  },
  PERSONAL_ID_FORMAT: {
    vi: 'Số định danh cá nhân phải gồm đúng 12 chữ số',
    en: 'Personal ID must be exactly 12 digits',
  },
  PERSONAL_ID_PREFIX_UNKNOWN: {
    vi: 'Ba số đầu của số định danh không phải mã tỉnh hoặc mã quốc gia',
    en: 'The first three digits of the personal ID are not a province or country code',
  },
  CURRENT_ADDRESS_COMMUNE_MISMATCH: {
    vi: 'Mã xã nơi ở hiện tại và địa chỉ nơi ở hiện tại ghi hai xã khác nhau',
    en: 'The current commune code and the current address text name different communes',
  },
  PERSONAL_ID_PLACE_MISMATCH: {
    vi: 'Mã nơi đăng ký khai sinh trong số định danh khác tỉnh của nơi đăng ký khai sinh',
    en: 'The place code of the personal ID disagrees with the province of the birth-registration place',
  },
  PERSONAL_ID_SEX_MISMATCH: {
    vi: 'Mã giới tính trong số định danh không khớp với giới tính',
    en: 'The sex digit of the personal ID disagrees with the sex',
  },
  PERSONAL_ID_CENTURY_MISMATCH: {
    vi: 'Mã thế kỷ trong số định danh không khớp với năm sinh',
    en: 'The century digit of the personal ID disagrees with the birth year',
  },
  PERSONAL_ID_YEAR_MISMATCH: {
    vi: 'Hai số năm sinh trong số định danh không khớp với ngày sinh',
    en: 'The birth-year digits of the personal ID disagree with the date of birth',
  },
  OLD_ID_FORMAT: {
    vi: 'Số CMND cũ phải gồm đúng 9 chữ số',
    en: 'Old ID (CMND) must be exactly 9 digits',
  },
  RELATED_PERSON_ID_INVALID: {
    vi: 'Số định danh/CMND của người thân không hợp lệ (12 hoặc 9 chữ số)',
    en: "A relative's personal ID or CMND is malformed (12 or 9 digits)",
  },
  ETHNICITY_UNKNOWN: {
    vi: 'Dân tộc không có trong danh mục 54 dân tộc',
    en: 'Ethnicity is not in the list of 54 ethnic groups',
  },
  RELIGION_UNKNOWN: {
    vi: 'Tôn giáo không có trong danh mục',
    en: 'Religion is not in the official list',
  },
  NATIONALITY_UNKNOWN: {
    vi: 'Quốc tịch không xác định',
    en: 'Nationality is not a known country',
  },
  COMMUNE_CODE_UNKNOWN: {
    vi: 'Mã xã/phường không có trong danh mục 2020 hoặc 2025',
    en: 'Commune code is in neither the 2020 nor the 2025 list',
  },
  BLOOD_GROUP_INVALID: {
    vi: 'Nhóm máu phải là O, A, B hoặc AB',
    en: 'Blood group must be O, A, B or AB',
  },
  MARITAL_STATUS_INVALID: {
    vi: 'Tình trạng hôn nhân không hợp lệ',
    en: 'Marital status is not one of the accepted values',
  },
  PHONE_INVALID: {
    vi: 'Số điện thoại không hợp lệ',
    en: 'Phone number is not a valid Vietnamese number',
  },
  EMAIL_INVALID: {
    vi: 'Địa chỉ thư điện tử không hợp lệ',
    en: 'E-mail address is malformed',
  },
  ROW_MALFORMED_QUOTES: {
    vi: 'Dòng có dấu ngoặc kép sai quy cách CSV',
    en: 'Row has malformed CSV quoting',
  },
  ROW_COLUMN_COUNT: {
    vi: 'Số cột của dòng khác với dòng tiêu đề',
    en: 'Row has a different number of columns from the header',
  },
  ROW_TOO_LARGE: {
    vi: 'Dòng quá dài',
    en: 'Row is too large',
  },
  ROW_INVALID_JSON: {
    vi: 'Dòng không phải JSON hợp lệ',
    en: 'Line is not valid JSON',
  },
  ROW_NOT_OBJECT: {
    vi: 'Dòng JSON không phải một đối tượng',
    en: 'JSON line is not an object',
  },
  ROW_NESTING_TOO_DEEP: {
    vi: 'Dòng JSON lồng nhau quá sâu',
    en: 'JSON line is nested too deeply',
  },
  // a correction form's (DC02, issue 19; shared/corrections/correction.ts)
  CORRECTION_PERSON_MISSING: {
    vi: 'Thiếu số định danh cá nhân hoặc mã người (person_key) của người cần sửa',
    en: 'Neither the personal ID nor the person key of the person to correct is given',
  },
  CORRECTION_PERSON_INVALID: {
    vi: 'Số định danh cá nhân hoặc mã người không đúng định dạng',
    en: 'The personal ID or the person key is malformed',
  },
  CORRECTION_PERSON_UNKNOWN: {
    vi: 'Không tìm thấy người cần sửa trong cơ sở dữ liệu',
    en: 'The person to correct is not in the register',
  },
  CORRECTION_FIELD_UNKNOWN: {
    vi: 'Trường cần sửa không phải là trường của phiếu DC01',
    en: 'The field to correct is not a DC01 field',
  },
  CORRECTION_FIELD_NOT_CORRECTABLE: {
    vi: 'Trường này không sửa được bằng phiếu cập nhật',
    en: 'This field cannot be corrected by an update form',
  },
  CORRECTION_REASON_INVALID: {
    vi: 'Lý do sửa phải là collection_error, civil_registration, court_decision hoặc other',
    en: 'The reason must be collection_error, civil_registration, court_decision or other',
  },
  CORRECTION_EVIDENCE_MISSING: {
    vi: 'Thiếu số hoặc mã tài liệu làm căn cứ sửa',
    en: 'The reference of the supporting document is missing',
  },
  CORRECTION_OLD_VALUE_MISMATCH: {
    vi: 'Giá trị cũ không khớp với giá trị đang lưu',
    en: 'The old value does not match the value held',
  },
  CORRECTION_NEW_VALUE_INVALID: {
    vi: 'Giá trị mới không hợp lệ theo quy tắc của trường',
    en: "The new value breaks the field's rules",
  },
  CORRECTION_ID_HELD: {
    vi: 'Số định danh cá nhân mới đã thuộc về một người khác trong cơ sở dữ liệu',
    en: 'The new personal ID is held by another person in the register',
  },
  CORRECTION_NO_CHANGE: {
    vi: 'Giá trị mới trùng với giá trị đang lưu',
    en: 'The new value is the value held',
  },
});

/**
 * Row codes that do not reject: the row is accepted, and the code rides in its `codes` for a clerk to look at
 * (summary.json counts them in warningsByCode, never in errorsByCode). A list of ids, as OUTCOME_CODE_IDS, so
 * that a bundle that only counts codes leaves the message tables out.
 */
export const WARNING_CODE_IDS = [
  'NAME_APOSTROPHE_NORMALISED',
  'PERSONAL_ID_PLACE_MISMATCH',
  'CURRENT_ADDRESS_COMMUNE_MISMATCH',
] as const satisfies readonly (keyof typeof ROW_CODES)[];
export type WarningCode = (typeof WARNING_CODE_IDS)[number];
export const isWarningCode = (code: string): code is WarningCode =>
  (WARNING_CODE_IDS as readonly string[]).includes(code);

export const BATCH_CODES = messageTable({
  BATCH_UNSUPPORTED_FORMAT: {
    vi: 'Tên tệp phải kết thúc bằng .csv, .ndjson hoặc .jsonl (có thể kèm .gz)',
    en: 'File name must end in .csv, .ndjson or .jsonl (optionally .gz)',
  },
  BATCH_NOT_TEXT: {
    vi: 'Tệp không phải văn bản (có thể là tệp nhị phân)',
    en: 'File is not text (binary?)',
  },
  BATCH_UTF16_WITHOUT_BOM: {
    vi: 'Tệp mã hóa UTF-16 nhưng thiếu dấu thứ tự byte (BOM); hãy lưu lại dưới dạng CSV UTF-8',
    en: 'The file is UTF-16 without a byte-order mark; save it again as CSV UTF-8',
  },
  BATCH_LEGACY_ENCODING: {
    vi: 'Tệp dùng bảng mã cũ (VNI, TCVN3 hoặc Windows-1258), không phải Unicode UTF-8; hãy chuyển mã (npm run convert)',
    en: 'The file is in a legacy Vietnamese encoding (VNI, TCVN3 or Windows-1258), not Unicode UTF-8; convert it (npm run convert)',
  },
  BATCH_GZIP_CORRUPT: {
    vi: 'Tệp nén gzip bị hỏng',
    en: 'The gzip file is corrupt',
  },
  BATCH_NO_HEADER: {
    vi: 'Không tìm thấy dòng tiêu đề có tên cột hợp lệ',
    en: 'No header row with known column names was found',
  },
  BATCH_MISSING_COLUMNS: {
    vi: 'Thiếu cột bắt buộc',
    en: 'Required columns are missing',
  },
  BATCH_DUPLICATE_COLUMN: {
    vi: 'Một cột xuất hiện hai lần',
    en: 'A column appears twice',
  },
  BATCH_TOO_LARGE: {
    vi: 'Tệp quá lớn; hãy chia nhỏ',
    en: 'The file is too large; split it',
  },
  BATCH_TOO_MANY_ROWS: {
    vi: 'Tệp quá nhiều dòng; hãy chia nhỏ',
    en: 'The file has too many lines; split it',
  },
  BATCH_HEADER_TOO_LARGE: {
    vi: 'Dòng tiêu đề quá dài hoặc không ở đầu tệp',
    en: 'The header row is too long or not at the start of the file',
  },
  BATCH_UNREADABLE: {
    vi: 'Không đọc được tệp',
    en: 'The file could not be read',
  },
  BATCH_UPLOADER_NOT_ALLOWED: {
    vi: 'Người tải tệp lên không được phép gửi lô cho đơn vị này',
    en: 'The uploader may not submit batches for this agency',
  },
  AGENCY_UNKNOWN: {
    vi: 'Mã cơ quan của lô không có trong danh sách cơ quan',
    en: 'The agency of the batch is not in the agencies list',
  },
  AGENCY_DISABLED: {
    vi: 'Cơ quan đã bị tạm ngừng; không nhận lô của cơ quan này',
    en: 'The agency is disabled; its batches are not accepted',
  },
  AGENCY_NOT_UPLOADER: {
    vi: 'Cơ quan này không tải lên phiếu thu thập (cơ quan vận hành hệ thống không xử lý dữ liệu cá nhân)',
    en: 'This agency does not upload forms (the platform agency handles no personal data)',
  },
  BATCH_PROCESSING_FAILED: {
    vi: 'Lỗi hệ thống khi xử lý lô; đã chuyển vào hàng đợi lỗi để xử lý lại',
    en: 'The batch could not be processed; its work is in a dead-letter queue for redrive',
  },
});

/**
 * Why an accepted row is not `new`, and what it was compared with: not errors (summary.json's errorsByCode leaves
 * them out), but every such row carries one, so that a clerk can see why it went where it went.
 */
export const OUTCOME_CODE_IDS = [
  'SAME_FORM',
  'SAME_CONFLICT',
  'NOTHING_NEW',
  'FIELDS_UPDATED',
  'IDENTITY_CONFLICT',
  'PERSON_LINKED',
  'PROBABLE_DUPLICATE',
  'CORRECTION_APPLIED',
  'CORRECTION_PENDING',
] as const;
export type OutcomeCode = (typeof OUTCOME_CODE_IDS)[number];
/**
 * Whether a code is an outcome code: by the list of ids, not the table, so that a bundle that only counts codes (the
 * split's and the register's failed reports, LedgerTally) leaves every message table out.
 */
export const isOutcomeCode = (code: string): code is OutcomeCode =>
  (OUTCOME_CODE_IDS as readonly string[]).includes(code);

export const OUTCOME_CODES = messageTable({
  SAME_FORM: {
    vi: 'Trùng nội dung với một phiếu đã ghi nhận cho người này; không thay đổi gì',
    en: 'Same content as a form already recorded for this person; nothing changed',
  },
  SAME_CONFLICT: {
    vi: 'Trùng nội dung với một phiếu đã được giữ lại là xung đột, đang chờ xử lý; không thay đổi gì',
    en: 'Same content as a form already kept as a conflict, awaiting correction; nothing changed',
  },
  NOTHING_NEW: {
    vi: 'Không có thông tin mới so với hồ sơ đang lưu; không thay đổi gì',
    en: "Adds nothing to the person's record as held; nothing changed",
  },
  FIELDS_UPDATED: {
    vi: 'Cập nhật hồ sơ đang lưu',
    en: "Updates the person's record as held",
  },
  IDENTITY_CONFLICT: {
    vi: 'Số định danh đã ghi nhận cho người có họ tên, ngày sinh hoặc giới tính khác; phiếu được giữ lại chờ xử lý, hồ sơ không thay đổi',
    en: 'The personal ID is held for a person with another name, date of birth or sex; the form is kept for correction, the record unchanged',
  },
  PERSON_LINKED: {
    vi: 'Đã ghép vào người đã có theo so khớp hồ sơ',
    en: 'Joined a person already held, by record linkage',
  },
  PROBABLE_DUPLICATE: {
    vi: 'Có thể trùng với một người đã có; ghi nhận riêng, chờ xem xét',
    en: 'Probable duplicate of a person already held; recorded apart, on the review list',
  },
  CORRECTION_APPLIED: {
    vi: 'Đã sửa thông tin của người này',
    en: "The person's record is corrected",
  },
  CORRECTION_PENDING: {
    vi: 'Sửa thông tin nhân thân, chờ cán bộ thứ hai phê duyệt; hồ sơ chưa thay đổi',
    en: 'An identity correction, waiting for a second officer to approve it; the record is not changed yet',
  },
}) satisfies Record<OutcomeCode, Message>;

export type RowCode = keyof typeof ROW_CODES;
export type BatchCode = keyof typeof BATCH_CODES;

/**
 * The earlier form an outcome was compared with, as the row's own agency may see it: a row of the same file, a row
 * of another batch of the same agency, only "another agency's batch" (issue 16: an agency sees no other agency's
 * uploads), or a merge of two persons (a reviewer's or a link pass's). None: the person's record as held.
 */
export type FormRef = { row: number; batchId?: string } | { otherAgency: true } | { merged: true };

/**
 * One problem with one row: a code, the field it concerns (if any) and a detail safe to show the uploader. An
 * outcome code carries its comparison instead: the fields concerned (ids, never values), the earlier form, and
 * the person linked with its score.
 */
export interface RowIssue {
  code: RowCode | OutcomeCode;
  field?: string;
  detail?: string;
  fields?: string[];
  against?: FormRef;
  person?: string;
  score?: number;
}

export const isRowCode = (code: string): code is RowCode => Object.hasOwn(ROW_CODES, code);

export function rowIssue(code: RowCode, field?: string, detail?: string): RowIssue {
  const issue: RowIssue = { code };
  if (field !== undefined) issue.field = field;
  if (detail !== undefined) issue.detail = detail;
  return issue;
}

/** An outcome code with what it was compared with, or which person it met. */
export function outcomeNote(code: OutcomeCode, params: Omit<RowIssue, 'code'> = {}): RowIssue {
  return { code, ...params };
}

/** Where the earlier form is, in Vietnamese and English. */
function describeRef(ref: FormRef): Message {
  if ('otherAgency' in ref) return { vi: 'một lô của đơn vị khác', en: 'a batch of another agency' };
  if ('merged' in ref) return { vi: 'hồ sơ đã hợp nhất', en: 'a merge of two persons' };
  if (ref.batchId === undefined)
    return { vi: `dòng ${ref.row} của tệp này`, en: `row ${ref.row} of this file` };
  return { vi: `dòng ${ref.row} của lô ${ref.batchId}`, en: `row ${ref.row} of batch ${ref.batchId}` };
}

/** A field's name in a report: the header label the file used for it ("Quê quán"), else its English id. */
export type FieldLabelOf = (field: string) => string | undefined;
const NO_LABEL: FieldLabelOf = () => undefined;

/** "Vietnamese (details) / English (details)": the person met, the fields concerned, the earlier form. */
function describeOutcome(
  code: OutcomeCode,
  issue: RowIssue,
  labelOf: FieldLabelOf,
  language: 'both' | 'vi',
): string {
  const { vi, en } = OUTCOME_CODES[code];
  const details: Message[] = [];
  if (issue.person !== undefined) {
    const score = issue.score === undefined ? undefined : issue.score.toFixed(1);
    details.push({
      vi: `người ${issue.person}${score === undefined ? '' : `, điểm ${score}`}`,
      en: `person ${issue.person}${score === undefined ? '' : `, score ${score} bits`}`,
    });
  }
  if (issue.fields && issue.fields.length > 0) {
    const fields = issue.fields.map((field) => labelOf(field) ?? field).join(', ');
    details.push({ vi: `trường: ${fields}`, en: `fields: ${fields}` });
  }
  if (issue.against) {
    const ref = describeRef(issue.against);
    details.push({ vi: `so với ${ref.vi}`, en: `compared with ${ref.en}` });
  } else if (code !== 'PERSON_LINKED' && code !== 'PROBABLE_DUPLICATE') {
    details.push({ vi: 'so với hồ sơ đang lưu', en: "compared with the person's record as held" });
  }
  const part = (text: string, lang: keyof Message) =>
    details.length === 0 ? text : `${text} (${details.map((d) => d[lang]).join('; ')})`;
  return language === 'vi' ? part(vi, 'vi') : `${part(vi, 'vi')} / ${part(en, 'en')}`;
}

/**
 * "Vietnamese / English (field: detail)" for a report cell, or the Vietnamese alone. Fields are named by the header
 * the file used for them ("Quê quán") when `labelOf` knows one; else by their English ids.
 */
export function describeIssue(
  issue: RowIssue,
  labelOf: FieldLabelOf = NO_LABEL,
  language: 'both' | 'vi' = 'both',
): string {
  if (!isRowCode(issue.code)) return describeOutcome(issue.code, issue, labelOf, language);
  const text = ROW_CODES[issue.code];
  const message = language === 'vi' ? text.vi : bilingual(text);
  const label = issue.field === undefined ? undefined : labelOf(issue.field);
  const where = [label ?? issue.field, issue.detail].filter(Boolean).join(': ');
  return where ? `${message} (${where})` : message;
}

/** "Vietnamese / English: detail", as a failed batch's error and its summary state it. */
export function batchFailureMessage(code: BatchCode, detail?: string): string {
  const message = bilingual(BATCH_CODES[code]);
  return detail ? `${message}: ${detail}` : message;
}

/** A file that cannot be read at all. Thrown by the readers; the batch ends as failed with this code. */
export class BatchFailedError extends CodedError<BatchCode> {
  constructor(
    code: BatchCode,
    readonly detail?: string,
  ) {
    super('BatchFailedError', code, batchFailureMessage(code, detail));
  }
}

/** Why an agency may not act on a unit (shared/domain/jurisdiction.ts, docs/jurisdiction.md). */
export const JURISDICTION_CODES = messageTable({
  AGENCY_DISABLED: {
    vi: 'Cơ quan này đã bị ngừng hoạt động trên hệ thống',
    en: 'This agency has been disabled',
  },
  ROLE_MISSING: {
    vi: 'Người dùng không có vai trò cần cho việc này',
    en: 'The caller does not hold the role this needs',
  },
  PLATFORM_ROLE_OUTSIDE_PLATFORM: {
    vi: 'Vai trò vận hành chỉ dành cho cơ quan vận hành hệ thống',
    en: 'The platform role belongs to the platform agency only',
  },
  PLATFORM_NO_PERSONAL_DATA: {
    vi: 'Cơ quan vận hành hệ thống không tải lên, xem xét, phê duyệt hay xem dữ liệu cá nhân',
    en: 'The platform agency does not upload, review, approve or view personal data',
  },
  AGENCY_UNIT_UNKNOWN: {
    vi: 'Đơn vị hành chính của cơ quan không có trong danh mục của kỳ đó',
    en: "The agency's administrative unit is not in that vintage's list",
  },
  UNIT_UNKNOWN: {
    vi: 'Không có đơn vị hành chính với mã này trong danh mục của kỳ đã chọn',
    en: 'No administrative unit has this code in the chosen vintage',
  },
  OUTSIDE_JURISDICTION: {
    vi: 'Đơn vị này không thuộc địa bàn của cơ quan',
    en: "This unit is not the agency's unit or below it",
  },
  UNIT_NOT_WHOLLY_HELD: {
    vi: 'Địa bàn của cơ quan chỉ chứa một phần của đơn vị này (sắp xếp năm 2025); cơ quan cấp trên xử lý',
    en: "The agency's unit holds only part of this unit (2025 reorganisation); an agency above it acts on it",
  },
});
export type JurisdictionCode = keyof typeof JURISDICTION_CODES;
