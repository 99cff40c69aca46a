// The API's shapes of the decisions function alone (issue 19): corrections waiting for a second officer and conflicts
// waiting for a reviewer. Apart from schemas.ts so that the agency function, whose bundle is near its limit, does not
// bundle them (zod's schema objects are built when the module loads, whoever uses them). The lookup function's
// OpenAPI document imports them.
import * as z from 'zod/mini';
import { described, Instant } from './schemas.ts';

/** A correction's id: a correction row's (as a review item's), or `{batchId}.{row}.{field}` of a conflict's `take`. */
export const CorrectionIdParam = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{22}\.[1-9][0-9]{0,9}(\.[a-z][a-z_]{0,39})?$/));

/** The body of POST /corrections/{id}: the second officer's decision (issue 19). */
export const CorrectionDecisionBody = z.strictObject({ decision: z.enum(['approve', 'reject']) });
/** GET /corrections's `status`. */
export const CorrectionStatusParam = z.enum(['pending', 'approving', 'approved', 'rejected']);

/** The body of POST /conflicts/{id}: keep the held value, take the incoming one, or different persons (issue 19). */
export const ConflictDecisionBody = z.union([
  z.strictObject({ decision: z.enum(['keep', 'different']) }),
  z.strictObject({
    decision: z.literal('take'),
    reason: z.enum(['collection_error', 'civil_registration', 'court_decision', 'other']),
    evidenceRef: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  }),
]);
/** GET /conflicts's `status`. */
export const ConflictStatusParam = z.enum(['open', 'decided']);

export const CorrectionView = z
  .strictObject({
    id: z
      .string()
      .check(
        described(
          "{batchId}.{row} of the correction row, or {batchId}.{row}.{field} of a conflict's take: POST /corrections/{id} decides it",
        ),
      ),
    agencyCode: z.string().check(described('the submitting agency')),
    batchId: z.string(),
    row: z.int(),
    formId: z.optional(z.string()),
    personKey: z.string(),
    field: z.string().check(described("the DC01 field's English name")),
    from: z.optional(z.string()).check(described('the value held when the row was decided')),
    to: z.optional(z.string()).check(described('the value it becomes (absent: emptied)')),
    reason: z.enum(['collection_error', 'civil_registration', 'court_decision', 'other']),
    evidenceRef: z.string(),
    submittedBy: z.optional(
      z
        .string()
        .check(
          described(
            "the uploader's sub or client id, or the reviewer's who took a conflict's: never its approver",
          ),
        ),
    ),
    conflictId: z.optional(
      z.string().check(described('the conflict whose incoming value it takes (POST /conflicts/{id})')),
    ),
    createdAt: Instant,
    status: z.enum(['pending', 'approving', 'approved', 'rejected']),
    decision: z.optional(
      z.strictObject({
        by: z.string().check(described("the deciding officer's sub")),
        at: Instant,
        request: z.string(),
        code: z.optional(z.string().check(described('why an approval could not apply it, rejecting it'))),
      }),
    ),
  })
  .check(described('A correction of an identity field'));

export const CorrectionList = z
  .strictObject({
    agencyCode: z.string(),
    items: z.array(CorrectionView),
    nextToken: z.nullable(z.string()).check(described('pass as nextToken for the next page')),
  })
  .check(described("An agency's identity corrections: its own, or those of an agency of a unit below"));

export const ConflictView = z
  .strictObject({
    id: z
      .string()
      .check(described('{batchId}.{row} of the conflicting row: POST /conflicts/{id} decides it')),
    agencyCode: z.string().check(described('the uploading agency, whose list it is on')),
    batchId: z.string(),
    row: z.int(),
    formId: z.optional(z.string()),
    personKey: z.string().check(described('the person who holds the personal ID')),
    differing: z
      .array(z.string())
      .check(described('the identity fields on which the two differed when the row came')),
    fields: z
      .array(
        z.strictObject({
          field: z.string(),
          incoming: z.optional(z.string()),
          held: z.optional(z.string()),
          same: z.boolean(),
        }),
      )
      .check(
        described(
          "both versions side by side: the form's values and the held person's now, masked where another agency registered the person",
        ),
      ),
    heldBy: z.optional(z.string().check(described('the agency that registered the held person'))),
    createdAt: Instant,
    status: z.enum(['open', 'decided']),
    decision: z.optional(
      z.strictObject({
        decision: z.enum(['keep', 'take', 'different']),
        by: z.string().check(described("the deciding caller's sub or client id")),
        byKind: z.enum(['person', 'machine']),
        at: Instant,
        request: z.string(),
        corrections: z.optional(
          z
            .array(
              z.strictObject({
                id: z.string(),
                field: z.string(),
                from: z.optional(z.string()),
                to: z.optional(z.string()),
              }),
            )
            .check(described('take: the pending identity corrections it put (GET /corrections)')),
        ),
        reason: z.optional(z.enum(['collection_error', 'civil_registration', 'court_decision', 'other'])),
        evidenceRef: z.optional(z.string()),
        personKey: z.optional(
          z.string().check(described('take: the corrected person; different: the person the form became')),
        ),
      }),
    ),
  })
  .check(described('A row whose personal ID is held for a person with another identity'));

export const ConflictList = z
  .strictObject({
    agencyCode: z.string(),
    items: z.array(ConflictView),
    nextToken: z.nullable(z.string()).check(described('pass as nextToken for the next page')),
  })
  .check(described("An agency's conflicts: its own, or those of an agency of a unit below"));
