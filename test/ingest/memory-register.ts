// The register store in memory, with the same contract as shared/store/register-store.ts: for pure tests of the
// register flow. Counts what it is asked, so tests can check reads and writes.
import type { PopulationRecord } from '#domain/record.ts';
import type { ReviewResolution } from '../../shared/linkage/review.ts';
import {
  appliedTag,
  type FiledCandidate,
  type HeldPerson,
  type RegisterStore,
  type RowOrigin,
  type StoredReview,
} from '../../shared/store/register-store.ts';

export class MemoryRegister {
  readonly persons = new Map<string, HeldPerson>();
  readonly blocks = new Map<
    string,
    Map<string, { record: PopulationRecord; agencyCode: string; created: string }>
  >();
  readonly reviews = new Map<string, StoredReview>();
  readonly history: string[] = [];
  readonly calls = { getPerson: 0, query: 0, filingItems: 0, putAlias: 0 };
  /** throws once from the next createPerson, after the filing items are written */
  crashOnCreate = false;

  asStore(): RegisterStore {
    return this as unknown as RegisterStore;
  }

  async createPerson(key: string, record: PopulationRecord, origin: RowOrigin, outcome = 'new') {
    if (this.crashOnCreate) {
      this.crashOnCreate = false;
      throw new Error('injected crash');
    }
    if (this.persons.has(key)) return false;
    this.persons.set(key, {
      record,
      version: 1,
      applied: [`${appliedTag(origin)}:${outcome}`],
      agencyCode: origin.agencyCode,
    });
    return true;
  }

  async getPerson(key: string) {
    this.calls.getPerson++;
    const held = this.persons.get(key);
    return held ? structuredClone(held) : undefined;
  }

  async putAlias(key: string, into: string, origin: RowOrigin, outcome: string) {
    this.calls.putAlias++;
    if (this.persons.has(key)) return false;
    this.persons.set(key, {
      record: {} as PopulationRecord,
      version: 1,
      applied: [`${appliedTag(origin)}:${outcome}`],
      mergedInto: into,
    });
    return true;
  }

  async fileForLinkage(
    key: string,
    record: PopulationRecord,
    keys: string[],
    agencyCode: string,
    created: string,
  ) {
    for (const blockingKey of keys) {
      this.calls.filingItems++;
      const block = this.blocks.get(blockingKey) ?? new Map();
      block.set(key, { record: structuredClone(record), agencyCode, created });
      this.blocks.set(blockingKey, block);
    }
  }

  async findCandidates(keys: string[]): Promise<FiledCandidate[]> {
    return keys.flatMap((blockingKey) => {
      this.calls.query++;
      return [...(this.blocks.get(blockingKey) ?? new Map()).entries()].map(([personKey, filed]) => ({
        personKey,
        ...structuredClone(filed),
      }));
    });
  }

  async recordOutcome(key: string, held: HeldPerson, entry: string, merged?: PopulationRecord) {
    const now = this.persons.get(key);
    if (!now || now.version !== held.version) return false;
    if (held.filed && (now.applied[0] !== held.filed || now.mergedInto)) return false;
    this.persons.set(key, {
      ...now,
      version: now.version + 1,
      applied: [...now.applied, entry].slice(-16),
      ...(merged ? { record: merged } : {}),
    });
    return true;
  }

  async putHistory(key: string, origin: RowOrigin) {
    this.history.push(`${key} ${appliedTag(origin)}`);
  }

  async putConflict() {}

  async putReview(review: StoredReview) {
    const held = this.reviews.get(`${review.agencyCode}/${review.id}`);
    if (held?.resolution) return;
    this.reviews.set(`${review.agencyCode}/${review.id}`, structuredClone(review));
  }

  async getReview(agencyCode: string, id: string) {
    return structuredClone(this.reviews.get(`${agencyCode}/${id}`));
  }

  async listReviews(agencyCode: string) {
    return {
      items: [...this.reviews.values()].filter((review) => review.agencyCode === agencyCode),
    };
  }

  async resolveReview(agencyCode: string, id: string, resolution: ReviewResolution) {
    const review = this.reviews.get(`${agencyCode}/${id}`);
    if (!review || (review.resolution && review.resolution !== resolution)) return false;
    review.resolution = resolution;
    return true;
  }

  async addKeptApart(key: string, other: string) {
    const held = this.persons.get(key);
    if (!held) throw new Error('no person');
    held.keptApart = [...new Set([...(held.keptApart ?? []), other])];
  }

  async markMerged(key: string, into: string, version: number) {
    const held = this.persons.get(key);
    if (!held || held.mergedInto || held.version !== version) return false;
    held.mergedInto = into;
    held.version++;
    return true;
  }
}
