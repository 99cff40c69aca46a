// A batch id is deterministic per uploaded object version, and never starts with a character a spreadsheet
// would read as a formula (review.csv carries it in review_id).
import { describe, expect, it } from 'vitest';
import { batchIdOf } from '../../shared/ingest/batch-id.ts';

describe('batchIdOf', () => {
  const ids = Array.from({ length: 2000 }, (_, i) =>
    batchIdOf({ bucket: 'b', key: `incoming/CA-X/f${i}.csv`, versionId: 'v1', sequencer: '01' }),
  );

  it('is the same for the same object version', () => {
    expect(batchIdOf({ bucket: 'b', key: 'incoming/CA-X/f0.csv', versionId: 'v1', sequencer: '01' })).toBe(
      ids[0],
    );
  });

  it('is 22 URL-safe characters, never led by - or _', () => {
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
    // the digests of 2,000 keys start with - or _ about 60 times: the rule is exercised
    expect(new Set(ids).size).toBe(ids.length);
  });
});
