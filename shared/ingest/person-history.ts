// The history of each change to a person (issue 19; docs/data-model.md "The history table"). Without transactions,
// a change and its history item are two writes; each kind of change writes them in the order a retry can complete:
// - an update or a merge puts its item first, keyed by the version it makes and what makes it, then changes the
//   person only if it is still that version, naming the item (`lastChange`). A crash in between leaves an item no
//   person names: the retry reads the person again and puts the same key (found there) or, the person having
//   changed, another. Each item names the one before it (`prev`), so the landed changes are the chain from the
//   person's `lastChange`, and an item whose change never landed is in no chain (landedChanges);
// - a row's new person puts no item: the person keeps what its creation's history needs besides its record (when,
//   by whom, the row's outcome: `creation`) in the one write that creates it, naming its creation's key, and the
//   reader derives the creation there (derivedCreation). One write: nothing for a retry to complete;
// - a birth's child is stored first, naming its creation's item, then the item is put; the registration's
//   redelivery puts it again (shared/births/register-birth.ts).
// No SDK here.
import type { PopulationRecord } from '#domain/record.ts';
import { historyKeys, rowTag } from '../keys.ts';
import type { ChangeActor, ChangeDraft, ChangeOutcome, PersonChange } from '../model/history.ts';
import { recordFromValues, recordValues } from '../model/person-record.ts';
import type { HistoryWriter } from '../model/ports.ts';
import type { FieldChanges, HeldPerson, RowOrigin } from '../model/register.ts';
import { parseEntry } from './applied-entry.ts';

/** Who made a row's changes: the batch's uploader, as its upload URL was signed for (unknown for an older batch). */
export const rowActor = (origin: RowOrigin): ChangeActor => ({
  kind: 'uploader',
  id: origin.uploadedBy ?? 'unknown',
});

/** Each of `fields` from its value in `before` to its value in `after`. */
export function fieldChanges(
  before: PopulationRecord,
  after: PopulationRecord,
  fields: readonly (keyof PopulationRecord)[],
): FieldChanges {
  return Object.fromEntries(fields.map((field) => [field, { from: before[field], to: after[field] }]));
}

/** The history item a person was created with (a birth's; a row's is derived when read): every field, `to` only. */
export function creationChange(
  key: string,
  origin: RowOrigin,
  record: PopulationRecord,
  why: string,
): ChangeDraft {
  const changes: FieldChanges = {};
  for (const [field, value] of Object.entries(record))
    if (value !== undefined) changes[field] = { to: value };
  return {
    personKey: key,
    version: 1,
    change: rowTag(origin),
    outcome: 'created',
    why,
    changes,
    agencyCode: origin.agencyCode,
    batchId: origin.batchId,
    row: origin.row,
    by: rowActor(origin),
  };
}

/** The sort key of a person's creation, which the person names: a birth's item is put under it, a row's derived. */
export const creationKey = (key: string, origin: RowOrigin) => historyKeys.change(key, 1, rowTag(origin)).sk;

/**
 * The last change to the person as read: what it names, or for a person as its blocking item filed it (still as
 * created) its creation.
 */
export function lastChangeOf(key: string, held: HeldPerson): string | undefined {
  if (held.filed) return historyKeys.change(key, 1, parseEntry(held.filed).tag).sk;
  return held.lastChange;
}

/** What a change made to the person as read says besides its fields and where it came from. */
export interface ChangeFacts {
  change: string;
  outcome: ChangeOutcome;
  why?: string;
  changes: FieldChanges;
  by: ChangeActor;
  agencyCode?: string;
  source: Pick<
    PersonChange,
    'batchId' | 'row' | 'reviewId' | 'request' | 'passId' | 'other' | 'evidenceRef' | 'submittedBy'
  >;
}

/**
 * Puts the history item of a change about to be made to the person as read (the version after it, the change before
 * it); its sort key, which the person's write then names.
 */
export function putChange(
  history: HistoryWriter,
  key: string,
  held: HeldPerson,
  facts: ChangeFacts,
): Promise<string> {
  const { source, ...rest } = facts;
  const prev = lastChangeOf(key, held);
  return history.put({
    personKey: key,
    version: held.version + 1,
    ...rest,
    ...source,
    ...(prev ? { prev } : {}),
  });
}

/** The creation a person's history derives, as creationChange would have put it: undefined for one put as an item. */
function derivedCreation(
  key: string,
  person: Pick<HeldPerson, 'record' | 'agencyCode' | 'creation'>,
  sortKey: string,
  later: readonly PersonChange[],
): PersonChange | undefined {
  const row = historyKeys.rowOf(sortKey);
  if (!person.creation || historyKeys.versionOf(sortKey) !== 1 || !row) return undefined;
  // the record as created: the person's taken back through each change since, newest first (so a write that changes
  // a person's record must land a change in the chain, with each field's `from`)
  const record: Record<string, unknown> = { ...person.record };
  for (const change of later)
    for (const [field, { from }] of Object.entries(change.changes)) record[field] = from;
  const { at, by, why } = person.creation;
  const origin = { ...row, agencyCode: person.agencyCode as string, uploadedBy: by };
  // in the record's own order, its fields alone (a merge's `mergedInto` is not one)
  const created = recordFromValues(recordValues(record as PopulationRecord));
  return { ...creationChange(key, origin, created, why), at };
}

/**
 * The changes that landed, oldest first: the chain from the person's `lastChange` back through each item's `prev`
 * (an item no chain reaches is one whose person write never landed), after the items migrated from before issue 19,
 * by when they were written. A missing item ends the chain: a row's creation, derived from the person, or a birth's
 * whose item its redelivery has yet to put (not shown until it is).
 */
export function landedChanges(
  key: string,
  items: readonly (PersonChange & { sk: string })[],
  person: Pick<HeldPerson, 'record' | 'agencyCode' | 'lastChange' | 'creation'>,
): PersonChange[] {
  const bySortKey = new Map(items.map((item) => [item.sk, item]));
  const chain: PersonChange[] = [];
  const seen = new Set<string>();
  for (let sk = person.lastChange; sk && !seen.has(sk); ) {
    seen.add(sk);
    const item = bySortKey.get(sk) ?? derivedCreation(key, person, sk, chain);
    if (!item) break;
    chain.push(item);
    sk = item.prev;
  }
  const migrated = items.filter((item) => item.migrated).sort((a, b) => a.at.localeCompare(b.at));
  return [...migrated, ...chain.reverse()];
}
