// `npm run history`: the command line, and the lines a change prints as (on the emulators, with the stores:
// test/integration/history.test.ts).
import { describe, expect, it } from 'vitest';
import { changeLines, parseHistoryCommand } from '../../local/history-command.ts';

describe('the history command line', () => {
  it('reads a key or migrate, and refuses anything else', () => {
    expect(parseHistoryCommand(['p1:id:AAAAAAAAAAAAAAAAAAAAAA'])).toEqual({
      kind: 'print',
      key: 'p1:id:AAAAAAAAAAAAAAAAAAAAAA',
      json: false,
      aws: false,
      dir: '.dancu',
    });
    expect(parseHistoryCommand(['migrate', '--dry-run', '--aws', '--days', '30'])).toEqual({
      kind: 'migrate',
      dryRun: true,
      days: 30,
      aws: true,
      dir: '.dancu',
    });
    for (const args of [[], ['a', 'b'], ['migrate', '--days', '0'], ['k', '--dry-run'], ['k', '--nope']])
      expect(parseHistoryCommand(args), args.join(' ')).toBeUndefined();
  });
});

describe('a change as lines', () => {
  it('says when, what, from where and by whom, then each field from and to', () => {
    expect(
      changeLines({
        version: 2,
        at: '2026-12-08T01:00:00.000Z',
        outcome: 'updated',
        why: 'updated',
        batchId: 'b1',
        row: 7,
        by: { kind: 'uploader', id: 'sub-1' },
        fields: [
          { field: 'currentAddress', from: 'An Khê', to: 'Pleiku' },
          { field: 'phone', to: '0912345678' },
        ],
      }),
    ).toEqual([
      'v2  2026-12-08T01:00:00.000Z  updated (updated)  batch b1 row 7  uploader sub-1',
      '    currentAddress: An Khê → Pleiku',
      '    phone: ∅ → 0912345678',
    ]);
    expect(changeLines({ version: 1, at: 'T', outcome: 'created', otherAgency: true, fields: [] })).toEqual([
      'v1  T  created  another agency',
    ]);
  });
});
