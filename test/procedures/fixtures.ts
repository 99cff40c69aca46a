// Procedure events for tests, and an in-memory applications table with the store's conditional semantics.

import type { Application, StoredEvent } from '../../shared/procedures/application.ts';
import type { ApplicationEvents } from '../../shared/procedures/apply-event.ts';
import type { ProcedureEventInput } from '../../shared/procedures/event.ts';

export const CODE = '000.00.12.H21-250115-0001';

export function procedureEvent(
  sequence: number,
  status: number,
  extra: Partial<ProcedureEventInput> = {},
): ProcedureEventInput {
  return {
    applicationCode: CODE,
    procedureCode: '1.012784.H21',
    procedureName: 'Đăng ký khai sinh',
    agencyCode: '000.00.12.H21',
    agencyName: 'UBND phường Hội Thương',
    status,
    sequence,
    occurredAt: new Date(Date.UTC(2025, 0, 15, 8, sequence)).toISOString(),
    ...extra,
  };
}

/** The applications table in memory: an event kept once by sequence, a state replaced only by a fuller one. */
export class MemoryApplications implements ApplicationEvents {
  readonly kept = new Map<string, Map<number, StoredEvent>>();
  readonly states = new Map<string, Application>();

  async addEvent(event: StoredEvent): Promise<boolean> {
    const events = this.kept.get(event.applicationCode) ?? new Map<number, StoredEvent>();
    this.kept.set(event.applicationCode, events);
    if (events.has(event.sequence)) return false;
    events.set(event.sequence, structuredClone(event));
    return true;
  }

  async events(applicationCode: string): Promise<StoredEvent[]> {
    const events = [...(this.kept.get(applicationCode)?.values() ?? [])];
    return events.sort((a, b) => a.sequence - b.sequence).map((event) => structuredClone(event));
  }

  async saveState(application: Application): Promise<boolean> {
    const stored = this.states.get(application.applicationCode);
    if (stored && stored.eventCount >= application.eventCount) return false;
    this.states.set(application.applicationCode, structuredClone(application));
    return true;
  }
}
