// A correction file (DC02, issue 19) is told by its columns, in CSV and NDJSON, and read again as one after a
// hand-over: each row's cells and which column each is, for the split's checks (shared/corrections).
import { describe, expect, it } from 'vitest';
import { CORRECTION_COLUMNS } from '../../shared/corrections/correction.ts';
import { chunked, failureCode, readRows } from './helpers.ts';

const HEADER = 'Personal_ID,field,old_value,new_value,reason,evidence_ref,note';
const ROW = '064090001234,current_address,Pleiku,"Phường Hoa Lư, Pleiku",collection_error,QD-1,x';

describe('a correction file', () => {
  it('is told by its CSV header, whatever its case and order, and its other columns named', async () => {
    const read = await readRows(`${HEADER}\n${ROW}\n${ROW}\n`);
    expect(read).toMatchObject({ kind: 'corrections', unknownColumns: ['note'] });
    expect((read as { correctionColumns?: unknown }).correctionColumns).toEqual([
      'personal_id',
      'field',
      'old_value',
      'new_value',
      'reason',
      'evidence_ref',
      undefined,
    ]);
    expect(read.rows.map((row) => row.cells?.[3])).toEqual([
      'Phường Hoa Lư, Pleiku',
      'Phường Hoa Lư, Pleiku',
    ]);
    expect(read.rows[0]?.issues).toEqual([]);
  });

  it('fails as a whole without a reason, evidence or a column naming the person', async () => {
    expect(await failureCode('field,old_value,new_value,personal_id\nx,y,z,1\n')).toBe(
      'BATCH_MISSING_COLUMNS',
    );
    expect(await failureCode('field,old_value,new_value,reason,evidence_ref\nx,y,z,a,b\n')).toBe(
      'BATCH_MISSING_COLUMNS',
    );
    expect(await failureCode(`${HEADER},field\n`)).toBe('BATCH_DUPLICATE_COLUMN');
  });

  it('rejects a row of another width, as a DC01 row', async () => {
    const { rows } = await readRows(`${HEADER}\n064090001234,phone\n`);
    expect(rows[0]?.issues.map((issue) => issue.code)).toEqual(['ROW_COLUMN_COUNT']);
  });

  it("is told in NDJSON by its first object's keys, each row's cells in the columns' order", async () => {
    const line = JSON.stringify({
      personal_id: '064090001234',
      field: 'phone',
      old_value: '',
      new_value: 905123456,
    });
    const read = await readRows(`\n${line}\n${JSON.stringify({ field: { nested: true } })}\n`, 'ndjson');
    expect(read).toMatchObject({ kind: 'corrections' });
    expect((read as { correctionColumns?: unknown }).correctionColumns).toEqual(CORRECTION_COLUMNS);
    // personal_id, person_key, field, old_value, new_value…
    expect(read.rows[0]?.cells?.slice(0, 5)).toEqual(['064090001234', undefined, 'phone', '', '905123456']);
    expect(read.rows[1]?.issues.map((issue) => issue.code)).toEqual(['FIELD_TYPE_INVALID']);
    // a DC01 file stays one
    expect(await readRows(`${JSON.stringify({ full_name: 'A' })}\n`, 'ndjson')).toMatchObject({
      kind: 'records',
    });
  });

  it('is read as one again from a hand-over, CSV and NDJSON', async () => {
    const { openBatch } = await import('#batch/read-batch.ts');
    const csv = await openBatch(chunked(Buffer.from(`${ROW}\n`)), 'csv', {
      resumeAt: { row: 4, offset: 0, line: 6, headerCells: HEADER.split(','), delimiter: ',' },
    });
    expect(csv.layout).toMatchObject({ kind: 'corrections' });
    const line = JSON.stringify({ personal_id: '064090001234', field: 'phone' });
    const ndjson = await openBatch(chunked(Buffer.from(`${line}\n`)), 'ndjson', {
      resumeAt: { kind: 'corrections', row: 4, offset: 0, line: 5 },
    });
    const rows = [];
    for await (const page of ndjson.pages) rows.push(...page);
    expect(ndjson.layout).toMatchObject({ kind: 'corrections', correctionColumns: CORRECTION_COLUMNS });
    expect(rows.map((row) => [row.row, row.cells?.[2]])).toEqual([[5, 'phone']]);
  });
});
