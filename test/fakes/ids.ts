// In-memory IdCounters and IssuedIds for the allocator's unit tests (the DynamoDB ones: shared/store/id-store.ts).
import { randomBytes } from 'node:crypto';
import type {
  BirthRegistration,
  Births,
  IdCounters,
  IssuedIds,
  IssuePurpose,
  IssueRecord,
  PrefixClaim,
} from '../../shared/model/ids.ts';
import { purposeKey } from '../../shared/model/ids.ts';

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
  /** by purpose key */
  readonly records = new Map<string, IssueRecord>();

  async get(purpose: IssuePurpose) {
    return this.records.get(purposeKey(purpose));
  }

  async record(record: IssueRecord) {
    await new Promise((resolve) => setImmediate(resolve));
    const key = purposeKey(record.purpose);
    const held = this.records.get(key);
    if (held) return held;
    this.records.set(key, record);
    return record;
  }

  async forBatch(batchId: string) {
    return [...this.records.values()]
      .filter(({ purpose }) => purpose.kind === 'form' && purpose.batchId === batchId)
      .sort((a, b) =>
        a.purpose.kind === 'form' && b.purpose.kind === 'form' ? a.purpose.row - b.purpose.row : 0,
      );
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
