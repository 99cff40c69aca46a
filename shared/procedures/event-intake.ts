// What the status function admits of a procedure-events message before anything is written: an event of the schema,
// from a sender allowed to act for its agency, with a bounded sequence (docs/procedures.md, "Events bound to their
// sender"). Anything else is a ProcedureEventError, which ends in the dead-letter queue.

import { parseProcedureEvent } from './apply-event.ts';
import { ProcedureEventError } from './errors.ts';
import type { ProcedureEvent } from './event.ts';
import { type EventSenders, maySendFor } from './event-sender.ts';

/** How far ahead of the status function's clock an event may say it occurred: clocks of senders drift. */
export const OCCURRED_AT_LEEWAY_MS = 24 * 60 * 60 * 1000;
/** How far a sequence may run ahead of its event's `occurredAt` in milliseconds since the epoch. */
export const SEQUENCE_LEEWAY_MS = 24 * 60 * 60 * 1000;

export interface IntakePolicy {
  senders: EventSenders;
  now: () => Date;
}

/**
 * The event of a message `body` sent by `senderId` (the SQS SenderId), or a ProcedureEventError with the code of
 * the first rule it breaks.
 */
export function admitProcedureEvent(
  body: string,
  senderId: string | undefined,
  policy: IntakePolicy,
): ProcedureEvent {
  const event = parseProcedureEvent(body);
  if (!maySendFor(policy.senders, senderId, event.agencyCode)) {
    throw new ProcedureEventError('PROCEDURE_EVENT_SENDER_FORBIDDEN');
  }
  if (!isBoundedSequence(event, policy.now())) {
    throw new ProcedureEventError('PROCEDURE_EVENT_SEQUENCE_OUT_OF_RANGE', [
      { path: 'sequence', issue: 'too_big' },
    ]);
  }
  return event;
}

/**
 * A sequence no larger than its `occurredAt` in milliseconds since the epoch (plus a day), and an `occurredAt` no
 * more than a day ahead: a counter (1, 2, 3…) and a clock (epoch milliseconds) both fit, and no event can take a
 * sequence that later events of a clock-numbering sender do not overtake within two days.
 */
export function isBoundedSequence(
  event: Pick<ProcedureEvent, 'sequence' | 'occurredAt'>,
  now: Date,
): boolean {
  const occurredAt = Date.parse(event.occurredAt);
  return (
    occurredAt <= now.getTime() + OCCURRED_AT_LEEWAY_MS && event.sequence <= occurredAt + SEQUENCE_LEEWAY_MS
  );
}
