// The dead-letter watch on the port fakes: which batch each kind of dead letter is about, the batches it fails (with
// a report) and those it leaves, and a second sweep that rewrites nothing.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchSummary } from '#batch/ledger.ts';
import { batchIdOf } from '../../shared/ingest/batch-id.ts';
import { batchIdsOfDeadLetter, failDeadLetteredBatches } from '../../shared/ingest/dead-letter-watch.ts';
import type { BatchStatus } from '../../shared/model/batch.ts';
import { MemoryBatches } from '../fakes/batches.ts';
import { MemoryDeadLetters } from '../fakes/dead-letters.ts';
import { MemoryFiles } from '../fakes/files.ts';
import { s3Notification } from '../functions/events.ts';
import { batchOf } from '../functions/pipeline-fakes.ts';

const summaryOf = (files: MemoryFiles, batchId: string, name = 'forms.csv') =>
  JSON.parse(
    files.text(`reports/CA-PLEIKU/${name}/batches/${batchId}/summary.json`) ?? 'null',
  ) as BatchSummary | null;

describe('batchIdsOfDeadLetter', () => {
  it('names the batch of a chunk, a hand-over and a finalize message', () => {
    const of = (message: object) => batchIdsOfDeadLetter(JSON.stringify(message));
    expect(of({ kind: 'chunk', batchId: 'b1', partition: 3, seq: 0 })).toEqual(['b1']);
    expect(of({ kind: 'split-continue', batchId: 'b2' })).toEqual(['b2']);
    expect(of({ kind: 'finalize', batchId: 'b3' })).toEqual(['b3']);
  });

  it('names an upload notification’s batch by its object, as the split does', () => {
    const notification = s3Notification('incoming/CA-PLEIKU/tháng 11.csv', { versionId: 'v1' });
    const batchId = batchIdOf({
      bucket: 'batches-bucket',
      key: 'incoming/CA-PLEIKU/tháng 11.csv',
      versionId: 'v1',
      eTag: 'e1',
      sequencer: '0A1',
    });
    expect(batchIdsOfDeadLetter(JSON.stringify(notification))).toEqual([batchId]);
  });

  it('names none for a sweep, S3’s test event or a body that is no message', () => {
    expect(batchIdsOfDeadLetter(JSON.stringify({ kind: 'sweep-dead-letters' }))).toEqual([]);
    expect(batchIdsOfDeadLetter(JSON.stringify({ Event: 's3:TestEvent' }))).toEqual([]);
    expect(batchIdsOfDeadLetter('not json')).toEqual([]);
    expect(batchIdsOfDeadLetter(JSON.stringify({ kind: 'chunk', batchId: 'b1' }))).toEqual([]);
  });
});

describe('failDeadLetteredBatches', () => {
  let batches: MemoryBatches;
  let files: MemoryFiles;
  let deadLetters: MemoryDeadLetters;
  const sweep = () => failDeadLetteredBatches({ deadLetters, batches, files });

  async function batchIn(batchId: string, status: BatchStatus): Promise<void> {
    await batches.create(batchOf({ batchId, status }));
    await batches.claimLatest(batchOf({ batchId }));
  }

  beforeEach(() => {
    batches = new MemoryBatches();
    files = new MemoryFiles();
    deadLetters = new MemoryDeadLetters();
  });

  it('fails each batch in progress once, with a code and a report, and leaves its dead letters where they are', async () => {
    await batchIn('split', 'splitting');
    await batchIn('chunks', 'registering');
    await batchIn('report', 'finalizing');
    deadLetters.add('intake', { kind: 'split-continue', batchId: 'split' });
    deadLetters.add('records', { kind: 'chunk', batchId: 'chunks', partition: 0, seq: 1 });
    deadLetters.add('records', { kind: 'chunk', batchId: 'chunks', partition: 5, seq: 0 });
    deadLetters.add('finalize', { kind: 'finalize', batchId: 'report' });

    expect(await sweep()).toEqual([
      { batchId: 'split', queue: 'intake' },
      { batchId: 'chunks', queue: 'records' },
      { batchId: 'report', queue: 'finalize' },
    ]);
    for (const batchId of ['split', 'chunks', 'report']) {
      expect((await batches.get(batchId))?.status).toBe('failed');
      const summary = summaryOf(files, batchId);
      expect(summary?.status).toBe('failed');
      expect(summary?.failure?.code).toBe('BATCH_PROCESSING_FAILED');
      expect(summary?.failure?.message).toContain('timeout or out of memory');
    }
    // the name's report too: each batch is its name's latest upload here
    expect(files.text('reports/CA-PLEIKU/forms.csv/summary.json')).toBeDefined();
    expect(deadLetters.letters).toHaveLength(4);
  });

  it('leaves completed, superseded, failed and unknown batches as they are', async () => {
    await batchIn('done', 'completed');
    await batchIn('old', 'superseded');
    await batchIn('gone', 'failed');
    for (const batchId of ['done', 'old', 'gone', 'never-created'])
      deadLetters.add('records', { kind: 'chunk', batchId, partition: 0, seq: 0 });
    expect(await sweep()).toEqual([]);
    expect(files.objects.size).toBe(0);
    expect((await batches.get('done'))?.status).toBe('completed');
  });

  it('rewrites nothing when it sweeps the same dead letters again', async () => {
    await batchIn('chunks', 'registering');
    deadLetters.add('records', { kind: 'chunk', batchId: 'chunks', partition: 0, seq: 0 });
    await sweep();
    const failedAt = (await batches.get('chunks'))?.finishedAt;
    const putText = vi.spyOn(files, 'putText');
    expect(await sweep()).toEqual([]);
    expect(putText).not.toHaveBeenCalled();
    expect((await batches.get('chunks'))?.finishedAt).toBe(failedAt);
    expect(deadLetters.peeks).toBe(2);
  });
});
