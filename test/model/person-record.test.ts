import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { chunkEntryOf, chunkLine } from '../../shared/ingest/types.ts';
import { packRecord, unpackRecord } from '../../shared/model/person-record.ts';
import { testKeyer } from '../fakes/keyer.ts';

const record: PopulationRecord = {
  formId: 'F-1',
  fullName: 'Rơ Châm H’Yơn',
  dateOfBirth: '1990-02-03',
  sex: 'female',
  personalId: '064190123456',
  birthRegistrationPlace: 'Gia Lai',
  hometown: 'Gia Lai',
  ethnicityCode: '11',
  nationality: 'VN',
  currentAddress: 'Làng Ia Băng, Chư Prông',
  motherName: 'Rơ Châm H’Blin',
};

describe('the stored form of a person record', () => {
  it('round-trips a record, leaving absent fields absent', () => {
    const back = unpackRecord(packRecord(record));
    expect(back).toEqual(record);
    expect(Object.keys(back)).not.toContain('otherName');
  });

  it('holds the values without field names, in the schema order', () => {
    // a register written before a change of field order would be read wrongly: this pins the order
    expect(packRecord(record)).toBe(
      '["F-1","Rơ Châm H’Yơn",null,"1990-02-03","female","064190123456",null,"Gia Lai","Gia Lai","11",null,' +
        '"VN",null,null,null,null,null,"Làng Ia Băng, Chư Prông",null,null,null,null,null,null,null,' +
        '"Rơ Châm H’Blin"]',
    );
  });

  it('reads a value array from before a field was appended to the schema', () => {
    expect(unpackRecord('["F-2","Lê Văn A",null,"2001-01-01","male"]')).toEqual({
      formId: 'F-2',
      fullName: 'Lê Văn A',
      dateOfBirth: '2001-01-01',
      sex: 'male',
    });
  });

  it('still reads records stored deflated by earlier versions', () => {
    expect(unpackRecord(deflateRawSync(JSON.stringify(record)))).toEqual(record);
  });
});

describe('a chunk file line', () => {
  it('carries a row, its identity, form id and record, and reads back under the sealed key', () => {
    const valid = { row: 12, identity: 'id:064190123456', formId: 'F-1', record };
    const line = JSON.parse(JSON.stringify(chunkLine(valid)));
    expect(line.slice(0, 3)).toEqual([12, 'id:064190123456', 'F-1']);
    expect(chunkEntryOf(line, testKeyer)).toEqual({
      row: 12,
      personKey: testKeyer.seal('id:064190123456'),
      formId: 'F-1',
      record,
    });
    const withoutForm = { row: 3, identity: 'nk:AAAA', record };
    expect(chunkEntryOf(JSON.parse(JSON.stringify(chunkLine(withoutForm))), testKeyer)).toEqual({
      row: 3,
      personKey: testKeyer.seal('nk:AAAA'),
      record,
    });
  });

  it("carries an accepted row's warnings to the register, and reads lines without them as before", () => {
    const warnings = [
      { code: 'PERSONAL_ID_PLACE_MISMATCH', field: 'personal_id', detail: '064 ≠ Hà Nội' },
    ] as const;
    const valid = { row: 5, line: 6, identity: 'id:064190123456', record, warnings: [...warnings] };
    const line = JSON.parse(JSON.stringify(chunkLine(valid)));
    expect(line).toHaveLength(6);
    expect(chunkEntryOf(line, testKeyer)).toEqual({
      row: 5,
      line: 6,
      personKey: testKeyer.seal('id:064190123456'),
      record,
      warnings,
    });
    // no warnings: the line stays as it was, five elements
    expect(chunkLine({ ...valid, warnings: [] })).toHaveLength(5);
    // lines written before issue 14 (and before issue 21: no line number) have none
    expect(chunkEntryOf(line.slice(0, 5), testKeyer)).not.toHaveProperty('warnings');
    expect(chunkEntryOf(line.slice(0, 4), testKeyer)).toEqual({
      row: 5,
      personKey: testKeyer.seal('id:064190123456'),
      record,
    });
  });
});
