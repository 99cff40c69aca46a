// The batches table's batch items: one per batch (its progress, checkpoint and leases), one per chunk being
// registered (its lease) and one per object key (which batch is the latest upload of it). The adapter of the Batches
// port: the only module that writes these items' expressions (their keys: shared/keys.ts).
import { GetCommand, PutCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../aws/dynamodb.ts';
import { batchKeys } from '../keys.ts';
import type { Batch, BatchFailure, BatchStatus, ChunkRef, SplitStep } from '../model/batch.ts';
import type { Batches } from '../model/ports.ts';
import { assignments, landed } from './conditions.ts';
import { freeLease, leaseHeld, leaseOn, releaseLease, takeLease } from './lease.ts';

const batchKey = batchKeys.batch;
const objectKey = batchKeys.latestUpload;

/** A stored batch item as a Batch: without its keys, its index attributes and with its sets as arrays. */
function toBatch(item: Record<string, unknown>): Batch {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, donePartitions, ...batch } = item;
  return {
    ...(batch as unknown as Batch),
    donePartitions: donePartitions ? [...(donePartitions as Set<number>)] : [],
  };
}

export class BatchStore implements Batches {
  constructor(private readonly table: string) {}

  /** the split's lease and finalize's, on the batch item; a chunk's, on an item of its own */
  private splitLease = (id: string) => leaseOn(this.table, batchKey(id), 'leaseHolder', 'leaseUntil');
  private finalizeLease = (id: string) =>
    leaseOn(this.table, batchKey(id), 'finalizeHolder', 'finalizeUntil');
  private chunkLease = ({ batchId, partition, seq }: ChunkRef) =>
    leaseOn(this.table, batchKeys.chunkLease(batchId, partition, seq), 'holder', 'leaseUntil');

  /** An unconditional update of the batch item. */
  protected update(
    batchId: string,
    expression: string,
    values?: Record<string, unknown>,
    names?: Record<string, string>,
  ) {
    return documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: batchKey(batchId),
        UpdateExpression: expression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async get(batchId: string): Promise<Batch | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: batchKey(batchId), ConsistentRead: true }),
    );
    return Item ? toBatch(Item) : undefined;
  }

  /** Creates the batch unless it exists: true when this call created it. */
  create(batch: Batch): Promise<boolean> {
    return landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...batchKey(batch.batchId),
            ...batchKeys.byAgency(batch.agencyCode, batch.startedAt, batch.batchId),
            ...batch,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /**
   * Lets one invocation at a time split a batch: true when this one (`holder`) now holds it until `until`
   * (epoch ms), because nobody does or the holder's time is over, and the split is still at `fromRow`.
   */
  takeSplitLease(batchId: string, fromRow: number, holder: string, until: number): Promise<boolean> {
    return takeLease(this.splitLease(batchId), holder, until, {
      also: {
        condition: '#status = :splitting AND checkpoint.#row = :from',
        names: { '#status': 'status', '#row': 'row' },
        values: { ':splitting': 'splitting', ':from': fromRow },
      },
    });
  }

  /**
   * A split's new checkpoint, on condition that the split is where `fromRow` says and `holder` holds it; with `next`,
   * the whole file is read: from splitting to registering (or straight to finalizing with no chunks).
   */
  advanceSplit({ batchId, fromRow, holder, checkpoint }: SplitStep, next?: BatchStatus): Promise<boolean> {
    const more = next ? { status: next, rows: checkpoint.row, chunkCounts: checkpoint.chunkSeqs } : {};
    const { set, names, values } = assignments({
      checkpoint,
      updatedAt: new Date().toISOString(),
      ...more,
    });
    // lets go of the split's lease in the same write (this holder's, as the condition says)
    return landed(
      documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: batchKey(batchId),
          UpdateExpression: `${set} REMOVE leaseHolder, leaseUntil`,
          ConditionExpression: '#status = :splitting AND checkpoint.#row = :from AND leaseHolder = :holder',
          ExpressionAttributeNames: { ...names, '#status': 'status', '#row': 'row' },
          ExpressionAttributeValues: {
            ...values,
            ':splitting': 'splitting',
            ':from': fromRow,
            ':holder': holder,
          },
        }),
      ),
    );
  }

  async markChainsStarted(batchId: string): Promise<void> {
    await this.update(batchId, 'SET chainsStarted = :yes', { ':yes': true });
  }

  /** Records that a partition's last chunk is registered (idempotent); gives back how many partitions are. */
  async addDonePartition(batchId: string, partition: number): Promise<number> {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: this.table,
        Key: batchKey(batchId),
        UpdateExpression: 'ADD donePartitions :p SET updatedAt = :now',
        ExpressionAttributeValues: { ':p': new Set([partition]), ':now': new Date().toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return (Attributes?.donePartitions as Set<number> | undefined)?.size ?? 0;
  }

  async setStatus(batchId: string, status: BatchStatus, fields: Partial<Batch> = {}): Promise<void> {
    const { set, names, values } = assignments({ ...fields, status, updatedAt: new Date().toISOString() });
    await this.update(batchId, set, values, names);
  }

  /**
   * Lets one invocation at a time register a chunk: true when `holder` now holds it until `until` (epoch ms).
   * A redelivered chunk message, or a second copy of a partition's chain, must not decide the same rows at the
   * same time as the first: with record linkage two copies reading the register a moment apart could decide a
   * row differently. One small item per chunk (one write unit per 500 rows).
   */
  takeChunkLease(chunk: ChunkRef, holder: string, until: number): Promise<boolean> {
    return takeLease(this.chunkLease(chunk), holder, until);
  }

  /** When the lease on a chunk ends (epoch ms), if someone holds it: how long a copy would have to wait. */
  async chunkLeaseEnd(chunk: ChunkRef): Promise<number | undefined> {
    return (await leaseHeld(this.chunkLease(chunk)))?.until;
  }

  /** Frees a chunk's lease whoever holds it (the local stack's resume: the holders died with the process). */
  freeChunkLease(chunk: ChunkRef): Promise<void> {
    return freeLease(this.chunkLease(chunk));
  }

  /** Lets go of a chunk's lease this invocation holds: a retry or a later copy need not wait for it to run out. */
  async releaseChunkLease(chunk: ChunkRef, holder: string): Promise<void> {
    await releaseLease(this.chunkLease(chunk), holder);
  }

  /**
   * Lets one finalize at a time report a batch: true when this invocation (`holder`) now holds it until `until`
   * (epoch ms). Two chains of one partition (a redelivered chunk) may both ask for finalize; the batch must
   * finish once. False when another holds it, or the batch is not waiting for its report.
   */
  takeFinalizeLease(batchId: string, holder: string, until: number): Promise<boolean> {
    return takeLease(this.finalizeLease(batchId), holder, until, {
      also: {
        condition: '#status IN (:registering, :finalizing, :failed)',
        names: { '#status': 'status' },
        values: { ':registering': 'registering', ':finalizing': 'finalizing', ':failed': 'failed' },
      },
    });
  }

  async releaseFinalizeLease(batchId: string, holder: string): Promise<void> {
    await releaseLease(this.finalizeLease(batchId), holder);
  }

  /** Frees every lease on a batch: only when no invocation can be running (the local stack's start). */
  async releaseLeases(batchId: string): Promise<void> {
    await this.update(batchId, 'REMOVE leaseHolder, leaseUntil, finalizeHolder, finalizeUntil');
  }

  /** Completed, and no longer failed if a poison chunk had failed it before a redrive. */
  async markCompleted(
    batchId: string,
    fields: Pick<Batch, 'outcomes' | 'errorsByCode' | 'warningsByCode' | 'finishedAt' | 'kind'>,
  ): Promise<void> {
    const { set, names, values } = assignments({
      ...fields,
      status: 'completed',
      updatedAt: fields.finishedAt,
    });
    await this.update(batchId, `${set} REMOVE failure, finalizeHolder, finalizeUntil`, values, names);
  }

  async markFailed(batchId: string, failure: BatchFailure): Promise<void> {
    await this.setStatus(batchId, 'failed', { failure, finishedAt: new Date().toISOString() });
  }

  /**
   * Makes this batch the latest upload of its object key unless a later upload (by S3 sequencer, then
   * start time) already is. True when this batch is the latest.
   */
  claimLatest(batch: Batch): Promise<boolean> {
    const order = `${(batch.sequencer ?? '').padStart(32, '0')}#${batch.startedAt}`;
    return landed(
      documents.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...objectKey(batch.objectKey), batchId: batch.batchId, order },
          ConditionExpression: 'attribute_not_exists(pk) OR #order <= :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':order': order },
        }),
      ),
    );
  }

  /** Batches not yet completed, failed or superseded (a scan: for resuming a local stack after a restart). */
  async listUnfinished(): Promise<Batch[]> {
    const unfinished: Batch[] = [];
    const pages = paginateScan(
      { client: documents },
      {
        TableName: this.table,
        FilterExpression: 'sk = :meta AND #status IN (:splitting, :registering, :finalizing)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':meta': batchKeys.batchSortKey,
          ':splitting': 'splitting',
          ':registering': 'registering',
          ':finalizing': 'finalizing',
        },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) unfinished.push(toBatch(item));
    }
    return unfinished;
  }

  async latestBatchOf(key: string): Promise<string | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: this.table, Key: objectKey(key), ConsistentRead: true }),
    );
    return Item?.batchId as string | undefined;
  }
}
