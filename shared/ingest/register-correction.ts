// Register: a chunk of correction rows (issue 19, docs/corrections.md), each decided against the person it names as
// the register holds it now. A field other than an identity field is changed at once (`applied`): the history item
// first, then the record on the version read, naming it (person-history.ts), so a DC01 row and a correction of the
// same person at the same time end in one order, which the history shows, and neither is lost. An identity field
// goes on the agency's correction list (`pending_approval`) for a second officer; the record stays as it is.
// Idempotent: an applied row's entry is on the person, a pending row's item on the list, so a redelivered row finds
// what the first attempt decided. No SDK here.
import { outcomeNote, type RowIssue } from '#domain/errors.ts';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { type CorrectionDecision, type CorrectionLine, decideOnRecord } from '../corrections/correction.ts';
import { moveOf } from '../coverage/moves.ts';
import { personKeys, reviewId, rowTag } from '../keys.ts';
import type { ChangeActor } from '../model/history.ts';
import type { CorrectionLists, HistoryWriter, RowRegister } from '../model/ports.ts';
import type { HeldPerson, RowOrigin } from '../model/register.ts';
import { formatEntry, parseEntry } from './applied-entry.ts';
import { fieldChanges, putChange, rowActor } from './person-history.ts';
import type { OutcomeEntry } from './types.ts';

const MAX_ATTEMPTS = 20;
/** a chain of merges is followed this far, as a DC01 row's */
const MAX_HOPS = 4;

export interface CorrectionStores {
  register: Pick<RowRegister, 'getPerson' | 'recordOutcome'>;
  history: HistoryWriter;
  corrections: CorrectionLists;
}

export type CorrectionOutcome = 'applied' | 'pending_approval' | 'rejected';

export interface CorrectionResult {
  outcome: CorrectionOutcome;
  /** the person corrected (after any merge); empty when none was found */
  personKey: string;
  issues: RowIssue[];
  /** a corrected address that moved the person to other communes (shared/coverage/moves.ts) */
  moved?: string;
}

/** The person `key` names, following merges: its own key and the person as read; undefined when none is held. */
export async function findPerson(
  register: Pick<RowRegister, 'getPerson'>,
  key: string,
): Promise<{ key: string; held: HeldPerson } | undefined> {
  for (let hops = 0; hops <= MAX_HOPS; hops++) {
    const held = await register.getPerson(key);
    if (!held) return undefined;
    if (!held.mergedInto) return { key, held };
    key = held.mergedInto;
  }
  return undefined;
}

/** Where a correction came from and who made it, as its history item records it. */
export interface CorrectionFacts {
  /** what made it: the row's tag, or an approval's (correctionTag) */
  change: string;
  reason: string;
  evidenceRef: string;
  agencyCode: string;
  by: ChangeActor;
  batchId: string;
  row: number;
  /** an approval's: its request, and who submitted the correction */
  request?: string;
  submittedBy?: string;
}

/**
 * A decided correction written: its history item, then the record on the version read with `entry` among its
 * applied entries; false when the person changed since it was read (the item is then in no chain: read again).
 */
export async function writeCorrection(
  stores: Pick<CorrectionStores, 'register' | 'history'>,
  key: string,
  held: HeldPerson,
  decision: Extract<CorrectionDecision, { record: unknown }>,
  facts: CorrectionFacts,
  entry: string,
): Promise<boolean> {
  const { change, reason, by, agencyCode, ...source } = facts;
  const lastChange = await putChange(stores.history, key, held, {
    change,
    outcome: 'corrected',
    why: reason,
    // every record key it changes (a commune code's 2025 successor too): a person's creation is read back through them
    changes: fieldChanges(held.record, decision.record, changedKeys(held.record, decision.record)),
    by,
    agencyCode,
    source,
  });
  return stores.register.recordOutcome(key, held, entry, decision.record, lastChange);
}

/** The record keys whose values differ. */
function changedKeys(before: PopulationRecord, after: PopulationRecord): (keyof PopulationRecord)[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)] as (keyof PopulationRecord)[]);
  return [...keys].filter((key) => before[key] !== after[key]);
}

const rejected = (personKey: string, issue: RowIssue): CorrectionResult => ({
  outcome: 'rejected',
  personKey,
  issues: [issue],
});
const pending = (personKey: string, line: CorrectionLine): CorrectionResult => ({
  outcome: 'pending_approval',
  personKey,
  issues: [outcomeNote('CORRECTION_PENDING', { fields: [line.field] })],
});
const applied = (personKey: string, line: CorrectionLine, moved?: string): CorrectionResult => ({
  outcome: 'applied',
  personKey,
  issues: [outcomeNote('CORRECTION_APPLIED', { fields: [line.field] })],
  ...(moved ? { moved } : {}),
});

/** One correction row against the register. `key`: the person's key as the row names it (sealed). */
export async function registerCorrection(
  line: CorrectionLine,
  key: string,
  origin: RowOrigin,
  stores: CorrectionStores,
  keyer: PersonKeyer,
): Promise<CorrectionResult> {
  const tag = rowTag(origin);
  const id = reviewId(origin);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const found = await findPerson(stores.register, key);
    if (!found) return rejected('', { code: 'CORRECTION_PERSON_UNKNOWN', field: 'personal_id' });
    const { key: at, held } = found;
    // a redelivery of a row applied before: as it was
    const earlier = held.applied.map(parseEntry).find((entry) => entry.tag === tag);
    if (earlier) return applied(at, line, earlier.moved);
    const decision = decideOnRecord(held.record, line.field, line.values);
    if (decision.outcome === 'rejected') {
      // a redelivery of a row that went on the list: it stays there, decided since or not
      if (await stores.corrections.getCorrection(origin.agencyCode, id)) return pending(at, line);
      const { code, field, detail } = decision.issue;
      return rejected(at, { code, ...(field ? { field } : {}), ...(detail ? { detail } : {}) });
    }
    if (decision.outcome === 'pending_approval') {
      // a new personal ID must not be another person's: its key becomes this person's alias when approved
      let aliasKey: string | undefined;
      if (decision.key === 'personalId' && decision.to) {
        aliasKey = keyer.seal(personKeys.identityById(decision.to));
        const holder = await findPerson(stores.register, aliasKey);
        if (holder && holder.key !== at)
          return rejected(at, { code: 'CORRECTION_ID_HELD', field: 'new_value' });
      }
      await stores.corrections.putCorrection({
        id,
        agencyCode: origin.agencyCode,
        batchId: origin.batchId,
        row: origin.row,
        ...(line.formId ? { formId: line.formId } : {}),
        personKey: at,
        field: line.field,
        values: line.values,
        ...(decision.from === undefined ? {} : { from: decision.from }),
        ...(decision.to === undefined ? {} : { to: decision.to }),
        reason: line.reason,
        evidenceRef: line.evidenceRef,
        ...(origin.uploadedBy ? { submittedBy: origin.uploadedBy } : {}),
        ...(aliasKey ? { aliasKey } : {}),
        createdAt: new Date().toISOString(),
        status: 'pending',
      });
      return pending(at, line);
    }
    const moved = moveOf(held.record, decision.record, [decision.key]);
    const entry = formatEntry({
      tag,
      outcome: 'applied',
      changed: [decision.key],
      ...(moved ? { moved } : {}),
    });
    const facts: CorrectionFacts = {
      change: tag,
      reason: line.reason,
      evidenceRef: line.evidenceRef,
      agencyCode: origin.agencyCode,
      by: rowActor(origin),
      batchId: origin.batchId,
      row: origin.row,
    };
    if (await writeCorrection(stores, at, held, decision, facts, entry)) return applied(at, line, moved);
    // the person changed since it was read: decide again on what it is now
  }
  throw new Error(`row ${origin.row}: the register kept changing under it (${MAX_ATTEMPTS} attempts)`);
}

/**
 * A chunk's correction rows, each person's in row order and different persons side by side; their outcome lines in
 * row order. A row's person key: its ID's identity sealed, or the key it gave.
 */
export async function registerCorrections(
  lines: readonly CorrectionLine[],
  origin: Omit<RowOrigin, 'row'>,
  stores: CorrectionStores,
  keyer: PersonKeyer,
  concurrency: number,
): Promise<OutcomeEntry[]> {
  const byPerson = new Map<string, CorrectionLine[]>();
  for (const line of lines) {
    const key = line.identity ? keyer.seal(line.identity) : (line.personKey ?? '');
    const rows = byPerson.get(key);
    if (rows) rows.push(line);
    else byPerson.set(key, [line]);
  }
  const people = [...byPerson.entries()];
  const results: OutcomeEntry[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < people.length; i = next++) {
      const [key, rows] = people[i] as [string, CorrectionLine[]];
      for (const line of rows) {
        const result = await registerCorrection(line, key, { ...origin, row: line.row }, stores, keyer);
        const entry: OutcomeEntry = [
          line.row,
          result.outcome,
          result.personKey,
          line.formId ?? '',
          result.issues,
          null,
          line.line ?? null,
          null,
          null,
        ];
        if (result.moved) entry.push(result.moved);
        results.push(entry);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, people.length) }, worker));
  return results.sort((a, b) => a[0] - b[0]);
}
