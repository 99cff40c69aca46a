// The worklist lines the register step puts beside a row's outcome (issue 25, docs/coverage.md "Worklists"): a
// probable duplicate or a conflict waiting for a decision, under the communes its permanent address places it in, and
// a new, updated or probably duplicate form that places in no commune of a list, under its agency's unplaced forms.
// Written where the record is at hand (its personal fields for the uploading agency), not by finalize, whose bundle
// has no room. The rejected forms' lines are finalize's (recollect-store.ts). No SDK here.
import type { PopulationRecord } from '#domain/record.ts';
import type { OutcomeEntry } from '../ingest/types.ts';
import { worklistKeys } from '../keys.ts';
import type { ListedForm, WorklistPerson } from '../model/coverage.ts';
import { placesIn } from './places.ts';

const VINTAGES = [2020, 2025] as const;

type PersonFields = Pick<
  PopulationRecord,
  'fullName' | 'dateOfBirth' | 'permanentAddress' | 'currentAddress'
>;

/** What a worklist line shows the uploading agency to find the person: no ID, no phone. */
export function personOf(record: PersonFields): WorklistPerson {
  return {
    fullName: record.fullName,
    dateOfBirth: record.dateOfBirth,
    ...(record.permanentAddress ? { permanentAddress: record.permanentAddress } : {}),
    ...(record.currentAddress ? { currentAddress: record.currentAddress } : {}),
  };
}

/** The row's worklist line, when it has one: its personal fields are read from its record only then. */
export function listedForm(
  line: OutcomeEntry,
  agencyCode: string,
  record: PersonFields,
): ListedForm | undefined {
  const [row, outcome, personKey, formId, issues, , , , places] = line;
  // a `duplicate` is a form already applied (its line, if any, is the first's); no places: an older outcome line
  if (!places || outcome === 'duplicate' || outcome === 'rejected') return undefined;
  const kind =
    outcome === 'probable_duplicate' ? 'duplicate' : outcome === 'conflict' ? 'conflict' : 'unplaced';
  const permanent = VINTAGES.map((vintage) => placesIn(places, vintage).permanent);
  const lists = new Set<string>();
  for (const [at, place] of permanent.entries()) {
    if (!place) lists.add(worklistKeys.unplacedPartition(agencyCode));
    // a commune of the other list this one cannot assign (`^code`) lists nothing, as for a rejected form
    else if (kind !== 'unplaced' && !place.startsWith('^'))
      lists.add(worklistKeys.communePartition(VINTAGES[at] as number, place));
  }
  if (lists.size === 0) return undefined;
  return {
    kind,
    row,
    formId,
    personKey,
    communes: permanent.map((place) => place.replace(/^\^.*/, '')) as [string, string],
    codes: [...new Set(issues.map((issue) => issue.code))],
    lists: [...lists],
    person: personOf(record),
  };
}
