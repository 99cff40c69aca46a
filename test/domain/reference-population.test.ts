// Expected residents per commune (shared/domain/reference-population.ts), and the local demo's Gia Lai fixture.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GIALAI_2020, GIALAI_POPULATION_FILE, gialaiPopulation } from '../../local/reference-fixture.ts';
import { newestReference } from '../../shared/domain/reference-population.ts';
import { readReferenceText } from '../../shared/ingest/reference-upload.ts';

const HEADER = 'commune_code,permanent_residents,temporary_residents,as_of,source';

describe('readReferenceFile', () => {
  it('reads each commune’s figures, in the list of its as-of date', async () => {
    const read = await readReferenceText(
      `\uFEFF${HEADER}\n23566,12000,40,2020-11-01,Cục Thống kê\n23869,5000,3,2020-11-01,Cục Thống kê\n`,
    );
    expect(read).toMatchObject({ status: 'read', asOf: '2020-11-01', vintage: 2020, rejected: [] });
    if (read.status !== 'read') throw new Error('read');
    expect(read.communes.get('23566')).toEqual({ permanent: 12000, temporary: 40, source: 'Cục Thống kê' });
  });

  it('reads codes in the 2025 list from 1 July 2025: 23566 is not a commune there, 23575 is', async () => {
    const read = await readReferenceText(`${HEADER}\n23566,1,0,2025-07-01,s\n23575,2,0,2025-07-01,s\n`);
    expect(read).toMatchObject({
      status: 'read',
      vintage: 2025,
      rejected: [{ row: 1, code: 'REFERENCE_CODE_UNKNOWN' }],
    });
    if (read.status === 'read') expect([...read.communes.keys()]).toEqual(['23575']);
  });

  it.each([
    ['an unknown code', '99999,10,0,2020-11-01,s', 'REFERENCE_CODE_UNKNOWN'],
    ['a district code', '622,10,0,2020-11-01,s', 'REFERENCE_CODE_UNKNOWN'],
    ['a negative count', '23566,-1,0,2020-11-01,s', 'REFERENCE_COUNT_INVALID'],
    ['a count that is not a number', '23566,12k,0,2020-11-01,s', 'REFERENCE_COUNT_INVALID'],
    ['a fraction', '23566,1.5,0,2020-11-01,s', 'REFERENCE_COUNT_INVALID'],
    ['another as-of date', '23566,10,0,2020-12-01,s', 'REFERENCE_AS_OF_MIXED'],
    ['no source', '23566,10,0,2020-11-01,', 'REFERENCE_SOURCE_MISSING'],
    ['a commune twice', '23869,10,0,2020-11-01,s', 'REFERENCE_COMMUNE_REPEATED'],
    ['a quote that never closes', '23566,"10,0,2020-11-01,s', 'REFERENCE_ROW_UNREADABLE'],
  ])('refuses a row with %s, coded, and keeps the others', async (_, line, code) => {
    const read = await readReferenceText(`${HEADER}\n23869,5,0,2020-11-01,s\n${line}\n`);
    expect(read).toMatchObject({ status: 'read', rejected: [{ row: 2, code }] });
    if (read.status === 'read') expect(read.communes.get('23869')?.permanent).toBe(5);
  });

  it.each([
    ['another header', 'code,residents\n23566,1', 'REFERENCE_HEADER_INVALID'],
    ['nothing', '', 'REFERENCE_HEADER_INVALID'],
    ['a header alone', `${HEADER}\n`, 'REFERENCE_EMPTY'],
    ['an as-of date that is no date', `${HEADER}\n23566,1,0,2020-02-30,s`, 'REFERENCE_AS_OF_INVALID'],
  ])('fails a file with %s as a whole', async (_, text, code) => {
    expect(await readReferenceText(text)).toEqual({ status: 'failed', code });
  });
});

describe('readReferenceFile, the CSV as spreadsheets write it', () => {
  it('reads quoted fields (a comma, a doubled quote, a line end inside), CRLF lines, and skips blank ones', async () => {
    const read = await readReferenceText(
      `${HEADER}\r\n23566,1,0,2020-11-01,"Cục Thống kê, 2020"\r\n\r\n,,,,\r\n23869,2,0,2020-11-01,"Sổ ""A""\nbản 2"\r\n99999,1,0,2020-11-01,s`,
    );
    expect(read).toMatchObject({ status: 'read', rejected: [{ row: 3, code: 'REFERENCE_CODE_UNKNOWN' }] });
    if (read.status !== 'read') throw new Error(read.code);
    expect(read.communes.get('23566')?.source).toBe('Cục Thống kê, 2020');
    expect(read.communes.get('23869')?.source).toBe('Sổ "A"\nbản 2');
  });

  it('reads a file delimited by semicolons or tabs, as a Vietnamese Excel may save it', async () => {
    for (const d of [';', '\t']) {
      const read = await readReferenceText(
        `${HEADER.replaceAll(',', d)}\n${['23566', '7', '1', '2020-11-01', 's'].join(d)}\n`,
      );
      expect(read, JSON.stringify(d)).toMatchObject({ status: 'read', rejected: [] });
      if (read.status === 'read') expect(read.communes.get('23566')?.permanent).toBe(7);
    }
  });
});

describe('newestReference', () => {
  it('applies the newest as-of date, and of one date the later upload', async () => {
    const versions = [
      { asOf: '2020-11-01', id: 'a' },
      { asOf: '2025-07-01', id: 'b' },
      { asOf: '2024-01-01', id: 'c' },
      { asOf: '2025-07-01', id: 'd' },
    ];
    expect(newestReference(versions)?.id).toBe('d');
    expect(newestReference([])).toBeUndefined();
  });
});

describe('the local demo’s Gia Lai reference (local/fixtures/gialai-population-2020.csv)', () => {
  it('is what local/reference-fixture.ts writes, reads with no rejection, and adds up to the seed’s totals', async () => {
    const text = readFileSync(GIALAI_POPULATION_FILE, 'utf8');
    const read = await readReferenceText(text);
    if (read.status !== 'read') throw new Error(read.code);
    expect(read.rejected).toEqual([]);
    expect(read.communes.size).toBe(220);
    const sum = (pick: (r: { permanent: number; temporary: number }) => number) =>
      [...read.communes.values()].reduce((total, r) => total + pick(r), 0);
    expect(sum((r) => r.permanent)).toBe(GIALAI_2020.permanent);
    expect(sum((r) => r.temporary)).toBe(GIALAI_2020.temporary);
    expect([...read.communes.entries()].map(([code, r]) => [code, r.permanent, r.temporary])).toEqual(
      gialaiPopulation().map((r) => [r.code, r.permanent, r.temporary]),
    );
  });
});
