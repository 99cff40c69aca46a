// The HTTP API's inputs and responses as zod schemas: the handlers validate with them, the tests check real
// responses against them, and openapi.ts turns them into the OpenAPI 3.1 document served at /openapi.json.
import * as z from 'zod';
import { APPLICATION_CODE_PATTERN } from '../procedures/event.ts';
import { STATUS_CODES } from '../procedures/statuses.ts';

export const Label = z
  .object({ vi: z.string(), en: z.string() })
  .meta({ description: 'A text in Vietnamese and English' });
const StatusCode = z
  .int()
  .min(1)
  .max(STATUS_CODES.length)
  .meta({ description: "The national portal's status code 1–10 (docs/procedures.md)" });
const Instant = z.string().meta({ format: 'date-time' });

export const ApplicationView = z
  .strictObject({
    applicationCode: z.string(),
    procedureCode: z.string(),
    procedureName: z.string(),
    agencyName: z.string(),
    status: StatusCode,
    statusLabel: Label,
    receivedAt: Instant.nullable(),
    dueAt: Instant.nullable(),
    overdue: z
      .boolean()
      .meta({ description: 'dueAt has passed and the status is not final (3, 7, 8, 9, 10)' }),
    resultDelivery: z.enum(['counter', 'post']).nullable(),
    updatedAt: Instant,
    history: z.array(
      z.strictObject({ status: StatusCode, statusLabel: Label, at: Instant, note: z.string().optional() }),
    ),
    applicant: z.strictObject({
      maskedName: z
        .string()
        .nullable()
        .meta({ description: 'first letter of each word, e.g. "N*** V*** A***"; never the full name' }),
    }),
  })
  .meta({ description: 'What a citizen who holds the code sees' });

const BatchStatus = z.enum(['splitting', 'registering', 'finalizing', 'completed', 'failed', 'superseded']);

export const BatchView = z
  .strictObject({
    batchId: z.string(),
    agencyCode: z.string(),
    objectKey: z.string(),
    status: BatchStatus,
    startedAt: Instant,
    updatedAt: Instant,
    finishedAt: Instant.optional(),
    rows: z.int().optional(),
    outcomes: z.record(z.string(), z.int()).optional(),
    errorsByCode: z.record(z.string(), z.int()).optional(),
    failure: z.strictObject({ code: z.string(), message: z.string() }).optional(),
    reports: z
      .strictObject({
        summary: z.string(),
        outcomes: z.string(),
        review: z.string().meta({ description: 'probable duplicates of the batch, side by side' }),
      })
      .optional()
      .meta({ description: 'S3 URIs of the report, once the batch has one' }),
  })
  .meta({ description: "A batch's status and counts" });

export const BatchList = z
  .strictObject({
    agencyCode: z.string(),
    batches: z.array(BatchView),
    nextToken: z.string().nullable().meta({ description: 'pass as nextToken for the next page' }),
  })
  .meta({ description: "An agency's batches, newest first" });

const ComparedFieldName = z.enum([
  'fullName',
  'dateOfBirth',
  'sex',
  'birthRegistrationPlace',
  'hometown',
  'fatherName',
  'motherName',
  'personalId',
]);

export const ReviewView = z
  .strictObject({
    id: z.string().meta({ description: '{batchId}.{row}: POST /review/{id} resolves it' }),
    batchId: z.string(),
    row: z.int().meta({ description: "the row's 1-based data row number in its batch" }),
    formId: z.string().optional(),
    personKey: z
      .string()
      .meta({ description: 'the person the row was stored as (outcome probable_duplicate)' }),
    candidatePersonKey: z.string().meta({ description: 'the held person it probably duplicates' }),
    score: z.number().meta({ description: 'match score in bits (docs/linkage.md)' }),
    reasons: z.array(z.string()).meta({ description: '"field level ±weight", strongest first' }),
    fields: z
      .array(
        z.strictObject({
          field: ComparedFieldName,
          incoming: z.string(),
          held: z.string(),
          level: z.string().meta({ description: 'agreement level (docs/linkage.md, comparison levels)' }),
        }),
      )
      .meta({ description: 'both records side by side, compared field by compared field' }),
    status: z.enum(['open', 'merge', 'keepApart']),
    createdAt: Instant,
    resolvedAt: Instant.optional(),
  })
  .meta({ description: 'A probable duplicate waiting for (or resolved by) a reviewer of the agency' });

export const ReviewList = z
  .strictObject({
    agencyCode: z.string(),
    items: z.array(ReviewView),
    nextToken: z.string().nullable().meta({ description: 'pass as nextToken for the next page' }),
  })
  .meta({ description: "An agency's review list: its own rows only" });

export const ErrorBody = z
  .strictObject({
    error: z.strictObject({
      code: z.string(),
      message: z.string().meta({ description: 'in English' }),
      messageVi: z.string().meta({ description: 'in Vietnamese' }),
      requestId: z.string(),
    }),
  })
  .meta({ description: 'What every error answers' });

// --- inputs (path and query parameters, as strings) ---

/** Checked after trimming and upper-casing, before any read. */
export const ApplicationCodeParam = z
  .string()
  .max(64)
  .transform((code) => code.trim().toUpperCase())
  .pipe(z.string().regex(APPLICATION_CODE_PATTERN));

/** What split makes a batch id: 22 characters of base64url. */
export const BatchIdParam = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

/** An agency code, as in the upload key `incoming/{agencyCode}/`. */
export const AGENCY_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,50}$/;
export const AgencyParam = z.string().regex(AGENCY_CODE_PATTERN);
export const LimitParam = z.coerce.number().int().min(1).max(100).default(50);
export const NextTokenParam = z
  .string()
  .max(2048)
  .regex(/^[A-Za-z0-9_-]+$/);

/** A review item id: `{batchId}.{row}`. */
export const ReviewIdParam = z.string().regex(/^[A-Za-z0-9_-]{22}\.[1-9][0-9]{0,9}$/);

/** The body of POST /review/{id}. */
export const ReviewResolutionBody = z.strictObject({ resolution: z.enum(['merge', 'keepApart']) });
