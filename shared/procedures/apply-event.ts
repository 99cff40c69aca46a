// One procedure event, applied: kept once, then the application's state rebuilt from every event kept for it
// and stored unless a fuller state already is. Safe under redelivery, reordering and concurrent invocations.
import type { Applications } from '../model/ports.ts';
import { applicationOf, protectEvent, type StoredEvent } from './application.ts';
import { ProcedureEventError } from './errors.ts';
import { ProcedureEvent } from './event.ts';

export interface AppliedEvent {
  applicationCode: string;
  sequence: number;
  /** false when an event with this sequence was kept before (a repeat: nothing new) */
  added: boolean;
  /** the event kept before with this sequence differs from this one: the sender reused a sequence */
  sequenceReused: boolean;
  /** the application's status after this event */
  status: number;
  /** false when a concurrent invocation stored a state made of at least as many events */
  stored: boolean;
}

/** The event in a message body, or a ProcedureEventError naming where it is wrong (never its values). */
export function parseProcedureEvent(body: string): ProcedureEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ProcedureEventError('PROCEDURE_EVENT_NOT_JSON');
  }
  const parsed = ProcedureEvent.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), issue: issue.code }));
    // a note too long or holding a number like an ID has a code of its own: the sender must reword it
    const noteOnly = issues.every((issue) => issue.path === 'note');
    throw new ProcedureEventError(
      noteOnly ? 'PROCEDURE_EVENT_NOTE_REFUSED' : 'PROCEDURE_EVENT_INVALID',
      issues,
    );
  }
  return parsed.data;
}

/** What applying an event needs of the applications table. */
export type ApplicationEvents = Pick<Applications, 'addEvent' | 'events' | 'saveState'>;

export async function applyProcedureEvent(
  event: ProcedureEvent,
  store: ApplicationEvents,
): Promise<AppliedEvent> {
  const stored = protectEvent(event);
  const added = await store.addEvent(stored);
  // Rebuilt even for a repeat: the earlier delivery may have stopped between keeping the event and the state.
  const events = await store.events(event.applicationCode);
  const kept = added ? undefined : events.find((other) => other.sequence === event.sequence);
  const application = applicationOf(events);
  const saved = await store.saveState(application);
  return {
    applicationCode: event.applicationCode,
    sequence: event.sequence,
    added,
    sequenceReused: kept !== undefined && canonical(kept) !== canonical(stored),
    status: application.status,
    stored: saved,
  };
}

/** JSON with keys in one order, so an event read back from the table compares equal to the one received. */
function canonical(event: StoredEvent): string {
  return JSON.stringify(Object.fromEntries(Object.entries(event).sort(([a], [b]) => (a < b ? -1 : 1))));
}
