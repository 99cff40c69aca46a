// The HTTP API's inputs and responses as zod schemas: the handlers validate with them, the tests check real
// responses against them, and openapi.ts turns them into the OpenAPI 3.1 document served at /openapi.json.
// zod/mini, as shared/domain/record.ts: the lookup and agency functions bundle these schemas
import * as z from 'zod/mini';
import { objectKeys } from '../keys.ts';
import { APPLICATION_CODE_PATTERN } from '../procedures/event.ts';
import { STATUS_CODES } from '../procedures/statuses.ts';

export const Label = z
  .object({ vi: z.string(), en: z.string() })
  .check(z.meta({ description: 'A text in Vietnamese and English' }));
const StatusCode = z
  .int()
  .check(
    z.minimum(1),
    z.maximum(STATUS_CODES.length),
    z.meta({ description: "The national portal's status code 1–10 (docs/procedures.md)" }),
  );
export const Instant = z.string().check(z.meta({ format: 'date-time' }));
export const described = (description: string) => z.meta({ description });

export const ApplicationView = z
  .strictObject({
    applicationCode: z.string(),
    procedureCode: z.string(),
    procedureName: z.string(),
    agencyName: z.string(),
    status: StatusCode,
    statusLabel: Label,
    receivedAt: z.nullable(Instant),
    dueAt: z.nullable(Instant),
    overdue: z.boolean().check(described('dueAt has passed and the status is not final (3, 7, 8, 9, 10)')),
    resultDelivery: z.nullable(z.enum(['counter', 'post'])),
    updatedAt: Instant,
    history: z.array(
      z.strictObject({ status: StatusCode, statusLabel: Label, at: Instant, note: z.optional(z.string()) }),
    ),
    applicant: z.strictObject({
      maskedName: z
        .nullable(z.string())
        .check(described('first letter of each word, e.g. "N*** V*** A***"; never the full name')),
    }),
  })
  .check(described('What a citizen who holds the code sees'));

const BatchStatus = z.enum(['splitting', 'registering', 'finalizing', 'completed', 'failed', 'superseded']);

export const BatchView = z
  .strictObject({
    batchId: z.string(),
    agencyCode: z.string(),
    objectKey: z.string(),
    status: BatchStatus,
    startedAt: Instant,
    updatedAt: Instant,
    finishedAt: z.optional(Instant),
    rows: z.optional(z.int()),
    outcomes: z.optional(z.record(z.string(), z.int())),
    errorsByCode: z.optional(z.record(z.string(), z.int())),
    warningsByCode: z.optional(z.record(z.string(), z.int())),
    failure: z.optional(z.strictObject({ code: z.string(), message: z.string() })),
    kind: z.optional(
      z
        .literal('corrections')
        .check(described('a correction file (DC02, issue 19); absent: population forms (DC01)')),
    ),
    issuedIds: z.optional(
      z
        .int()
        .check(
          described(
            'rows given a personal ID number by a link pass (issue 20): issued-ids.csv lists them (row, form_id, personal_id, issued_at)',
          ),
        ),
    ),
    conflictsResolved: z.optional(
      z
        .int()
        .check(
          described(
            'how many of its conflicts (outcomes.conflict) a reviewer has decided since (POST /conflicts/{id}, issue 19); the report is not rewritten',
          ),
        ),
    ),
    reports: z
      .optional(
        z.strictObject({
          summary: z.string(),
          outcomes: z.string(),
          workbook: z.string().check(described('outcomes.xlsx: a summary sheet and the rows to act on')),
          review: z.string().check(described('probable duplicates of the batch, side by side')),
          issuedIds: z.optional(
            z.string().check(described('issued-ids.csv: the numbers issued to the rows, once there are any')),
          ),
        }),
      )
      .check(
        described(
          "S3 URIs of the batch's own report (under batches/{batchId}/, kept when the name is uploaded again), once it has one",
        ),
      ),
    downloads: z
      .optional(
        z.strictObject({
          summary: z.string(),
          outcomes: z.string(),
          workbook: z.string(),
          review: z.string(),
          issuedIds: z.optional(z.string()),
        }),
      )
      .check(
        described(
          'GET /batches/{batchId} only: HTTPS URLs that read each report file of the batch, signed for its agency, until downloadsExpireAt (15 minutes)',
        ),
      ),
    downloadsExpireAt: z.optional(Instant),
  })
  .check(described("A batch's status and counts"));

export const BatchList = z
  .strictObject({
    agencyCode: z.string(),
    batches: z.array(BatchView),
    nextToken: z.nullable(z.string()).check(described('pass as nextToken for the next page')),
  })
  .check(described("An agency's batches, newest first"));

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
    id: z.string().check(described('{batchId}.{row}: POST /review/{id} resolves it')),
    batchId: z.string(),
    row: z.int().check(described("the row's 1-based data row number in its batch")),
    formId: z.optional(z.string()),
    personKey: z.string().check(described('the person the row was stored as (outcome probable_duplicate)')),
    candidatePersonKey: z.string().check(described('the held person it probably duplicates')),
    score: z.number().check(described('match score in bits (docs/linkage.md)')),
    reasons: z.array(z.string()).check(described('"field level ±weight", strongest first')),
    fields: z
      .array(
        z.strictObject({
          field: ComparedFieldName,
          incoming: z.string(),
          held: z.string(),
          level: z.string().check(described('agreement level (docs/linkage.md, comparison levels)')),
        }),
      )
      .check(described('both records side by side, compared field by compared field')),
    status: z.enum(['open', 'merge', 'keepApart']),
    createdAt: Instant,
    resolvedAt: z.optional(Instant),
  })
  .check(described('A probable duplicate waiting for (or resolved by) a reviewer of the agency'));

export const ReviewList = z
  .strictObject({
    agencyCode: z.string(),
    items: z.array(ReviewView),
    nextToken: z.nullable(z.string()).check(described('pass as nextToken for the next page')),
  })
  .check(described("An agency's review list: its own rows only"));

/** An identity correction waiting for (or decided by) a second officer (issue 19, docs/corrections.md). */
export const ErrorBody = z
  .strictObject({
    error: z.strictObject({
      code: z.string(),
      message: z.string().check(described('in English')),
      messageVi: z.string().check(described('in Vietnamese')),
      requestId: z.string(),
    }),
  })
  .check(described('What every error answers'));

// --- inputs (path and query parameters, as strings) ---

/** Checked after trimming and upper-casing, before any read. */
export const ApplicationCodeParam = z.pipe(
  z.pipe(
    z.string().check(z.maxLength(64)),
    z.transform((code: string) => code.trim().toUpperCase()),
  ),
  z.string().check(z.regex(APPLICATION_CODE_PATTERN)),
);

/** The applicant's birth year (header x-dancu-birth-year): four digits, 1900–2100. */
export const BirthYearParam = z.pipe(
  z.pipe(
    z.string().check(z.regex(/^\s*\d{4}\s*$/)),
    z.transform((year: string) => Number(year.trim())),
  ),
  z.int().check(z.minimum(1900), z.maximum(2100)),
);

/** What split makes a batch id: 22 characters of base64url. */
export const BatchIdParam = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/));

/** An agency code, as in the upload key `incoming/{agencyCode}/`. */
export const AGENCY_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,50}$/;
export const AgencyParam = z.string().check(z.regex(AGENCY_CODE_PATTERN));
export const LimitParam = z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50);
export const NextTokenParam = z.string().check(z.maxLength(2048), z.regex(/^[A-Za-z0-9_-]+$/));

/** A review item id: `{batchId}.{row}`. */
export const ReviewIdParam = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}\.[1-9][0-9]{0,9}$/));
/** The body of POST /review/{id}. */
export const ReviewResolutionBody = z.strictObject({ resolution: z.enum(['merge', 'keepApart']) });

// --- uploads (POST /uploads: the machine path of issue 17) ---

/**
 * A file name an agency uploads under: ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit (no
 * `/`, so no other prefix; no space or diacritic to be encoded in URLs and S3 events), ending in a format the split
 * reads (`formatOfName`: .csv, .ndjson, .jsonl, each optionally .gz). 128 characters at most.
 */
export const UPLOAD_FILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*\.(?:csv|ndjson|jsonl)(?:\.gz)?$/i;
export const UPLOAD_FILE_NAME_MAX = 128;
export const UploadFileName = z
  .string()
  .check(z.maxLength(UPLOAD_FILE_NAME_MAX), z.regex(UPLOAD_FILE_NAME_PATTERN));

/** The body of POST /uploads. */
export const UploadRequestBody = z.strictObject({ fileName: z.string() });

// --- births (GET /births/{registrationId}, issue 20) ---

/** A civil-registration system's registration id, as birth events carry it. */
export const RegistrationIdParam = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/));

const ParentLinkView = z.enum(['linked', 'notFound', 'notGiven']);
/** A registered birth as its registering agency reads it: the number issued, never the child's key. */
export const BirthView = z.strictObject({
  registrationId: z.string(),
  registeringAgency: z.string(),
  status: z.literal('registered').check(described('the child is in the register with the number issued')),
  number: z.string().check(z.regex(/^\d{12}$/), described('the personal ID number issued to the child')),
  missing: z
    .array(z.string())
    .check(described('DC01 fields the event did not carry and no mother’s record gave: to be collected')),
  parents: z.strictObject({ mother: ParentLinkView, father: ParentLinkView }),
  occurredAt: z.string(),
  registeredAt: z.string(),
});

// --- a person's history (GET /persons/{key}/history, issue 19) ---

/** A person key as reports show it: opaque, sealed under the person-key secret (shared/keys.ts personKeys). */
export const PersonKeyParam = z.string().check(z.regex(/^p\d{1,6}:(id|nk):[A-Za-z0-9_-]{22}$/));

const FieldChangeView = z.strictObject({
  field: z.string().check(described('a DC01 field (English name), or keptApart / mergedInto')),
  from: z.optional(z.string()),
  to: z.optional(z.string()),
});
/** One change to a person as an agency reads it (shared/ingest/history-view.ts). */
const ChangeView = z.strictObject({
  version: z.int().check(described('the person’s version the change made; 0 for one kept before issue 19')),
  at: Instant,
  outcome: z.enum(['created', 'updated', 'merged', 'merged_into', 'kept_apart', 'corrected']),
  why: z.optional(
    z.string().check(described("the row's outcome, the decision's maker, or a correction's reason")),
  ),
  fields: z
    .array(FieldChangeView)
    .check(described('values another agency supplied are masked as on review items (initials, year, ***)')),
  batchId: z.optional(z.string()),
  row: z.optional(z.int()),
  reviewId: z.optional(z.string()),
  request: z.optional(z.string()),
  passId: z.optional(z.string()),
  other: z.optional(z.string().check(described('the other person of a merge or a keep-apart'))),
  evidenceRef: z.optional(z.string().check(described("a correction's supporting document"))),
  submittedBy: z.optional(
    z.string().check(described("an approved correction's submitter; `by` approved it")),
  ),
  by: z.optional(
    z.strictObject({
      kind: z.enum(['uploader', 'person', 'machine', 'link-pass']),
      id: z.string().check(described('pseudonymous: a Cognito sub, an app client id or a link pass id')),
    }),
  ),
  migrated: z.optional(z.literal(true)),
  otherAgency: z.optional(
    z.literal(true).check(described('another agency’s change: its batch, request and maker are not shown')),
  ),
});
export const PersonHistoryView = z.strictObject({
  personKey: z.string(),
  changes: z.array(ChangeView).check(described('oldest first')),
});

export const UploadTicket = z
  .strictObject({
    key: z
      .string()
      .check(
        described(`${objectKeys.upload('{agencyCode}', '{fileName}')}: always under the caller’s own agency`),
      ),
    url: z.string().check(described('a presigned S3 URL, valid until expiresAt')),
    method: z.literal('PUT'),
    headers: z
      .record(z.string(), z.string())
      .check(described('send every one of these headers, unchanged: they are signed (x-amz-meta-dancu-*)')),
    expiresAt: Instant,
  })
  .check(described('Where and how to upload one file: PUT the file to url with headers'));

// --- coverage (GET /coverage: issue 18, docs/coverage.md) ---

/** A unit's code: a province (2 digits), a 2020 district (3) or a commune (5), read in the vintage asked. */
export const UnitParam = z.string().check(z.regex(/^[0-9]{2,5}$/));
/** The list of units a code is read in: 2020, or the 2025 one after the July 2025 merges. */
export const VintageParam = z.enum(['2020', '2025']);

const Vintage = z.union([z.literal(2020), z.literal(2025)]);
const CoverageLine = z.strictObject({
  unit: z.strictObject({
    code: z.string(),
    level: z.enum(['province', 'district', 'commune']),
    name: z.string(),
    vintage: z.optional(Vintage.check(described("a not-assigned line: the vintage of the line's code"))),
  }),
  permanent: z.strictObject({
    residents: z.nullable(z.int()).check(described('expected residents; null: no reference figure')),
    collected: z.int(),
    percent: z.nullable(z.number()).check(described('collected / residents × 100, two decimals')),
  }),
  temporary: z.strictObject({ residents: z.nullable(z.int()), collected: z.int() }),
  forms: z.strictObject({
    received: z.int(),
    rejected: z.int(),
    recollected: z.int(),
    duplicate: z.int(),
    updated: z.int(),
    conflict: z.int(),
  }),
  unplaced: z.int().check(described('forms not placed, of agencies whose unit lies within this one')),
  partial: z.optional(
    z
      .literal(true)
      .check(described('a not-assigned line above this unit overlaps it: its figures are there')),
  ),
  notAssigned: z.optional(
    z.literal(true).check(described('a code of the other vintage no unit of this one holds whole')),
  ),
  acrossProvinces: z.optional(
    z.literal(true).check(described('a not-assigned line across provinces: shown in each, counted in none')),
  ),
});

export const CoverageView = z
  .extend(CoverageLine, {
    vintage: Vintage,
    asOf: z.nullable(z.string()).check(described("the expected residents' as-of date; null: none known")),
    residentsMapped: z
      .boolean()
      .check(described("the residents were read in the other vintage's list, moved where units went whole")),
    children: z
      .array(CoverageLine)
      .check(described('one line per unit directly below, then not-assigned lines')),
  })
  .check(described("A unit's coverage: persons collected against expected residents, forms, per unit below"));

/**
 * The columns of a worklist's CSV: those printed before kinds were first, then the kind, the English messages, a
 * duplicate's review id and the person's fields (empty on another agency's line).
 */
export const WORKLIST_CSV_COLUMNS = [
  'agencyCode',
  'batchId',
  'row',
  'formId',
  'commune2020',
  'commune2025',
  'codes',
  'messages',
  'kind',
  'messagesEn',
  'reviewId',
  'fullName',
  'dateOfBirth',
  'permanentAddress',
  'currentAddress',
] as const;

export const WorklistView = z
  .strictObject({
    commune: z
      .strictObject({ code: z.string(), vintage: Vintage, name: z.string() })
      .check(described("the commune asked, or the agency's own unit (its unplaced forms)")),
    items: z.array(
      z.strictObject({
        kind: z
          .enum(['rejected', 'duplicate', 'conflict', 'unplaced'])
          .check(
            described(
              'rejected: to be collected again; duplicate, conflict: waiting for a decision; unplaced: its address places in no commune',
            ),
          ),
        agencyCode: z.string().check(described('the agency that uploaded the form')),
        batchId: z.string(),
        row: z.number(),
        formId: z.string().check(described("the form's id; '' when it had none")),
        commune2020: z.string().check(described("its permanent commune in the 2020 list; '' when none")),
        commune2025: z.string().check(described("its permanent commune in the 2025 list; '' when none")),
        codes: z
          .array(z.strictObject({ code: z.string(), vi: z.string(), en: z.string() }))
          .check(described('why it is listed, each code with its Vietnamese and English message')),
        reviewId: z.optional(
          z
            .string()
            .check(described("a duplicate's review item on the uploading agency's list: POST /review/{id}")),
        ),
        person: z.optional(
          z
            .strictObject({
              fullName: z.optional(z.string()),
              dateOfBirth: z.optional(z.string()),
              permanentAddress: z.optional(z.string()),
              currentAddress: z.optional(z.string()),
            })
            .check(
              described(
                "the form's personal fields as written, on the uploading agency's own lines only (never the ID, never a phone)",
              ),
            ),
        ),
      }),
    ),
    nextToken: z.optional(z.string()),
  })
  .check(
    described(
      "A commune's rejected forms still waiting to be collected again, and its probable duplicates and conflicts waiting for a decision; or an agency's forms that place in no commune",
    ),
  );
