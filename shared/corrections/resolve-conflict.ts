// A reviewer's decision on a conflict (issue 19, docs/corrections.md "Conflicts"): a DC01 row whose personal ID the
// register holds for a person with another name, date of birth or sex.
// - keep: the held values stand; the person is not changed (no history item: nothing changed).
// - take: each identity field on which the form differs becomes a pending identity correction on the agency's list,
//   submitted by the reviewer, which a second officer approves (POST /corrections/{id}) as any other.
// - different: the form is another person: stored under the key of its identity without the disputed ID (sealed by
//   the register when it kept the conflict), its creation's history item first, and the two kept apart, each with
//   its history item, as a reviewer's keep-apart.
// Decided once: one conditional write of the item (open → decided) names the decision, who and which request, and
// what it will write (the corrections' ids and values, the new person's key), so the same caller's replay finishes
// exactly that after a crash and answers the same; any other decision finds it decided. Then the batch's count of
// resolved conflicts moves, once. No SDK here.
import type { FieldName } from '#domain/fields.ts';
import { FIELD_NAMES, recordKeyOf } from '#domain/fields.ts';
import { formDigest, identityDifferences } from '#domain/identity.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { formatEntry } from '../ingest/applied-entry.ts';
import { findPerson } from '../ingest/register-correction.ts';
import { keepApart } from '../ingest/resolve-review.ts';
import { conflictTag, rowTag, takenCorrectionId } from '../keys.ts';
import type { ConflictDecision, ConflictDecisionRecord, StoredConflict } from '../model/conflict.ts';
import type { StoredCorrection } from '../model/correction.ts';
import type { ChangeActor } from '../model/history.ts';
import type {
  ConflictLists,
  CorrectionLists,
  HistoryWriter,
  Register,
  ResolvedConflicts,
} from '../model/ports.ts';
import type { FieldChanges } from '../model/register.ts';
import type { CorrectionReason } from './correction.ts';

export interface ConflictDeps {
  conflicts: ConflictLists;
  corrections: Pick<CorrectionLists, 'putCorrection'>;
  register: Pick<Register, 'getPerson' | 'createPerson' | 'addKeptApart'>;
  history: HistoryWriter;
  resolved: ResolvedConflicts;
}

/** The decision asked for (the body of POST /conflicts/{id}). */
export type ConflictRequest =
  | { decision: 'keep' | 'different' }
  | { decision: 'take'; reason: CorrectionReason; evidenceRef: string };

/** Who decides: a signed-in person's `sub` or a system's client id, and the API request. */
export interface ConflictDecider {
  id: string;
  kind: 'person' | 'machine';
  request: string;
}

export type ConflictResult =
  | { status: 'decided'; conflict: StoredConflict }
  /** decided before, otherwise or by someone else */
  | { status: 'alreadyDecided'; conflict: StoredConflict }
  /** the decision cannot be made on it: the held person is gone, or no key was kept to store the form apart */
  | { status: 'refused'; code: 'CONFLICT_PERSON_UNKNOWN' | 'CONFLICT_APART_UNKNOWN' };

/** A record key's DC01 field name (`fullName` → `full_name`). */
const fieldOf = (key: string): FieldName =>
  FIELD_NAMES.find((name) => recordKeyOf(name) === key) as FieldName;

/** The same decision by the same caller: a replay, which finishes what the decision writes and answers the same. */
const isReplay = (conflict: StoredConflict, decision: ConflictDecision, by: string) =>
  conflict.status === 'decided' && conflict.decision?.decision === decision && conflict.decision.by === by;

export async function decideConflict(
  deps: ConflictDeps,
  conflict: StoredConflict,
  request: ConflictRequest,
  decider: ConflictDecider,
): Promise<ConflictResult> {
  if (conflict.status === 'decided') {
    if (!isReplay(conflict, request.decision, decider.id)) return { status: 'alreadyDecided', conflict };
    return { status: 'decided', conflict: await finish(deps, conflict) };
  }
  const record: ConflictDecisionRecord = {
    decision: request.decision,
    by: decider.id,
    byKind: decider.kind,
    at: new Date().toISOString(),
    request: decider.request,
  };
  if (request.decision === 'take') {
    const found = await findPerson(deps.register, conflict.personKey);
    if (!found) return { status: 'refused', code: 'CONFLICT_PERSON_UNKNOWN' };
    // the fields as they differ now (a correction or another decision may have changed the person since the row)
    record.corrections = identityDifferences(found.held.record, conflict.incoming).map((key) => {
      const from = found.held.record[key];
      const to = conflict.incoming[key];
      return {
        id: takenCorrectionId(conflict.id, fieldOf(key)),
        field: fieldOf(key),
        ...(from === undefined ? {} : { from: String(from) }),
        ...(to === undefined ? {} : { to: String(to) }),
      };
    });
    record.personKey = found.key;
    record.reason = request.reason;
    record.evidenceRef = request.evidenceRef;
  } else if (request.decision === 'different') {
    if (!conflict.apartKey) return { status: 'refused', code: 'CONFLICT_APART_UNKNOWN' };
    record.personKey = conflict.apartKey;
  }
  if (!(await deps.conflicts.decideConflict(conflict.agencyCode, conflict.id, record))) {
    const now = (await deps.conflicts.getConflict(conflict.agencyCode, conflict.id)) ?? conflict;
    if (!isReplay(now, request.decision, decider.id)) return { status: 'alreadyDecided', conflict: now };
    return { status: 'decided', conflict: await finish(deps, now) };
  }
  const decided: StoredConflict = { ...conflict, status: 'decided', decision: record };
  return { status: 'decided', conflict: await finish(deps, decided) };
}

/**
 * Writes what the decision recorded on the item says, as recorded (a replay's body aside: each write is once), then
 * counts it.
 */
async function finish(deps: ConflictDeps, conflict: StoredConflict): Promise<StoredConflict> {
  const decision = conflict.decision as ConflictDecisionRecord;
  if (decision.decision === 'take') await take(deps, conflict, decision);
  if (decision.decision === 'different') await different(deps, conflict, decision);
  if (!conflict.counted) {
    // counted after the item says so: a crash in between counts it on the replay (a crash between the two writes
    // below would count it twice; the report is not rewritten, and the count says how many were decided)
    await deps.resolved.addConflictResolved(conflict.batchId);
    await deps.conflicts.markCounted(conflict.agencyCode, conflict.id);
  }
  return { ...conflict, counted: true };
}

/** The pending identity corrections of a `take`, each as a correction row's (a redelivery's put leaves it). */
async function take(
  deps: ConflictDeps,
  conflict: StoredConflict,
  decision: ConflictDecisionRecord,
): Promise<void> {
  for (const { id, field, from, to } of decision.corrections ?? []) {
    const key = recordKeyOf(field);
    const correction: StoredCorrection = {
      id,
      agencyCode: conflict.agencyCode,
      batchId: conflict.batchId,
      row: conflict.row,
      ...(conflict.formId ? { formId: conflict.formId } : {}),
      personKey: decision.personKey ?? conflict.personKey,
      field,
      // the incoming values were validated and normalised as the row's: an approval decides them against the held
      // value as it is then, which must still be `from`
      values: { old: from === undefined ? {} : { value: from }, next: to === undefined ? {} : { [key]: to } },
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      reason: decision.reason ?? 'other',
      evidenceRef: decision.evidenceRef ?? '',
      submittedBy: decision.by,
      conflictId: conflict.id,
      createdAt: decision.at,
      status: 'pending',
    };
    await deps.corrections.putCorrection(correction);
  }
}

/**
 * A `different`: the form stored as a person of its own, without the disputed ID, its creation's history item put
 * first (a crash leaves an item no person names, which the replay's write names); then the two kept apart.
 */
async function different(
  deps: ConflictDeps,
  conflict: StoredConflict,
  decision: ConflictDecisionRecord,
): Promise<void> {
  const key = decision.personKey as string;
  const tag = conflictTag(conflict.id);
  const by: ChangeActor = { kind: decision.byKind, id: decision.by };
  const { personalId: _disputed, ...record } = conflict.incoming;
  const origin = { batchId: conflict.batchId, row: conflict.row, agencyCode: conflict.agencyCode };
  const changes: FieldChanges = {};
  for (const [field, value] of Object.entries(record))
    if (value !== undefined) changes[field] = { to: value };
  const lastChange = await deps.history.put({
    personKey: key,
    version: 1,
    change: tag,
    outcome: 'created',
    why: 'conflict_different',
    changes,
    agencyCode: conflict.agencyCode,
    batchId: conflict.batchId,
    row: conflict.row,
    request: decision.request,
    by,
  });
  const created = formatEntry({
    tag: rowTag(origin),
    outcome: 'new',
    digest: formDigest(record as PopulationRecord),
  }).slice(rowTag(origin).length + 1);
  // false when the key is held: this decision's person (a replay), or a person of the same identity without an ID
  // stored before, which the form then is (its other fields are not applied: docs/corrections.md)
  await deps.register.createPerson(key, record as PopulationRecord, origin, created, { lastChange });
  const apart = {
    by,
    why: 'conflict',
    agencyCode: conflict.agencyCode,
    source: { request: decision.request, batchId: conflict.batchId, row: conflict.row },
  };
  await keepApart(deps.register, deps.history, conflict.personKey, key, tag, apart);
  await keepApart(deps.register, deps.history, key, conflict.personKey, tag, apart);
}
