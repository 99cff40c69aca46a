// What one-stop-shop systems send to the procedure-events queue (docs/procedures.md, "Events"), and the shape
// of an application code, which is checked before anything is read.
// zod/mini, as shared/domain/record.ts: the status and lookup functions bundle these schemas
import * as z from 'zod/mini';
import { isShowableNote, NOTE_MAX_CHARS } from './event-note.ts';
import { STATUS_CODES, type StatusCode } from './statuses.ts';

/**
 * Mã hồ sơ: the receiving unit's code (letters, digits and dots), a date (yyMMdd or yyyyMMdd) and a running
 * number, e.g. "G09.20-20260609-0092637" or "000.00.12.H21-250115-0001" (docs/procedures.md, "HTTP API").
 */
export const APPLICATION_CODE_PATTERN = /^[A-Z0-9][A-Z0-9.]{1,34}-\d{6,8}-\d{4,7}$/;

/** What a citizen types, as the code is stored: trimmed and upper case. */
function normalizeApplicationCode(input: string): string {
  return input.trim().toUpperCase();
}

// Text that is shown on a page: no control or bidi-override characters, Unicode NFC, trimmed.
const UNSAFE_TEXT = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]/u;
const text = (max: number) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((value: string) => value.normalize('NFC').trim()),
    ),
    z.string().check(
      z.minLength(1),
      z.maxLength(max),
      z.refine((value) => !UNSAFE_TEXT.test(value), 'control, bidi-override or replacement character'),
    ),
  );

const instant = z.iso.datetime({ offset: true });

const ApplicationCode = z.pipe(
  z.pipe(z.string(), z.transform(normalizeApplicationCode)),
  z.string().check(z.regex(APPLICATION_CODE_PATTERN)),
);

export const ResultDelivery = z.enum(['counter', 'post']);
export type ResultDelivery = z.infer<typeof ResultDelivery>;

const Status = z.pipe(
  z.int().check(
    z.refine((value): value is StatusCode => (STATUS_CODES as readonly number[]).includes(value), {
      message: 'status must be a code 1–10',
    }),
  ),
  z.transform((value: number) => value as StatusCode),
);

export const ProcedureEvent = z.object({
  applicationCode: ApplicationCode,
  /** mã TTHC, e.g. "1.012784.H21" */
  procedureCode: z.string().check(z.regex(/^[0-9A-Z][0-9A-Z.]{2,63}$/)),
  procedureName: text(500),
  agencyCode: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/)),
  agencyName: text(300),
  status: Status,
  /** grows per application: the highest wins, a repeat is a no-op; bounded by occurredAt at intake (event-intake.ts) */
  sequence: z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)),
  occurredAt: instant,
  receivedAt: z.optional(instant),
  dueAt: z.optional(instant),
  resultDelivery: z.optional(ResultDelivery),
  /** shown to the citizen: vetted at intake (event-note.ts) */
  note: z.optional(
    z.pipe(text(NOTE_MAX_CHARS), z.string().check(z.refine(isShowableNote, 'a number like an ID or phone'))),
  ),
  applicant: z.optional(
    z.object({
      fullName: text(200),
      /** the second factor of a lookup (issue 23): stored only as a digest (shared/procedures/lookup-factor.ts) */
      birthYear: z.optional(z.int().check(z.minimum(1900), z.maximum(2100))),
      personalId: z.optional(z.string().check(z.regex(/^\d{12}$/))),
      phone: z.optional(z.string().check(z.regex(/^\+?[0-9 .-]{6,20}$/))),
    }),
  ),
});
export type ProcedureEvent = z.infer<typeof ProcedureEvent>;
export type ProcedureEventInput = z.input<typeof ProcedureEvent>;
