import { describe, expect, it } from 'vitest';
import { batchMetrics } from '../../functions/commons/observability.ts';
import type { Batch } from '../../shared/ingest/types.ts';

const batch = {
  batchId: 'b1',
  agencyCode: 'CA-PLEIKU',
  startedAt: '2026-11-27T10:00:00.000Z',
  finishedAt: '2026-11-27T10:01:30.000Z',
  outcomes: { new: 70, duplicate: 10, updated: 5, conflict: 3, probable_duplicate: 2, rejected: 10 },
} as unknown as Batch;

describe('batchMetrics', () => {
  it('counts accepted and rejected rows, conflicts and the duration of a reported batch', () => {
    expect(batchMetrics(batch)).toEqual([
      ['RowsAccepted', 'Count', 90],
      ['RowsRejected', 'Count', 10],
      ['Conflicts', 'Count', 3],
      ['ProbableDuplicates', 'Count', 2],
      ['BatchDuration', 'Seconds', 90],
    ]);
  });

  it('has nothing to say of a batch without outcomes', () => {
    expect(batchMetrics({ ...batch, outcomes: undefined })).toEqual([]);
  });
});
