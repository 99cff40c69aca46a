// The batches table's batch items in memory, implementing the Batches and AgencyBatches ports as
// shared/store/batch-store.ts and batch-reads.ts do on DynamoDB (test/contracts holds both to the same contract):
// each conditional write holds or fails on the same condition, and a lease runs out on the same clock.
import {
  AGENCY_BATCH_FIELDS,
  type AgencyBatch,
  type Batch,
  type BatchFailure,
  type BatchStatus,
  type ChunkRef,
  type SplitStep,
} from '../../shared/model/batch.ts';
import type { AgencyBatches, Batches, IssuedCounts } from '../../shared/model/ports.ts';

interface Held {
  holder: string;
  until: number;
}
type Item = Batch & { split?: Held; finalize?: Held };

const UNFINISHED: BatchStatus[] = ['splitting', 'registering', 'finalizing'];
const free = (lease: Held | undefined, now = Date.now()) => !lease || lease.until < now;

export class MemoryBatches implements Batches, IssuedCounts {
  readonly items = new Map<string, Item>();
  readonly chunkLeases = new Map<string, Held>();
  readonly latest = new Map<string, { batchId: string; order: string }>();

  private item(batchId: string): Item | undefined {
    return this.items.get(batchId);
  }

  async get(batchId: string): Promise<Batch | undefined> {
    const item = this.item(batchId);
    if (!item) return undefined;
    const { split: _s, finalize: _f, ...batch } = structuredClone(item);
    return { ...batch, donePartitions: batch.donePartitions ?? [] };
  }

  async create(batch: Batch): Promise<boolean> {
    if (this.items.has(batch.batchId)) return false;
    this.items.set(batch.batchId, structuredClone(batch));
    return true;
  }

  async takeSplitLease(batchId: string, fromRow: number, holder: string, until: number): Promise<boolean> {
    const item = this.item(batchId);
    if (item?.status !== 'splitting' || item.checkpoint.row !== fromRow || !free(item.split)) return false;
    item.split = { holder, until };
    return true;
  }

  async advanceSplit(
    { batchId, fromRow, holder, checkpoint }: SplitStep,
    next?: BatchStatus,
  ): Promise<boolean> {
    const item = this.item(batchId);
    if (item?.status !== 'splitting' || item.checkpoint.row !== fromRow || item.split?.holder !== holder)
      return false;
    if (next)
      Object.assign(item, { status: next, rows: checkpoint.row, chunkCounts: [...checkpoint.chunkSeqs] });
    item.checkpoint = structuredClone(checkpoint);
    item.updatedAt = new Date().toISOString();
    delete item.split;
    return true;
  }

  async markChainsStarted(batchId: string): Promise<void> {
    const item = this.item(batchId);
    if (item) item.chainsStarted = true;
  }

  async addDonePartition(batchId: string, partition: number): Promise<number> {
    const item = this.item(batchId);
    if (!item) throw new Error(`no batch ${batchId}`);
    item.donePartitions = [...new Set([...(item.donePartitions ?? []), partition])];
    item.updatedAt = new Date().toISOString();
    return item.donePartitions.length;
  }

  async setStatus(batchId: string, status: BatchStatus, fields: Partial<Batch> = {}): Promise<void> {
    const item = this.item(batchId);
    if (!item) throw new Error(`no batch ${batchId}`);
    for (const [name, value] of Object.entries(fields))
      if (value !== undefined) Object.assign(item, { [name]: structuredClone(value) });
    item.status = status;
    item.updatedAt = new Date().toISOString();
  }

  async takeChunkLease({ batchId, partition, seq }: ChunkRef, holder: string, until: number) {
    const key = `${batchId}/${partition}/${seq}`;
    if (!free(this.chunkLeases.get(key))) return false;
    this.chunkLeases.set(key, { holder, until });
    return true;
  }

  async releaseChunkLease({ batchId, partition, seq }: ChunkRef, holder: string): Promise<void> {
    const key = `${batchId}/${partition}/${seq}`;
    if (this.chunkLeases.get(key)?.holder === holder) this.chunkLeases.delete(key);
  }

  async freeChunkLease({ batchId, partition, seq }: ChunkRef): Promise<void> {
    this.chunkLeases.delete(`${batchId}/${partition}/${seq}`);
  }

  async chunkLeaseEnd({ batchId, partition, seq }: ChunkRef): Promise<number | undefined> {
    const lease = this.chunkLeases.get(`${batchId}/${partition}/${seq}`);
    return free(lease) ? undefined : lease?.until;
  }

  async takeFinalizeLease(batchId: string, holder: string, until: number): Promise<boolean> {
    const item = this.item(batchId);
    const waiting = item && ['registering', 'finalizing', 'failed'].includes(item.status);
    if (!item || !waiting || !free(item.finalize)) return false;
    item.finalize = { holder, until };
    return true;
  }

  async releaseFinalizeLease(batchId: string, holder: string): Promise<void> {
    const item = this.item(batchId);
    if (item?.finalize?.holder === holder) delete item.finalize;
  }

  async releaseLeases(batchId: string): Promise<void> {
    const item = this.item(batchId);
    if (!item) return;
    delete item.split;
    delete item.finalize;
  }

  async markCompleted(
    batchId: string,
    fields: Pick<Batch, 'outcomes' | 'errorsByCode' | 'warningsByCode' | 'finishedAt' | 'kind'>,
  ) {
    const item = this.item(batchId);
    if (!item) throw new Error(`no batch ${batchId}`);
    Object.assign(item, structuredClone(fields), { status: 'completed', updatedAt: fields.finishedAt });
    delete item.failure;
    delete item.finalize;
  }

  async markFailed(batchId: string, failure: BatchFailure): Promise<void> {
    await this.setStatus(batchId, 'failed', { failure, finishedAt: new Date().toISOString() });
  }

  async claimLatest(batch: Batch): Promise<boolean> {
    const order = `${(batch.sequencer ?? '').padStart(32, '0')}#${batch.startedAt}`;
    const held = this.latest.get(batch.objectKey);
    if (held && held.order > order) return false;
    this.latest.set(batch.objectKey, { batchId: batch.batchId, order });
    return true;
  }

  async listUnfinished(): Promise<Batch[]> {
    const unfinished: Batch[] = [];
    for (const item of this.items.values())
      if (UNFINISHED.includes(item.status)) unfinished.push((await this.get(item.batchId)) as Batch);
    return unfinished;
  }

  async latestBatchOf(objectKey: string): Promise<string | undefined> {
    return this.latest.get(objectKey)?.batchId;
  }

  async setIssuedIds(batchId: string, count: number): Promise<void> {
    const item = this.item(batchId);
    if (item) item.issuedIds = count;
  }

  /** The agencies' reads of these batches (the AgencyBatches port). */
  forAgencies(): AgencyBatches {
    const view = (item: Item): AgencyBatch => {
      const summary: Record<string, unknown> = {};
      for (const field of AGENCY_BATCH_FIELDS)
        if (item[field] !== undefined) summary[field] = structuredClone(item[field]);
      return summary as AgencyBatch;
    };
    return {
      get: async (batchId) => {
        const item = this.item(batchId);
        return item ? view(item) : undefined;
      },
      listByAgency: async (agencyCode, limit, nextToken) => {
        const newestFirst = [...this.items.values()]
          .filter((item) => item.agencyCode === agencyCode)
          .sort((a, b) => (`${b.startedAt}#${b.batchId}` < `${a.startedAt}#${a.batchId}` ? -1 : 1));
        let start = 0;
        if (nextToken) {
          const [agency, after] = JSON.parse(
            Buffer.from(nextToken, 'base64url').toString('utf8'),
          ) as string[];
          if (agency !== agencyCode) return undefined;
          start = newestFirst.findIndex((item) => item.batchId === after) + 1;
        }
        const page = newestFirst.slice(start, start + limit);
        const last = page.at(-1);
        const more = last && start + page.length < newestFirst.length;
        return {
          batches: page.map(view),
          ...(more
            ? { nextToken: Buffer.from(JSON.stringify([agencyCode, last.batchId])).toString('base64url') }
            : {}),
        };
      },
    };
  }
}
