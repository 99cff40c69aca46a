// A person's history as an agency reads it (GET /persons/{key}/history, npm run history): the changes that landed,
// oldest first, each field's values as written where the caller's agency supplied them and masked as a review item
// masks another agency's person where it did not; another agency's change without its batch, request or maker.
import type { PersonChange } from '../model/history.ts';
import { maskValue } from './review-items.ts';

export interface FieldChangeView {
  field: string;
  from?: string;
  to?: string;
}

export type ChangeView = Pick<PersonChange, 'version' | 'at' | 'outcome'> &
  Partial<
    Pick<
      PersonChange,
      | 'why'
      | 'batchId'
      | 'row'
      | 'reviewId'
      | 'request'
      | 'passId'
      | 'other'
      | 'evidenceRef'
      | 'submittedBy'
      | 'by'
      | 'migrated'
    >
  > & {
    fields: FieldChangeView[];
    /** made by another agency (or a link pass with its data): where it came from and who made it are not shown */
    otherAgency?: true;
  };

const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));

/**
 * The changes as agency `agency` may read them; undefined when none of them is its own and it did not register the
 * person (`personAgency`): a person it never touched is not shown to it at all. Without `agency` (the operator's
 * command), every value as written.
 */
export function historyView(
  changes: readonly PersonChange[],
  agency: string | undefined,
  personAgency: string | undefined,
): ChangeView[] | undefined {
  if (agency && personAgency !== agency && !changes.some((change) => change.agencyCode === agency))
    return undefined;
  // which agency supplied each field's value as it stands: a change's `from` is what the change before it wrote
  const supplier = new Map<string, string | undefined>();
  return changes.map((change) => {
    const own = agency === undefined || change.agencyCode === agency;
    const fields = Object.entries(change.changes).map(([field, values]) => {
      const ownFrom =
        agency === undefined || (supplier.has(field) ? supplier.get(field) : personAgency) === agency;
      supplier.set(field, change.agencyCode);
      const from = text(values.from);
      const to = text(values.to);
      const view: FieldChangeView = { field };
      if (from !== undefined) view.from = ownFrom ? from : maskValue(field, from);
      if (to !== undefined) view.to = own ? to : maskValue(field, to);
      return view;
    });
    const view: ChangeView = { version: change.version, at: change.at, outcome: change.outcome, fields };
    if (change.why) view.why = change.why;
    if (change.migrated) view.migrated = true;
    if (!own) return { ...view, otherAgency: true };
    const shown = [
      'batchId',
      'row',
      'reviewId',
      'request',
      'passId',
      'other',
      'evidenceRef',
      'submittedBy',
      'by',
    ] as const;
    for (const name of shown) if (change[name] !== undefined) Object.assign(view, { [name]: change[name] });
    return view;
  });
}
