// Who may send events for which agency: the status function checks the SQS SenderId of every event against the
// stage's senders (EVENT_SENDERS, infra/stages.ts `eventSenders`), so a principal allowed to send to the queue
// cannot change another agency's applications.
// zod/mini, as shared/domain/record.ts: the status function bundles this
import * as z from 'zod/mini';

/** Any agency: the local stack's operator credentials only (infra/stages.ts cannot produce it). */
export const ANY_AGENCY = '*';

/** Sender id (an IAM unique id, `AROA…` of a role or `AIDA…` of a user; locally an access key id) → agency codes. */
export const EventSenders = z.record(
  z.string().check(z.minLength(1)),
  z.array(z.string().check(z.minLength(1))),
);
export type EventSenders = z.infer<typeof EventSenders>;

export function parseEventSenders(json: string): EventSenders {
  return EventSenders.parse(JSON.parse(json));
}

/**
 * The sender id of an SQS `SenderId`: `{roleId}:{session}` for an assumed role, the user's unique id for a user,
 * an account id for the root: the part before the first colon.
 */
export function senderIdOf(senderId: string | undefined): string | undefined {
  const id = senderId?.split(':')[0];
  return id ? id : undefined;
}

/** True when the message's sender is mapped to `agencyCode` (or, locally, to any agency). */
export function maySendFor(senders: EventSenders, senderId: string | undefined, agencyCode: string): boolean {
  const id = senderIdOf(senderId);
  const allowed = id === undefined || !Object.hasOwn(senders, id) ? [] : (senders[id] ?? []);
  return allowed.includes(agencyCode) || allowed.includes(ANY_AGENCY);
}
