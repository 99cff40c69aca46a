// A probable duplicate on the review list: the two records side by side with the levels and reasons, and how a
// reviewer resolved it. The register stores and lists these; this module only says what one holds.
// zod/mini, as shared/domain/record.ts: the register bundles this
import * as z from 'zod/mini';
import { COMPARED_FIELDS, type ComparedField, type LinkableRecord } from './compare.ts';
import type { MatchScore } from './score.ts';

/** A reviewer's decision: the two records are one person (merge) or two (keep apart, remembered by linkRecord). */
export const ReviewResolution = z.enum(['merge', 'keepApart']);
export type ReviewResolution = z.infer<typeof ReviewResolution>;

/** One item of the review list, as stored: the incoming person, the candidate, and why they were paired. */
export const ReviewItem = z.object({
  /** the person key the incoming record was stored under (its own: it was not merged) */
  personKey: z.string().check(z.minLength(1)),
  /** the held person it probably duplicates */
  candidatePersonKey: z.string().check(z.minLength(1)),
  /** bits */
  score: z.number(),
  /** "field level ±weight", strongest first */
  reasons: z.array(z.string()),
  resolution: z.optional(ReviewResolution),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

/** The review item for a record linkRecord sent to review. */
export function reviewItem(personKey: string, best: MatchScore & { personKey: string }): ReviewItem {
  return { personKey, candidatePersonKey: best.personKey, score: best.score, reasons: best.reasons };
}

/** One compared field of the two records, side by side, with its level. */
export interface SideBySideField {
  field: ComparedField;
  incoming: string;
  held: string;
  level: string;
}

/** The compared fields of both records as a reviewer reads them: values as written, empty when absent. */
export function sideBySide(
  incoming: LinkableRecord,
  held: LinkableRecord,
  score: Pick<MatchScore, 'levels'>,
): SideBySideField[] {
  return COMPARED_FIELDS.map((field) => ({
    field,
    incoming: incoming[field] ?? '',
    held: held[field] ?? '',
    level: score.levels[field],
  }));
}
