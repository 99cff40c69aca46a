// Why the status function refuses or skips a procedure event: logged with the event's code and sequence,
// never with its contents (docs/procedures.md lists them).
import { CodedError, messageTable } from '../domain/errors.ts';

export const EVENT_CODES = messageTable({
  PROCEDURE_EVENT_NOT_JSON: {
    vi: 'Sự kiện không phải JSON hợp lệ',
    en: 'The event is not valid JSON',
  },
  PROCEDURE_EVENT_INVALID: {
    vi: 'Sự kiện không đúng lược đồ (thiếu trường, sai kiểu hoặc sai định dạng)',
    en: 'The event does not match the schema (missing field, wrong type or format)',
  },
  PROCEDURE_EVENT_SENDER_FORBIDDEN: {
    vi: 'Bên gửi sự kiện không được phép gửi cho cơ quan này (mã cơ quan trong sự kiện)',
    en: 'The sender of the event may not send for this agency (the agency code of the event)',
  },
  PROCEDURE_EVENT_SEQUENCE_OUT_OF_RANGE: {
    vi: 'Số thứ tự lớn hơn thời điểm xảy ra tính bằng mili giây cộng một ngày, hoặc thời điểm xảy ra quá một ngày sau hiện tại',
    en: 'The sequence exceeds the occurrence time in milliseconds plus a day, or the occurrence time is more than a day ahead',
  },
  PROCEDURE_EVENT_NOTE_REFUSED: {
    vi: 'Ghi chú dài quá 500 ký tự hoặc chứa dãy số giống số định danh, CMND hoặc số điện thoại',
    en: 'The note is longer than 500 characters or holds a run of digits like an ID, CMND or phone number',
  },
  PROCEDURE_EVENT_REPEAT: {
    vi: 'Sự kiện đã nhận trước đó (cùng mã hồ sơ và số thứ tự): bỏ qua',
    en: 'The event was received before (same application code and sequence): ignored',
  },
  PROCEDURE_EVENT_SEQUENCE_REUSED: {
    vi: 'Số thứ tự đã dùng cho một sự kiện khác của hồ sơ này: giữ sự kiện nhận trước, bỏ sự kiện này',
    en: 'The sequence was used by another event of this application: the first one is kept, this one ignored',
  },
});
export type EventCode = keyof typeof EVENT_CODES;

/** A procedure event that can never be applied: its message goes to the dead-letter queue. */
export class ProcedureEventError extends CodedError<EventCode> {
  constructor(
    code: EventCode,
    /** where the event is wrong (field paths and zod issue codes), never the values */
    readonly issues: { path: string; issue: string }[] = [],
  ) {
    super('ProcedureEventError', code, `${code}: ${EVENT_CODES[code].en}`);
  }
}
