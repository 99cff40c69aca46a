// An application's state as a pure function of the set of events received for it: whatever the order in which
// they arrive, and however often each does, the same set gives the same state. The highest sequence sets the
// status; each optional field comes from the highest sequence that carries it; history keeps every sequence once.
import type { ProcedureEvent } from './event.ts';
import { birthYearDigest } from './lookup-factor.ts';
import { maskName } from './masking.ts';
import { isOverdue, STATUS_LABELS, type StatusCode } from './statuses.ts';

/** History entries kept on the application for display; older ones stay in the event items only. */
const HISTORY_LIMIT = 100;

/** An event as it is stored: the applicant reduced to a masked name and a birth-year digest, ID and phone dropped. */
export interface StoredEvent extends Omit<ProcedureEvent, 'applicant'> {
  maskedName?: string;
  /** birthYearDigest of the applicant's birth year: never the year itself */
  birthYearDigest?: string;
}

interface HistoryEntry {
  sequence: number;
  status: StatusCode;
  at: string;
  note?: string;
}

/** The latest event's facts, each optional one from the latest event that carries it. */
export interface Application extends Omit<StoredEvent, 'occurredAt' | 'note'> {
  /** sequence of the event that set the status */
  sequence: number;
  /** when the latest event occurred */
  updatedAt: string;
  /** by sequence, oldest first, at most HISTORY_LIMIT (the latest) */
  history: HistoryEntry[];
  /** how many distinct events made this state: a stored state is replaced only by one made of more */
  eventCount: number;
}

/** The event without what must not be stored: the full name (masked), the birth year (a digest), ID and phone. */
export function protectEvent(event: ProcedureEvent): StoredEvent {
  const { applicant, ...rest } = event;
  return {
    ...rest,
    ...(applicant ? { maskedName: maskName(applicant.fullName) } : {}),
    ...(applicant?.birthYear !== undefined
      ? { birthYearDigest: birthYearDigest(event.applicationCode, applicant.birthYear) }
      : {}),
  };
}

/** The state made by a set of events (duplicates by sequence count once: the first in the list is kept). */
export function applicationOf(events: readonly StoredEvent[]): Application {
  const bySequence = new Map<number, StoredEvent>();
  for (const event of events) if (!bySequence.has(event.sequence)) bySequence.set(event.sequence, event);
  const ordered = [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
  const latest = ordered.at(-1);
  if (!latest) throw new RangeError('an application needs at least one event');
  const latestOf = <K extends keyof StoredEvent>(key: K): StoredEvent[K] | undefined =>
    ordered.findLast((event) => event[key] !== undefined)?.[key];

  const application: Application = {
    applicationCode: latest.applicationCode,
    procedureCode: latest.procedureCode,
    procedureName: latest.procedureName,
    agencyCode: latest.agencyCode,
    agencyName: latest.agencyName,
    status: latest.status,
    sequence: latest.sequence,
    updatedAt: latest.occurredAt,
    history: ordered.slice(-HISTORY_LIMIT).map(({ sequence, status, occurredAt, note }) => ({
      sequence,
      status,
      at: occurredAt,
      ...(note !== undefined ? { note } : {}),
    })),
    eventCount: ordered.length,
  };
  const receivedAt = latestOf('receivedAt');
  const dueAt = latestOf('dueAt');
  const resultDelivery = latestOf('resultDelivery');
  const maskedName = latestOf('maskedName');
  const digest = latestOf('birthYearDigest');
  if (receivedAt !== undefined) application.receivedAt = receivedAt;
  if (dueAt !== undefined) application.dueAt = dueAt;
  if (resultDelivery !== undefined) application.resultDelivery = resultDelivery;
  if (maskedName !== undefined) application.maskedName = maskedName;
  if (digest !== undefined) application.birthYearDigest = digest;
  return application;
}

/** What a citizen who holds the code sees (docs/procedures.md, "HTTP API"): no agency-side data. */
export function citizenView(application: Application, now: Date) {
  return {
    applicationCode: application.applicationCode,
    procedureCode: application.procedureCode,
    procedureName: application.procedureName,
    agencyName: application.agencyName,
    status: application.status,
    statusLabel: STATUS_LABELS[application.status],
    receivedAt: application.receivedAt ?? null,
    dueAt: application.dueAt ?? null,
    overdue: isOverdue(application.status, application.dueAt, now),
    resultDelivery: application.resultDelivery ?? null,
    updatedAt: application.updatedAt,
    history: application.history.map(({ status, at, note }) => ({
      status,
      statusLabel: STATUS_LABELS[status],
      at,
      ...(note !== undefined ? { note } : {}),
    })),
    applicant: { maskedName: application.maskedName ?? null },
  };
}
