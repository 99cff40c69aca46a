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
