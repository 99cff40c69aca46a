// In-memory IdCounters and IssuedIds for the allocator's unit tests (the DynamoDB ones: shared/store/id-store.ts).
import { randomBytes } from 'node:crypto';
import type {
  BirthRegistration,
  Births,
  IdCounters,
  IssuedIds,
  IssueRecord,
  PrefixClaim,
} from '../../shared/model/ids.ts';

export class MemoryIdCounters implements IdCounters {
  readonly prefixes = new Map<string, { next: number; orderKey: Uint8Array; size: number }>();

  async claim(prefix: string, size: number): Promise<PrefixClaim | undefined> {
    // a turn of the event loop, as a network call would give: concurrent claims interleave
    await new Promise((resolve) => setImmediate(resolve));
    const held = this.prefixes.get(prefix) ?? { next: 0, orderKey: randomBytes(32), size };
    if (held.next >= held.size) return undefined;
    this.prefixes.set(prefix, { ...held, next: held.next + 1 });
    return { index: held.next, orderKey: held.orderKey, size: held.size };
  }
}

export class MemoryIssuedIds implements IssuedIds {
  readonly records = new Map<string, IssueRecord>();

  async get(key: string) {
    return this.records.get(key);
  }

  async record(key: string, record: IssueRecord) {
    await new Promise((resolve) => setImmediate(resolve));
    const held = this.records.get(key);
    if (held) return held;
    this.records.set(key, record);
    return record;
  }
}

export class MemoryBirths implements Births {
  readonly births = new Map<string, BirthRegistration>();
  async get(registrationId: string) {
    return this.births.get(registrationId);
  }
  async put(birth: BirthRegistration) {
    this.births.set(birth.registrationId, structuredClone(birth));
  }
}
