// The applications table in memory, implementing the Applications port as shared/store/application-store.ts does on
// DynamoDB (test/contracts holds both to the same contract): an event kept once by sequence, a state replaced only
// by one made of more events, and copies in and out, as a table stores them.
import type { Applications } from '../../shared/model/ports.ts';
import type { Application, StoredEvent } from '../../shared/procedures/application.ts';

export class MemoryApplications implements Applications {
  /** per application code, the events kept by sequence */
  readonly kept = new Map<string, Map<number, StoredEvent>>();
  /** per application code, the stored state */
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

  async get(applicationCode: string): Promise<Application | undefined> {
    return structuredClone(this.states.get(applicationCode));
  }
}
