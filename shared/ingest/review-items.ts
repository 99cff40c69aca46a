// A probable duplicate as an agency's reviewer sees it: the two records side by side, another agency's person masked.
// Made here for both ways a review item is found: a row registered with linkage, and the link pass.
import type { PopulationRecord } from '#domain/record.ts';
import { reviewId } from '../keys.ts';
import { type SideBySideField, sideBySide } from '../linkage/review.ts';
import type { MatchScore } from '../linkage/score.ts';
import type { RowOrigin, StoredReview } from '../model/register.ts';
import { maskName } from '../procedures/masking.ts';

/** A score as rows and review items carry it, and as `applied` entries keep it: two decimals. */
export const roundScore = (score: number) => Math.round(score * 100) / 100;

/**
 * A side-by-side field of a person another agency registered: names by their initials, the date of birth by
 * its year, sex as is, the rest (places, ID) left out; the level still says how the two compare.
 */
export function maskHeld(field: SideBySideField): SideBySideField {
  return field.held ? { ...field, held: maskValue(field.field, field.held) } : field;
}

/**
 * A field's value as another agency may see it (a review item's held side, a person's history): a name by its
 * initials, a date of birth by its year, sex as is, anything else left out.
 */
export function maskValue(field: string, value: string): string {
  if (field === 'fullName' || field === 'fatherName' || field === 'motherName') return maskName(value);
  if (field === 'dateOfBirth') return `${value.slice(0, 4)}-**-**`;
  if (field === 'sex') return value;
  return '***';
}

export interface ReviewSubject {
  /** the row the item is filed under: its agency's list, its batch and row */
  origin: RowOrigin;
  formId?: string;
  personKey: string;
  record: PopulationRecord;
  candidatePersonKey: string;
  /** the candidate's record and agency, when it is at hand */
  candidate?: { record: PopulationRecord; agencyCode?: string };
  match: Pick<MatchScore, 'score' | 'reasons' | 'levels'>;
}

/** The review item of a row and its candidate. */
export function reviewItem(subject: ReviewSubject): StoredReview {
  const { origin, candidate, match } = subject;
  const fields = candidate ? sideBySide(subject.record, candidate.record, match) : [];
  return {
    id: reviewId(origin),
    agencyCode: origin.agencyCode,
    batchId: origin.batchId,
    row: origin.row,
    ...(subject.formId ? { formId: subject.formId } : {}),
    personKey: subject.personKey,
    candidatePersonKey: subject.candidatePersonKey,
    score: roundScore(match.score),
    reasons: match.reasons,
    // another agency's person is shown to this agency's reviewer only as far as it must be to decide
    fields:
      candidate?.agencyCode && candidate.agencyCode !== origin.agencyCode ? fields.map(maskHeld) : fields,
    createdAt: new Date().toISOString(),
  };
}
