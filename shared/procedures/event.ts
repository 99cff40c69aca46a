// What one-stop-shop systems send to the procedure-events queue (DESIGN.md "Procedure events"), and the shape
// of an application code, which is checked before anything is read.
import * as z from 'zod';
import { STATUS_CODES, type StatusCode } from './statuses.ts';

/**
 * Mã hồ sơ: the receiving unit's code (letters, digits and dots), a date (yyMMdd or yyyyMMdd) and a running
 * number, e.g. "G09.20-20260609-0092637" or "000.00.12.H21-250115-0001" (domain/NOTES.md §5.3).
 */
export const APPLICATION_CODE_PATTERN = /^[A-Z0-9][A-Z0-9.]{1,34}-\d{6,8}-\d{4,7}$/;

/** What a citizen types, as the code is stored: trimmed and upper case. */
export function normalizeApplicationCode(input: string): string {
  return input.trim().toUpperCase();
}

export function isApplicationCode(code: string): boolean {
  return APPLICATION_CODE_PATTERN.test(code);
}

// Text that is shown on a page: no control or bidi-override characters, Unicode NFC, trimmed.
const UNSAFE_TEXT = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]/u;
const text = (max: number) =>
  z
    .string()
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1)
        .max(max)
        .refine((value) => !UNSAFE_TEXT.test(value), 'control, bidi-override or replacement character'),
    );

const instant = z.iso.datetime({ offset: true });

export const ApplicationCode = z
  .string()
  .transform(normalizeApplicationCode)
  .pipe(z.string().regex(APPLICATION_CODE_PATTERN));

export const ResultDelivery = z.enum(['counter', 'post']);
export type ResultDelivery = z.infer<typeof ResultDelivery>;

export const Status = z
  .int()
  .refine((value): value is StatusCode => (STATUS_CODES as readonly number[]).includes(value), {
    message: 'status must be a code 1–10',
  })
  .transform((value) => value as StatusCode);

export const ProcedureEvent = z.object({
  applicationCode: ApplicationCode,
  /** mã TTHC, e.g. "1.012784.H21" */
  procedureCode: z.string().regex(/^[0-9A-Z][0-9A-Z.]{2,63}$/),
  procedureName: text(500),
  agencyCode: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
  agencyName: text(300),
  status: Status,
  /** grows per application: the highest wins, a repeat is a no-op */
  sequence: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  occurredAt: instant,
  receivedAt: instant.optional(),
  dueAt: instant.optional(),
  resultDelivery: ResultDelivery.optional(),
  note: text(500).optional(),
  applicant: z
    .object({
      fullName: text(200),
      personalId: z
        .string()
        .regex(/^\d{12}$/)
        .optional(),
      phone: z
        .string()
        .regex(/^\+?[0-9 .-]{6,20}$/)
        .optional(),
    })
    .optional(),
});
export type ProcedureEvent = z.infer<typeof ProcedureEvent>;
export type ProcedureEventInput = z.input<typeof ProcedureEvent>;
