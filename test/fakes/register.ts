// The register in memory, implementing the Register and RegisterScanner ports as shared/store/register-store.ts and
// register-scan.ts do on DynamoDB (test/contracts holds both to the same contract). Counts what it is asked, so tests
// can check reads and writes.
import type { PopulationRecord } from '#domain/record.ts';
import { reviewIdPrefix, rowTag } from '../../shared/keys.ts';
import type { ReviewResolution } from '../../shared/linkage/review.ts';
import type { ConflictDecisionRecord, StoredConflict } from '../../shared/model/conflict.ts';
import type { ConflictLists, Register, RegisterScanner } from '../../shared/model/ports.ts';
import type * as model from '../../shared/model/register.ts';

export class MemoryRegister implements Register, RegisterScanner, ConflictLists {
  readonly persons = new Map<string, model.HeldPerson>();
  readonly blocks = new Map<
    string,
    Map<string, { record: PopulationRecord; agencyCode: string; created: string }>
  >();
  readonly reviews = new Map<string, model.StoredReview>();
  /** the conflict items by `{agencyCode} {id}` */
  readonly conflictItems = new Map<string, StoredConflict>();
  /** `{key} {batchId#row}` of each conflict kept */
  readonly conflicts: string[] = [];
  readonly calls = { getPerson: 0, query: 0, filingItems: 0, putAlias: 0 };
  /** throws once from the next createPerson, after the filing items are written */
  crashOnCreate = false;
  /**
   * throws once from the next write that changes a person's fields or links (recordOutcome with a history item,
   * markMerged, addKeptApart): a crash between the history item and the change it records
   */
  crashOnChange = false;

  private crash(): void {
    if (!this.crashOnChange) return;
    this.crashOnChange = false;
    throw new Error('injected crash');
  }

  async createPerson(
    key: string,
    record: PopulationRecord,
    origin: model.RowOrigin,
    outcome = 'new',
    creation?: model.NewPersonHistory,
  ) {
    if (this.crashOnCreate) {
      this.crashOnCreate = false;
      throw new Error('injected crash');
    }
    if (this.persons.has(key)) return false;
    this.persons.set(key, {
      record: structuredClone(record),
      version: 1,
      applied: [`${rowTag(origin)}:${outcome}`],
      agencyCode: origin.agencyCode,
      ...(creation ? { lastChange: creation.lastChange } : {}),
      ...(creation?.why
        ? {
            creation: {
              at: new Date().toISOString(),
              why: creation.why,
              ...(origin.uploadedBy ? { by: origin.uploadedBy } : {}),
            },
          }
        : {}),
    });
    return true;
  }

  async getPerson(key: string) {
    this.calls.getPerson++;
    const held = this.persons.get(key);
    return held ? structuredClone(held) : undefined;
  }

  async putAlias(key: string, into: string, origin: model.RowOrigin, outcome: string) {
    this.calls.putAlias++;
    if (this.persons.has(key)) return false;
    this.persons.set(key, {
      record: {} as PopulationRecord,
      version: 1,
      applied: [`${rowTag(origin)}:${outcome}`],
      mergedInto: into,
      agencyCode: origin.agencyCode,
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

  async findCandidates(keys: string[]): Promise<model.FiledCandidate[]> {
    return keys.flatMap((blockingKey) => {
      this.calls.query++;
      return [...(this.blocks.get(blockingKey) ?? new Map()).entries()].map(([personKey, filed]) => ({
        personKey,
        ...structuredClone(filed),
      }));
    });
  }

  async recordOutcome(
    key: string,
    held: model.HeldPerson,
    entry: string,
    merged?: PopulationRecord,
    lastChange?: string,
  ) {
    if (lastChange) this.crash();
    const now = this.persons.get(key);
    if (!now || now.version !== held.version) return false;
    if (held.filed && (now.applied[0] !== held.filed || now.mergedInto)) return false;
    this.persons.set(key, {
      ...now,
      version: now.version + 1,
      applied: [...now.applied, entry].slice(-16),
      ...(merged ? { record: merged } : {}),
      ...(lastChange ? { lastChange } : {}),
    });
    return true;
  }

  async putConflict(conflict: StoredConflict) {
    const at = `${conflict.agencyCode} ${conflict.id}`;
    if (this.conflictItems.has(at)) return false;
    this.conflictItems.set(at, structuredClone(conflict));
    this.conflicts.push(`${conflict.personKey} ${rowTag(conflict)}`);
    return true;
  }

  // the conflict lists (ConflictLists), as shared/store/conflict-lists.ts reads and decides them

  async getConflict(agencyCode: string, id: string) {
    return structuredClone(this.conflictItems.get(`${agencyCode} ${id}`));
  }

  async listConflicts(
    agencyCode: string,
    options: { status?: StoredConflict['status']; limit?: number; nextToken?: string } = {},
  ) {
    const all = [...this.conflictItems.values()]
      .filter((item) => item.agencyCode === agencyCode && (!options.status || item.status === options.status))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .filter((item) => options.nextToken === undefined || item.id > options.nextToken);
    const items = all.slice(0, options.limit ?? all.length).map((item) => structuredClone(item));
    const last = items.at(-1);
    return items.length < all.length && last ? { items, nextToken: last.id } : { items };
  }

  async decideConflict(agencyCode: string, id: string, decision: ConflictDecisionRecord) {
    const item = this.conflictItems.get(`${agencyCode} ${id}`);
    if (item?.status !== 'open') return false;
    item.status = 'decided';
    item.decision = structuredClone(decision);
    return true;
  }

  async markCounted(agencyCode: string, id: string) {
    const item = this.conflictItems.get(`${agencyCode} ${id}`);
    if (item) item.counted = true;
  }

  async putReview(review: model.StoredReview) {
    const held = this.reviews.get(`${review.agencyCode}/${review.id}`);
    if (held?.resolution) return;
    this.reviews.set(`${review.agencyCode}/${review.id}`, structuredClone(review));
  }

  async getReview(agencyCode: string, id: string) {
    return structuredClone(this.reviews.get(`${agencyCode}/${id}`));
  }

  async listReviews(
    agencyCode: string,
    options: { batchId?: string; limit?: number; nextToken?: string } = {},
  ): Promise<model.ReviewPage> {
    const all = [...this.reviews.values()]
      .filter((review) => review.agencyCode === agencyCode)
      .filter((review) => !options.batchId || review.id.startsWith(reviewIdPrefix(options.batchId)))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const from = options.nextToken ? all.findIndex((review) => review.id > (options.nextToken as string)) : 0;
    const start = from < 0 ? all.length : from;
    const items = all
      .slice(start, options.limit ? start + options.limit : undefined)
      .map((r) => structuredClone(r));
    const last = items.at(-1);
    return options.limit && last && start + items.length < all.length
      ? { items, nextToken: last.id }
      : { items };
  }

  async resolveReview(agencyCode: string, id: string, resolution: ReviewResolution) {
    const review = this.reviews.get(`${agencyCode}/${id}`);
    if (!review || (review.resolution && review.resolution !== resolution)) return false;
    review.resolution = resolution;
    review.resolvedAt = new Date().toISOString();
    return true;
  }

  async addKeptApart(key: string, other: string, version: number, lastChange: string) {
    this.crash();
    const held = this.persons.get(key);
    if (!held || held.version !== version) return false;
    held.keptApart = [...new Set([...(held.keptApart ?? []), other])];
    held.version++;
    held.lastChange = lastChange;
    return true;
  }

  async markMerged(key: string, into: string, version: number, lastChange?: string) {
    this.crash();
    const held = this.persons.get(key);
    if (!held || held.mergedInto || held.version !== version) return false;
    held.mergedInto = into;
    held.version++;
    if (lastChange) held.lastChange = lastChange;
    return true;
  }

  async estimateItems() {
    return (
      this.persons.size +
      [...this.blocks.values()].reduce((sum, block) => sum + block.size, 0) +
      this.reviews.size
    );
  }

  async *scanPersons(segment: number, totalSegments: number): AsyncGenerator<model.ScannedPerson[]> {
    const persons: model.ScannedPerson[] = [];
    [...this.persons.entries()].forEach(([key, held], i) => {
      // an alias holds no record of its own
      if (i % totalSegments !== segment || held.mergedInto || Object.keys(held.record).length === 0) return;
      persons.push({
        key,
        record: structuredClone(held.record),
        ...(held.keptApart ? { keptApart: [...held.keptApart] } : {}),
      });
    });
    yield persons;
  }
}
