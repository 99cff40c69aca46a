// Properties of the readers over generated input: nothing makes them throw anything but a coded batch
// failure, chunk boundaries never change what is read, and RFC 4180 text round-trips.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell } from '#batch/ledger.ts';
import { BatchFailedError } from '#domain/errors.ts';
import type { FIELD_NAMES } from '#domain/fields.ts';
import { HEADER, readRows } from './helpers.ts';

const csvish = fc.string({
  unit: fc.constantFrom('"', ',', ';', '\t', '\n', '\r', 'a', 'ễ', ' ', '\u0000', '\ufeff', '1', '='),
  maxLength: 200,
});

async function readOrFail(bytes: Uint8Array, format: 'csv' | 'ndjson', chunkSize: number) {
  try {
    return await readRows(bytes, format, { chunkSize, maxRecordBytes: 64 });
  } catch (error) {
    if (error instanceof BatchFailedError) return error.code;
    throw error;
  }
}

describe('readers never throw on any input', () => {
  it('arbitrary bytes, as CSV and as NDJSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, size) => {
          await readOrFail(bytes, 'csv', size);
          await readOrFail(bytes, 'ndjson', size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('CSV-like text after a valid header, every row numbered once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(csvish, fc.integer({ min: 1, max: 50 }), async (body, size) => {
        const result = await readOrFail(Buffer.from(`${HEADER}\n${body}`), 'csv', size);
        if (typeof result === 'string') return;
        expect(result.rows.map((r) => r.row)).toEqual(result.rows.map((_, i) => i + 1));
        for (const row of result.rows) expect(row.values !== undefined || row.issues.length > 0).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('chunk boundaries do not matter', () => {
  it('the same rows whatever the chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(csvish, fc.integer({ min: 1, max: 40 }), async (body, size) => {
        const bytes = Buffer.from(`${HEADER}\n${body}`);
        const whole = await readOrFail(bytes, 'csv', bytes.length + 1);
        const pieces = await readOrFail(bytes, 'csv', size);
        expect(pieces).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});

describe('RFC 4180 round trip', () => {
  const columns = HEADER.split(',').length;
  const cell = fc.string({
    unit: fc.constantFrom('a', 'Ư', '"', ',', '\n', '\r\n', ' ', 'x', "'"),
    maxLength: 12,
  });
  const row = fc
    .array(cell, { minLength: columns, maxLength: columns })
    .filter((cells) => cells.some((c) => c.trim()));

  it('fields written with quoting are read back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 30 }),
        async (rows, size) => {
          const quote = (c: string) =>
            /[",\r\n]/.test(c) || c.startsWith("'") ? `"${c.replaceAll('"', '""')}"` : c;
          const text = `${HEADER}\r\n${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
          const result = await readRows(text, 'csv', { chunkSize: size });
          const names = HEADER.split(',') as (typeof FIELD_NAMES)[number][];
          expect(result.rows.map((r) => names.map((n) => r.values?.[n]))).toEqual(rows);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('report cells are neutralised and still parse as one cell', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), async (value) => {
        const out = csvCell(value);
        expect(/^[=+\-@\t\r]/.test(out)).toBe(false);
      }),
    );
  });
});
