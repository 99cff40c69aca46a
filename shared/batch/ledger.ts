// The batch ledger as agencies read it: one outcomes.csv line per data row and a summary.json.
import {
  type BatchCode,
  batchFailureMessage,
  describeIssue,
  isOutcomeCode,
  isWarningCode,
  type RowIssue,
} from '#domain/errors.ts';

/** A DC01 batch's outcomes, as its summary counts them. */
export const RECORD_OUTCOMES = [
  'new',
  'duplicate',
  'updated',
  'conflict',
  'probable_duplicate',
  'rejected',
] as const;
/** A correction batch's (issue 19): made at once, waiting for a second officer, or refused with a code. */
export const CORRECTION_OUTCOMES = ['applied', 'pending_approval', 'rejected'] as const;
/** Every outcome, in a fixed order (the check's writer thread is sent each row's as its index) */
export const OUTCOMES = [...RECORD_OUTCOMES, 'applied', 'pending_approval'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** How record linkage placed a row: the person it was linked to, and the score (bits) when one was computed. */
export interface RowLink {
  personKey: string;
  score?: number;
  /** a probable duplicate's review item: both records side by side, for review.csv */
  review?: ReviewRow;
}

/** A review-list item as review.csv shows it. */
interface ReviewRow {
  id: string;
  reasons: string[];
  fields: { field: string; incoming: string; held: string; level: string }[];
}

export interface RowOutcome {
  /** 1-based data row number */
  row: number;
  /** the file's line number of the row's first line (header = line 1); absent when unknown (an older work file) */
  line?: number;
  formId?: string;
  outcome: Outcome;
  personKey?: string;
  issues: RowIssue[];
  link?: RowLink;
  /** the row's cells as the file holds them (header order), for the rows a clerk acts on (outcomes.xlsx) */
  cells?: readonly (string | null | undefined)[];
}

/** The outcomes a clerk has to act on: the row was not taken, or waits for someone to decide. */
const ACTED_ON: ReadonlySet<Outcome> = new Set([
  'rejected',
  'conflict',
  'probable_duplicate',
  'pending_approval',
]);

/**
 * Whether outcomes.xlsx lists the row: an outcome to act on, or an accepted row that carries a row code (a warning).
 * Outcome codes (SAME_FORM, FIELDS_UPDATED…) only say what a row was compared with: nothing to act on.
 */
export function needsAction(outcome: Pick<RowOutcome, 'outcome' | 'issues'>): boolean {
  return ACTED_ON.has(outcome.outcome) || outcome.issues.some((issue) => !isOutcomeCode(issue.code));
}

export interface BatchSummary {
  /** a correction file's (issue 19); a DC01 batch's summary has none */
  kind?: 'corrections';
  batchId: string;
  agencyCode: string;
  objectKey: string;
  status: 'completed' | 'failed';
  rows: number;
  /** RECORD_OUTCOMES for a DC01 batch, CORRECTION_OUTCOMES for a correction batch */
  outcomes: Partial<Record<Outcome, number>>;
  errorsByCode: Record<string, number>;
  /** warning codes on accepted rows (WARNING_CODE_IDS), never in errorsByCode */
  warningsByCode: Record<string, number>;
  startedAt: string;
  finishedAt: string;
  failure?: { code: string; message: string };
  /** header cells or JSON keys that are not DC01 fields, ignored */
  unknownColumns?: string[];
}

export const OUTCOMES_CSV_HEADER = 'row,line,form_id,outcome,person_key,codes,message';
/** outcomes.csv begins with it: Excel on Windows reads a CSV without it in the ANSI code page, and Vietnamese as mojibake */
export const UTF8_BOM = '\ufeff';
/** The first bytes of outcomes.csv: the mark and the header line. */
export const OUTCOMES_CSV_START = `${UTF8_BOM}${OUTCOMES_CSV_HEADER}\n`;

/** How a report names a field: the label the file's header used (fields.ts fieldLabels), else the English id. */
export type FieldLabels = ReadonlyMap<string, string>;
const NO_LABELS: FieldLabels = new Map();

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A CSV cell that no spreadsheet will execute: a leading = + - @ (or tab, CR) is escaped with a quote mark. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** What the message column says of a linked row, in Vietnamese and English (no personal data: keys and a score). */
function describeLink(outcome: Outcome, link: RowLink, language: 'both' | 'vi'): string {
  const score = link.score === undefined ? '' : ` (${link.score.toFixed(1)})`;
  const bits = link.score === undefined ? '' : ` (score ${link.score.toFixed(1)} bits)`;
  if (outcome === 'probable_duplicate') {
    const vi = `Có thể trùng với người ${link.personKey}${score}, chờ xem xét`;
    return language === 'vi'
      ? vi
      : `${vi} / Probable duplicate of person ${link.personKey}${bits}, on the review list`;
  }
  const vi = `Đã ghép vào người ${link.personKey} theo so khớp hồ sơ${score}`;
  return language === 'vi' ? vi : `${vi} / Joined person ${link.personKey} by record linkage${bits}`;
}

/** A row's codes, `;` between them. */
export const outcomeCodes = (outcome: Pick<RowOutcome, 'issues'>) =>
  outcome.issues.map((issue) => issue.code).join(';');

/** The message a report shows for a row: every issue, fields named by the file's labels, and how linkage placed it. */
export function outcomeMessage(
  outcome: Pick<RowOutcome, 'outcome' | 'issues' | 'link'>,
  labels: FieldLabels = NO_LABELS,
  language: 'both' | 'vi' = 'both',
): string {
  const messages = outcome.issues.map((issue) =>
    describeIssue(issue, (field) => labels.get(field), language),
  );
  // outcome files written before issue 21 name the linked person only in `link`
  if (outcome.link && !outcome.issues.some((issue) => issue.person !== undefined))
    messages.push(describeLink(outcome.outcome, outcome.link, language));
  return messages.join('; ');
}

/** The end of a row's outcomes.csv line, after its person key: its codes and its message (`,` when none). */
export function outcomeCsvTail(
  outcome: Pick<RowOutcome, 'outcome' | 'issues' | 'link'>,
  labels: FieldLabels = NO_LABELS,
): string {
  // most rows of a batch: nothing to say (the report of a province-sized file writes a million of them)
  if (outcome.issues.length === 0 && !outcome.link) return ',';
  return `${outcomeCodes(outcome)},${csvCell(outcomeMessage(outcome, labels))}`;
}

export function outcomeCsvLine(outcome: RowOutcome, labels: FieldLabels = NO_LABELS): string {
  const line = outcome.line === undefined || Number.isNaN(outcome.line) ? '' : outcome.line;
  return `${outcome.row},${line},${csvCell(outcome.formId ?? '')},${outcome.outcome},${csvCell(outcome.personKey ?? '')},${outcomeCsvTail(outcome, labels)}`;
}

/** Counts outcomes, error codes and warning codes as rows are decided, in any order. */
export class LedgerTally {
  rows = 0;
  readonly outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  readonly errorsByCode: Record<string, number> = {};
  readonly warningsByCode: Record<string, number> = {};

  add(outcome: RowOutcome): void {
    this.rows += 1;
    this.outcomes[outcome.outcome] += 1;
    // outcome codes say why an accepted row is not new, warnings what is worth a look: neither is an error
    for (const { code } of outcome.issues) {
      if (isOutcomeCode(code)) continue;
      const counts = isWarningCode(code) ? this.warningsByCode : this.errorsByCode;
      counts[code] = (counts[code] ?? 0) + 1;
    }
  }
}

export interface SummaryInput {
  batchId: string;
  agencyCode: string;
  objectKey: string;
  /** ISO 8601 */
  startedAt: string;
  finishedAt: string;
  tally: LedgerTally;
  unknownColumns?: string[];
  /** a batch that failed as a whole: its code and its message in Vietnamese and English */
  failure?: { code: string; message: string } | undefined;
  kind?: 'corrections';
}

/** The failure of a batch code with a detail, as a summary states it. */
export function batchFailure(code: BatchCode, detail?: string): { code: string; message: string } {
  return { code, message: batchFailureMessage(code, detail) };
}

export function buildSummary(input: SummaryInput): BatchSummary {
  const { tally, failure } = input;
  const counted = input.kind === 'corrections' ? CORRECTION_OUTCOMES : RECORD_OUTCOMES;
  const outcomes = Object.fromEntries(
    counted.map((outcome) => [outcome, failure ? 0 : tally.outcomes[outcome]]),
  );
  const summary: BatchSummary = {
    ...(input.kind ? { kind: input.kind } : {}),
    batchId: input.batchId,
    agencyCode: input.agencyCode,
    objectKey: input.objectKey,
    status: failure ? 'failed' : 'completed',
    rows: failure ? 0 : tally.rows,
    outcomes,
    errorsByCode: failure ? {} : { ...tally.errorsByCode },
    warningsByCode: failure ? {} : { ...tally.warningsByCode },
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
  };
  if (failure) summary.failure = failure;
  if (!failure && input.unknownColumns && input.unknownColumns.length > 0)
    summary.unknownColumns = input.unknownColumns;
  return summary;
}

/** The compared fields as review.csv names them, in the order linkage compares them. */
const REVIEW_CSV_FIELDS = [
  ['fullName', 'full_name'],
  ['dateOfBirth', 'date_of_birth'],
  ['sex', 'sex'],
  ['birthRegistrationPlace', 'birth_registration_place'],
  ['hometown', 'hometown'],
  ['fatherName', 'father_name'],
  ['motherName', 'mother_name'],
  ['personalId', 'personal_id'],
] as const;

/** review.csv: one line per probable duplicate, both records side by side with each field's level. */
export const REVIEW_CSV_HEADER = [
  'review_id',
  'row',
  'form_id',
  'person_key',
  'candidate_person_key',
  'score',
  ...REVIEW_CSV_FIELDS.flatMap(([, column]) => [`${column}`, `candidate_${column}`, `${column}_level`]),
  'reasons',
].join(',');

export function reviewCsvLine(outcome: RowOutcome): string | undefined {
  const link = outcome.link;
  if (outcome.outcome !== 'probable_duplicate' || !link?.review) return undefined;
  const byField = new Map(link.review.fields.map((f) => [f.field, f]));
  return [
    csvCell(link.review.id),
    String(outcome.row),
    csvCell(outcome.formId ?? ''),
    csvCell(outcome.personKey ?? ''),
    csvCell(link.personKey),
    link.score === undefined ? '' : link.score.toFixed(2),
    ...REVIEW_CSV_FIELDS.flatMap(([field]) => {
      const f = byField.get(field);
      return [csvCell(f?.incoming ?? ''), csvCell(f?.held ?? ''), f?.level ?? ''];
    }),
    csvCell(link.review.reasons.join('; ')),
  ].join(',');
}
