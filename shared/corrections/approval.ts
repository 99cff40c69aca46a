// A second officer's decision on a pending identity correction (issue 19, docs/corrections.md "Approval"): who may make
// it is the route's to check (the approver role over the submitting agency, a person, not the submitter); this module
// makes it once. Approve and reject race on one conditional write of the item (pending → approving or rejected): one
// wins, the other finds it decided. An approval then decides the correction again against the record as it is now (its
// old value must still be held), puts the new ID's key as an alias of the person (a personal ID correction), and
// writes the change as a correction row does, its history item first, naming the approver and the submitter. A crash
// part-way leaves the item `approving`: the same approver's retry finds the person's entry (applied) or applies it,
// and ends it `approved`. No SDK here.

import { formatEntry, parseEntry } from '../ingest/applied-entry.ts';
import { findPerson, writeCorrection } from '../ingest/register-correction.ts';
import { correctionTag } from '../keys.ts';
import type { CorrectionDecisionRecord, StoredCorrection } from '../model/correction.ts';
import type { CorrectionLists, HistoryWriter, Register } from '../model/ports.ts';
import { decideOnRecord } from './correction.ts';

const MAX_ATTEMPTS = 20;

export interface ApprovalDeps {
  corrections: CorrectionLists;
  register: Pick<Register, 'getPerson' | 'recordOutcome' | 'putAlias'>;
  history: HistoryWriter;
}

/** Who decides: a signed-in person's `sub`, and the API request. */
export interface Approver {
  id: string;
  request: string;
}

export type ApprovalResult =
  | { status: 'decided'; correction: StoredCorrection }
  /** decided otherwise before (by someone else, or the other way) */
  | { status: 'alreadyDecided'; correction: StoredCorrection }
  /** the approval could not apply it (the record changed, the new ID is held): rejected with this code */
  | { status: 'stale'; code: string; correction: StoredCorrection };

/** Approves or rejects `correction` (as read, pending or being approved), once. */
export async function decidePending(
  deps: ApprovalDeps,
  correction: StoredCorrection,
  decision: 'approve' | 'reject',
  approver: Approver,
): Promise<ApprovalResult> {
  const { agencyCode, id } = correction;
  const record: CorrectionDecisionRecord = {
    by: approver.id,
    at: new Date().toISOString(),
    request: approver.request,
  };
  const reread = async () => (await deps.corrections.getCorrection(agencyCode, id)) ?? correction;
  if (decision === 'reject') {
    if (await deps.corrections.moveCorrection(agencyCode, id, ['pending'], 'rejected', record))
      return { status: 'decided', correction: { ...correction, status: 'rejected', decision: record } };
    const now = await reread();
    // the same officer's decision sent again: as it was
    const same = now.status === 'rejected' && now.decision?.by === approver.id && !now.decision.code;
    return { status: same ? 'decided' : 'alreadyDecided', correction: now };
  }
  let claim = record;
  if (!(await deps.corrections.moveCorrection(agencyCode, id, ['pending'], 'approving', record))) {
    const now = await reread();
    const mine = now.decision?.by === approver.id;
    if (now.status === 'approved' && mine) return { status: 'decided', correction: now };
    // an approval of this officer's that stopped part-way: finished now
    if (now.status !== 'approving' || !mine || !now.decision)
      return { status: 'alreadyDecided', correction: now };
    claim = now.decision;
  }
  const code = await apply(deps, correction, approver);
  if (code) {
    const refused = { ...claim, code };
    await deps.corrections.moveCorrection(agencyCode, id, ['approving'], 'rejected', refused);
    return { status: 'stale', code, correction: { ...correction, status: 'rejected', decision: refused } };
  }
  await deps.corrections.moveCorrection(agencyCode, id, ['approving'], 'approved', claim);
  return { status: 'decided', correction: { ...correction, status: 'approved', decision: claim } };
}

/** Makes the approved change; the code it was refused with, if it could not be made. */
async function apply(
  deps: ApprovalDeps,
  correction: StoredCorrection,
  approver: Approver,
): Promise<string | undefined> {
  const tag = correctionTag(correction.id);
  const origin = { batchId: correction.batchId, row: correction.row, agencyCode: correction.agencyCode };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const found = await findPerson(deps.register, correction.personKey);
    if (!found) return 'CORRECTION_PERSON_UNKNOWN';
    const { key, held } = found;
    if (held.applied.some((entry) => parseEntry(entry).tag === tag)) return undefined;
    const decision = decideOnRecord(held.record, correction.field, correction.values);
    if (decision.outcome === 'rejected') return decision.issue.code;
    if (correction.aliasKey && !(await deps.register.putAlias(correction.aliasKey, key, origin, 'applied'))) {
      // the new ID's key is held: this person's already (a retry), or another's since the row was decided
      const holder = await findPerson(deps.register, correction.aliasKey);
      if (holder?.key !== key) return 'CORRECTION_ID_HELD';
    }
    const entry = formatEntry({ tag, outcome: 'applied', changed: [decision.key] });
    const written = await writeCorrection(
      deps,
      key,
      held,
      decision,
      {
        change: tag,
        reason: correction.reason,
        evidenceRef: correction.evidenceRef,
        agencyCode: correction.agencyCode,
        by: { kind: 'person', id: approver.id },
        batchId: correction.batchId,
        row: correction.row,
        request: approver.request,
        ...(correction.submittedBy ? { submittedBy: correction.submittedBy } : {}),
      },
      entry,
    );
    if (written) return undefined;
  }
  throw new Error(
    `correction ${correction.id}: the register kept changing under it (${MAX_ATTEMPTS} attempts)`,
  );
}
