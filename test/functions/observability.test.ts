import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { batchMetrics, emfRecord, recordDeadLetter } from '../../functions/commons/observability.ts';
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

type Values = Parameters<typeof emfRecord>[2];

describe('the EMF lines', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  /** What Powertools Metrics writes for the same metrics, parsed. */
  function powertools(dimensions: Record<string, string>, values: Values, at: number) {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({ namespace: 'Dancu', serviceName: 'dancu', defaultDimensions: dimensions });
    metrics.setTimestamp(at);
    for (const [name, unit, value] of values) metrics.addMetric(name, unit as MetricUnit, value);
    metrics.publishStoredMetrics();
    vi.restoreAllMocks();
    return lines.map((line) => JSON.parse(line));
  }

  it('are what Powertools Metrics writes for the same metrics and dimensions', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const at = Date.parse('2026-11-27T10:01:30.000Z');
    for (const [dimensions, values] of [
      [{ agency: 'CA-PLEIKU' }, batchMetrics(batch)],
      [{ agency: 'CA-PLEIKU', failure: 'BATCH_UPLOADER_NOT_ALLOWED' }, [['BatchesFailed', 'Count', 1]]],
      [{ queue: 'records' }, [['DeadLetterSends', 'Count', 1]]],
    ] as [Record<string, string>, Values][]) {
      expect([emfRecord('Dancu', dimensions, values, at)]).toEqual(powertools(dimensions, values, at));
    }
  });

  it('go to stdout, one JSON line each, and not where metrics are off', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    recordDeadLetter('records');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\{"_aws":.*"DeadLetterSends":1\}\n$/);
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    recordDeadLetter('records');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', undefined);
    vi.stubEnv('POWERTOOLS_DEV', '1');
    recordDeadLetter('records');
    expect(lines).toHaveLength(1);
  });
});
