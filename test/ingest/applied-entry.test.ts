// The `applied` entries a person keeps: written and read back, whichever version of the format wrote them.
import { describe, expect, it } from 'vitest';
import {
  creation,
  entryRef,
  formatEntry,
  lastContent,
  parseEntry,
  sameForm,
} from '../../shared/ingest/applied-entry.ts';

const BATCH = 'AbCdEfGhIjKlMnOpQrStUv';

describe('applied entries', () => {
  it('reads back what it writes: outcome, score, candidate, digest and changed fields', () => {
    const entries = [
      { tag: `${BATCH}#7`, outcome: 'new' as const, digest: 'uBLHdBp5' },
      {
        tag: `${BATCH}#8`,
        outcome: 'updated' as const,
        digest: 'x-_9AbCd',
        changed: ['currentAddress', 'phone'],
      },
      {
        tag: `${BATCH}#9`,
        outcome: 'probable_duplicate' as const,
        score: 9.13,
        candidate: 'p1:nk:AAAAAAAAAAAAAAAAAAAAAA',
        digest: 'zzzzzzzz',
      },
      { tag: `${BATCH}#10`, outcome: 'duplicate' as const, score: 17.25, digest: '12345678' },
    ];
    for (const entry of entries) expect(parseEntry(formatEntry(entry))).toEqual(entry);
    expect(formatEntry(entries[1] as (typeof entries)[1])).toMatch(
      /^AbCdEfGhIjKlMnOpQrStUv#8:updated~x-_9AbCd~\w\w$/,
    );
  });

  it('reads entries written before digests: rows, linked rows, reviewer and link-pass merges', () => {
    expect(parseEntry(`${BATCH}#3:new`)).toEqual({ tag: `${BATCH}#3`, outcome: 'new' });
    expect(parseEntry(`${BATCH}#4:duplicate|17.30`)).toEqual({
      tag: `${BATCH}#4`,
      outcome: 'duplicate',
      score: 17.3,
    });
    expect(parseEntry(`${BATCH}#5:probable_duplicate|9.10|p1:id:BBBBBBBBBBBBBBBBBBBBBB`)).toEqual({
      tag: `${BATCH}#5`,
      outcome: 'probable_duplicate',
      score: 9.1,
      candidate: 'p1:id:BBBBBBBBBBBBBBBBBBBBBB',
    });
    // a link pass's tag holds a person key, colons and all
    expect(parseEntry('link#night-1#p1:nk:CCCCCCCCCCCCCCCCCCCCCC:merged')).toEqual({
      tag: 'link#night-1#p1:nk:CCCCCCCCCCCCCCCCCCCCCC',
      outcome: 'merged',
    });
    expect(parseEntry(`review#${BATCH}.12:merged`)).toEqual({ tag: `review#${BATCH}.12`, outcome: 'merged' });
  });

  it('names a row of a batch, or a merge, whichever way the batch id is written', () => {
    expect(entryRef(parseEntry(`${BATCH}#3:new~aaaaaaaa`))).toEqual({ batchId: BATCH, row: 3 });
    expect(entryRef(parseEntry('b1#3:new'))).toEqual({ batchId: 'b1', row: 3 });
    expect(entryRef(parseEntry(`review#${BATCH}.12:merged`))).toEqual({ merged: true });
    expect(entryRef(parseEntry('link#123#p1:nk:CCCCCCCCCCCCCCCCCCCCCC:merged'))).toEqual({ merged: true });
  });

  it('finds the first form with a content, the last that changed the record, and the one that created it', () => {
    const entries = [
      'b1#1:new~aaaaaaaa',
      'b1#2:updated~bbbbbbbb~0',
      'b2#1:conflict~cccccccc',
      'b2#2:duplicate~dddddddd',
      'b3#1:duplicate~bbbbbbbb',
    ].map(parseEntry);
    expect(sameForm(entries, 'bbbbbbbb')?.tag).toBe('b1#2');
    expect(sameForm(entries, 'cccccccc')?.outcome).toBe('conflict');
    expect(sameForm(entries, 'eeeeeeee')).toBeUndefined();
    expect(lastContent(entries)?.tag).toBe('b1#2');
    expect(creation(entries)?.tag).toBe('b1#1');
    // once the creating row has left the kept entries, nothing is named as the identity's source
    expect(creation(entries.slice(1))).toBeUndefined();
  });
});
