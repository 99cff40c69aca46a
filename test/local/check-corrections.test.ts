// `npm run check` on a correction file (issue 19): each row checked by its own columns, refused with its code, or
// given the outcome the register gives it if it holds the row's old value.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../local/check-file.ts';

describe('npm run check: a correction file', () => {
  it('is reported as corrections: applied, pending_approval or rejected with its code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dancu-check-corrections-'));
    const file = join(dir, 'fixes.csv');
    await writeFile(
      file,
      [
        'personal_id,field,old_value,new_value,reason,evidence_ref',
        '064090001234,phone,,0905 123 456,other,QD-1',
        '064090001234,full_name,Nguyễn Văn Hùng,Nguyễn Văn Hưng,court_decision,QD-2',
        '064090001234,phone,,abc,other,QD-3',
        '064090001234,phone,,0905123456,because,QD-4',
      ].join('\n'),
    );
    const summary = await checkFile(file, join(dir, 'report'));
    expect(summary).toMatchObject({
      kind: 'corrections',
      status: 'completed',
      outcomes: { applied: 1, pending_approval: 1, rejected: 2 },
      errorsByCode: { CORRECTION_NEW_VALUE_INVALID: 1, CORRECTION_REASON_INVALID: 1 },
    });
    const lines = (await readFile(join(dir, 'report', 'outcomes.csv'), 'utf8')).trim().split('\n').slice(1);
    expect(lines.map((line) => line.split(',').slice(3, 6).join(','))).toEqual([
      'applied,,CORRECTION_APPLIED',
      'pending_approval,,CORRECTION_PENDING',
      'rejected,,CORRECTION_NEW_VALUE_INVALID',
      'rejected,,CORRECTION_REASON_INVALID',
    ]);
    expect(lines[2]).toContain('PHONE_INVALID');
  });
});
