import { describe, expect, it } from 'vitest';
import {
  FINAL_STATUSES,
  isOverdue,
  STATUS_CODES,
  STATUS_KIND,
  STATUS_KINDS,
  type StatusCode,
  type StatusKind,
} from '../../shared/procedures/statuses.ts';

// the classification written out by hand, so a change to STATUS_KIND is a deliberate change here too
const EXPECTED: Record<StatusCode, StatusKind> = {
  1: 'in-progress', // submitted
  2: 'in-progress', // accepted
  3: 'refused', // refused at intake (Mẫu 03)
  4: 'in-progress', // processing
  5: 'needs-citizen', // supplement requested (Mẫu 02)
  6: 'needs-citizen', // fees due
  7: 'refused', // withdrawn: ended without a result
  8: 'refused', // stopped: ended without a result
  9: 'done', // result ready at the desk
  10: 'done', // result returned
};

describe('STATUS_KIND', () => {
  it.each(STATUS_CODES)('gives status %i its kind', (code) => {
    expect(STATUS_KIND[code]).toBe(EXPECTED[code]);
  });

  it('classifies exactly the known statuses, each into a known kind', () => {
    expect(Object.keys(STATUS_KIND).map(Number)).toEqual([...STATUS_CODES]);
    for (const code of STATUS_CODES) expect(STATUS_KINDS).toContain(STATUS_KIND[code]);
  });

  it('uses every kind', () => {
    expect(new Set(Object.values(STATUS_KIND))).toEqual(new Set(STATUS_KINDS));
  });

  it('makes final exactly the statuses that are done or refused', () => {
    expect([...FINAL_STATUSES].sort((a, b) => a - b)).toEqual([3, 7, 8, 9, 10]);
  });

  it('lets a status that waits on the citizen be overdue: the due date is the agency promise', () => {
    const now = new Date('2025-02-01T00:00:00Z');
    expect(isOverdue(5, '2025-01-22T10:00:00Z', now)).toBe(true);
    expect(isOverdue(3, '2025-01-22T10:00:00Z', now)).toBe(false);
  });
});
