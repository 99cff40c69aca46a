// A conflict as a reviewer sees it (GET /conflicts, POST /conflicts/{id}, issue 19): the form's values and the held
// person's now, side by side. The held side is masked as a review item's (review-items.ts) when another agency
// registered the person: the form's agency may not read that agency's record, only as much as it takes to decide.
// Without what the item keeps for the register and the decision alone (the key apart, the uploader, the count mark).
// No SDK here.

import { maskValue } from '../ingest/review-items.ts';
import type { StoredConflict } from '../model/conflict.ts';
import type { HeldPerson } from '../model/register.ts';

export function sideBySideConflict(conflict: StoredConflict, held: HeldPerson | undefined) {
  const { incoming, apartKey: _apart, uploadedBy: _uploader, counted: _counted, ...shown } = conflict;
  const record = (held?.record ?? {}) as Record<string, unknown>;
  const form = incoming as Record<string, unknown>;
  const masked = held?.agencyCode !== undefined && held.agencyCode !== conflict.agencyCode;
  // the person's fields, not the form's serial
  const names = new Set([...Object.keys(form), ...Object.keys(record)].filter((name) => name !== 'formId'));
  const fields = [...names].flatMap((field) => {
    const from = form[field];
    const now = record[field];
    if (from === undefined && now === undefined) return [];
    const heldValue = now === undefined ? undefined : String(now);
    return [
      {
        field,
        ...(from === undefined ? {} : { incoming: String(from) }),
        ...(heldValue === undefined ? {} : { held: masked ? maskValue(field, heldValue) : heldValue }),
        same: from === now,
      },
    ];
  });
  return { ...shown, fields, ...(held?.agencyCode ? { heldBy: held.agencyCode } : {}) };
}
