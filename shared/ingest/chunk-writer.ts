// The split's output: valid rows buffered per partition and written as chunk files, rejected rows as rejected-row
// files, with the S3 writes in flight bounded; the checkpoint counts what is written, so a hand-over goes on after it.
import { objectKeys } from '../keys.ts';
import type { Batch, SplitCheckpoint } from '../model/batch.ts';
import type { Files } from '../model/ports.ts';
import { chunkLine, type OutcomeEntry, type ValidRow } from './types.ts';

/** Bounds the S3 writes in flight, and waits for them all before progress is recorded. */
class WriteQueue {
  private readonly inFlight = new Set<Promise<void>>();
  constructor(private readonly limit: number) {}

  async add(write: () => Promise<void>): Promise<void> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    const pending = write().finally(() => this.inFlight.delete(pending));
    this.inFlight.add(pending);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}

export class ChunkWriter {
  /** each partition's chunk lines, written once there are `chunkRows` of them */
  private readonly buffers: unknown[][];
  private rejected: OutcomeEntry[] = [];
  private readonly writes: WriteQueue;

  constructor(
    private readonly files: Pick<Files, 'putLines'>,
    private readonly batch: Pick<Batch, 'batchId' | 'partitions'>,
    /** counts the chunk and rejected-row files written */
    private readonly checkpoint: SplitCheckpoint,
    private readonly limits: { chunkRows: number; rejectedRows: number; writeConcurrency: number },
  ) {
    this.buffers = Array.from({ length: batch.partitions }, () => []);
    this.writes = new WriteQueue(limits.writeConcurrency);
  }

  /**
   * A valid row of a partition; once its chunk is full, the chunk's write (to wait for before the next row), else
   * nothing: a promise per row would cost the split a microtask on every row.
   */
  add(partition: number, entry: ValidRow): Promise<void> | undefined {
    return this.addLine(partition, chunkLine(entry));
  }

  /** A chunk line as it is written (a correction file's, shared/corrections): as `add`. */
  addLine(partition: number, line: unknown): Promise<void> | undefined {
    const buffer = this.buffers[partition];
    buffer?.push(line);
    return (buffer?.length ?? 0) >= this.limits.chunkRows ? this.flushChunk(partition) : undefined;
  }

  reject(entry: OutcomeEntry): void {
    this.rejected.push(entry);
  }

  /** After each page: the rejected rows are written once there are enough of them. */
  async pageDone(): Promise<void> {
    if (this.rejected.length >= this.limits.rejectedRows) await this.flushRejected();
  }

  /** Everything buffered written, and every write done. */
  async flushAll(): Promise<void> {
    for (let p = 0; p < this.batch.partitions; p++) await this.flushChunk(p);
    await this.flushRejected();
    await this.writes.drain();
  }

  private flushChunk(partition: number): Promise<void> {
    const entries = this.buffers[partition] ?? [];
    if (entries.length === 0) return Promise.resolve();
    const seq = this.checkpoint.chunkSeqs[partition] ?? 0;
    this.checkpoint.chunkSeqs[partition] = seq + 1;
    this.buffers[partition] = [];
    const key = objectKeys.chunk(this.batch.batchId, partition, seq);
    return this.writes.add(() => this.files.putLines(key, entries));
  }

  private flushRejected(): Promise<void> {
    if (this.rejected.length === 0) return Promise.resolve();
    const entries = this.rejected;
    const seq = this.checkpoint.rejectedSeq;
    this.checkpoint.rejectedSeq = seq + 1;
    this.rejected = [];
    return this.writes.add(() => this.files.putLines(objectKeys.rejected(this.batch.batchId, seq), entries));
  }
}
