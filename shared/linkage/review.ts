// A probable duplicate on the review list: the two records side by side with their levels, and how a reviewer
// resolves it. The item itself: shared/ingest/review-items.ts.
// zod/mini, as shared/domain/record.ts: the register bundles this
import * as z from 'zod/mini';
import { COMPARED_FIELDS, type ComparedField, type LinkableRecord } from './compare.ts';
import type { MatchScore } from './score.ts';

/** A reviewer's decision: the two records are one person (merge) or two (keep apart, remembered by linkRecord). */
export const ReviewResolution = z.enum(['merge', 'keepApart']);
export type ReviewResolution = z.infer<typeof ReviewResolution>;

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
