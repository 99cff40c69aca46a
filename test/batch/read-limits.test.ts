// The bounds of what a file may hold (issue 24): each fails the batch with its code, early, whatever the
// encoding; tests set small limits rather than build gigabytes.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BatchFormat, ReadOptions } from '#batch/read-batch.ts';
import { BatchFailedError } from '#domain/errors.ts';
import { HEADER, ROW_A, ROW_B, readRows } from './helpers.ts';

/** The code and detail a read ends with, or undefined when it succeeds. */
async function failureOf(
  bytes: Uint8Array | string,
  format: BatchFormat = 'csv',
  options: ReadOptions & { chunkSize?: number } = {},
): Promise<{ code: string; detail?: string } | undefined> {
  try {
    await readRows(bytes, format, { chunkSize: 1 << 16, ...options });
    return undefined;
  } catch (error) {
    if (error instanceof BatchFailedError) return { code: error.code, detail: error.detail };
    throw error;
  }
}

/** A gzip of `mib` MiB of one byte repeated: gzip members one after another, as gunzip reads them, ~1 KB each. */
function bomb(mib: number, byte = '\n'): Buffer {
  const member = gzipSync(Buffer.alloc(1 << 20, byte), { level: 9 });
  return Buffer.concat(Array.from({ length: mib }, () => member));
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? ROW_A : ROW_B)).join('\n');

describe('read limits', () => {
  it('fail a gzip of 1 GiB of blank lines by the header bound, in moments rather than 111 s', async () => {
    const file = bomb(1024);
    expect(file.length).toBeLessThan(2 << 20);
    const started = Date.now();
    expect(await failureOf(file)).toEqual({ code: 'BATCH_HEADER_TOO_LARGE', detail: '> 65536' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fail an NDJSON gzip of blank lines by the line bound: blank lines count', async () => {
    expect(await failureOf(bomb(64), 'ndjson', { maxLines: 100_000 })).toEqual({
      code: 'BATCH_TOO_MANY_ROWS',
      detail: '> 100000',
    });
  });

  it('fail a file whose text passes the byte bound, counted after gunzip, while it streams', async () => {
    const text = `${HEADER}\n${rows(2_000)}\n`;
    expect(await failureOf(gzipSync(text), 'csv', { maxTextBytes: 50_000 })).toEqual({
      code: 'BATCH_TOO_LARGE',
      detail: '> 50000',
    });
    expect(await failureOf(gzipSync(text), 'csv', { maxTextBytes: Buffer.byteLength(text) })).toBeUndefined();
    // a single line of 8 MiB: the bound, not the row's end, stops the read
    expect((await failureOf(bomb(8, 'x'), 'ndjson', { maxTextBytes: 1 << 20 }))?.code).toBe(
      'BATCH_TOO_LARGE',
    );
  });

  it('count lines, the header and blank ones included: a file of exactly the bound is read', async () => {
    const text = `${HEADER}\n${rows(4)}\n\n`;
    expect(await failureOf(text, 'csv', { maxLines: 5 })).toEqual({
      code: 'BATCH_TOO_MANY_ROWS',
      detail: '> 5',
    });
    expect(await failureOf(`${HEADER}\n${rows(4)}\n`, 'csv', { maxLines: 5 })).toBeUndefined();
  });

  it('fail a CSV header of too many cells, or one that ends past the byte bound', async () => {
    const wide = `${HEADER}${',extra'.repeat(1_000)}\n${ROW_A}\n`;
    expect(await failureOf(wide)).toEqual({ code: 'BATCH_HEADER_TOO_LARGE', detail: '1009 > 1000' });
    expect(await failureOf(wide, 'csv', { maxHeaderCells: 2_000 })).toBeUndefined();
    // 120,000 cells (850 KB) once crashed the split's checkpoint write: now the bytes stop it before its end
    const huge = `${HEADER}${',c'.repeat(120_000)}\n${ROW_A}\n`;
    expect(await failureOf(huge, 'csv', { maxHeaderCells: 200_000 })).toEqual({
      code: 'BATCH_HEADER_TOO_LARGE',
      detail: '> 65536',
    });
    // blank lines before the header count: the header must be near the start
    expect(
      (await failureOf(`${'\n'.repeat(100)}${HEADER}\n${ROW_A}\n`, 'csv', { maxHeaderBytes: 99 }))?.code,
    ).toBe('BATCH_HEADER_TOO_LARGE');
    expect(
      await failureOf(`\n\n${HEADER}\n${ROW_A}\n`, 'csv', { maxHeaderBytes: HEADER.length + 3 }),
    ).toBeUndefined();
  });

  it('reject an NDJSON row nested deeper than the bound, where JSON.stringify overflowed the stack', async () => {
    const fields = '"full_name":"An","date_of_birth":"1990-02-01","sex":"Nam"';
    const deep = `{${fields},"hometown":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const shallow = `{${fields},"hometown":[["a"]],"note":"{[\\"["}`;
    const { rows } = await readRows(`${deep}\n${shallow}\n`, 'ndjson', { chunkSize: 1 << 16 });
    expect(rows.map((r) => r.issues.map((i) => [i.code, i.detail]))).toEqual([
      [['ROW_NESTING_TOO_DEEP', '> 32']],
      [['FIELD_TYPE_INVALID', undefined]],
    ]);
    expect((await readRows(shallow, 'ndjson', { maxNestingDepth: 2 })).rows[0]?.issues[0]?.code).toBe(
      'ROW_NESTING_TOO_DEEP',
    );
  });

  it('keep the start of an NDJSON key as long as its line, so the checkpoint stays small', async () => {
    const key = 'k'.repeat(500_000);
    const { unknownColumns } = await readRows(`{"${key}":1,"full_name":"An"}\n`, 'ndjson', {
      chunkSize: 1 << 16,
    });
    expect(unknownColumns).toEqual(['k'.repeat(200)]);
  });
});
