import { describe, expect, it } from 'vitest';
import { batchMetrics, linkPassMetrics } from '../../functions/commons/observability.ts';

const batch: Parameters<typeof batchMetrics>[0] = {
  startedAt: '2026-11-27T10:00:00.000Z',
  finishedAt: '2026-11-27T10:01:30.000Z',
  outcomes: { new: 70, duplicate: 10, updated: 5, conflict: 3, probable_duplicate: 2, rejected: 10 },
};

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

describe('linkPassMetrics', () => {
  it('counts what a finished pass read, merged and listed, and how long it took', () => {
    const pass = { persons: 19_624, merged: 1_430, reviews: 245, startedAt: '2026-11-27T19:00:00.000Z' };
    expect(linkPassMetrics({ ...pass, finishedAt: '2026-11-27T19:00:12.500Z' })).toEqual([
      ['LinkPassPersons', 'Count', 19_624],
      ['LinkPassMerged', 'Count', 1_430],
      ['LinkPassReviews', 'Count', 245],
      ['LinkPassDuration', 'Seconds', 12.5],
    ]);
    expect(linkPassMetrics(pass)).toHaveLength(3);
  });

  it('counts the numbers a pass issued where the stage issues them (issue 20)', () => {
    const pass = { persons: 100, merged: 2, reviews: 1, startedAt: '2026-11-27T19:00:00.000Z', issued: 41 };
    expect(linkPassMetrics(pass)).toContainEqual(['LinkPassIdsIssued', 'Count', 41]);
    expect(linkPassMetrics({ ...pass, issued: undefined }).map(([name]) => name)).not.toContain(
      'LinkPassIdsIssued',
    );
  });
});
