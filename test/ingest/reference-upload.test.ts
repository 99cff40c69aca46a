// A reference upload on the port fakes (shared/ingest/reference-upload.ts): what it stores per province, what its
// report says, a file refused whole, and a redelivery that changes nothing.
import { describe, expect, it } from 'vitest';
import { gialaiPopulation } from '../../local/reference-fixture.ts';
import {
  processReferenceUpload,
  REFERENCE_MAX_BYTES,
  type ReferenceObject,
  type ReferenceReport,
  referenceObjectsOf,
} from '../../shared/ingest/reference-upload.ts';
import { objectKeys } from '../../shared/keys.ts';
import { MemoryFiles } from '../fakes/files.ts';
import { MemoryReferences } from '../fakes/references.ts';
import { s3Notification } from '../functions/events.ts';

const HEADER = 'commune_code,permanent_residents,temporary_residents,as_of,source';
const KEY = objectKeys.referenceUpload('gialai-2020');
const REPORT = objectKeys.referenceReport('gialai-2020');
const EVENT_TIME = '2026-12-07T10:00:00.000Z';

function world() {
  return { files: new MemoryFiles(), references: new MemoryReferences(), now: () => new Date(EVENT_TIME) };
}

async function upload(
  w: ReturnType<typeof world>,
  text: string,
  object: Partial<ReferenceObject> = {},
): Promise<ReferenceReport | undefined> {
  w.files.put(object.key ?? KEY, text);
  return processReferenceUpload({ key: KEY, eventTime: EVENT_TIME, ...object }, w);
}

const reportOf = (w: ReturnType<typeof world>, key = REPORT) => JSON.parse(w.files.text(key) ?? 'null');

describe('processReferenceUpload', () => {
  it('stores the accepted communes as one version of their province, and reports them', async () => {
    const w = world();
    const report = await upload(
      w,
      `${HEADER}\n23557,8000,10,2020-11-01,Cục Thống kê\n23560,5000,3,2020-11-01,Cục Thống kê\n`,
    );
    expect(report).toEqual(reportOf(w));
    expect(reportOf(w)).toEqual({
      objectKey: KEY,
      status: 'completed',
      uploadedAt: EVENT_TIME,
      asOf: '2020-11-01',
      vintage: 2020,
      communes: 2,
      provinces: [{ province: '64', communes: 2, permanent: 13000, temporary: 13 }],
      rejected: [],
      rejectedCount: 0,
      rejectedByCode: {},
    });
    expect(await w.references.newest(2020, '64')).toEqual({
      vintage: 2020,
      province: '64',
      asOf: '2020-11-01',
      uploadedAt: EVENT_TIME,
      objectKey: KEY,
      communes: {
        '23557': { permanent: 8000, temporary: 10, source: 'Cục Thống kê' },
        '23560': { permanent: 5000, temporary: 3, source: 'Cục Thống kê' },
      },
    });
  });

  it('refuses bad rows with their codes and messages, and keeps the others', async () => {
    const w = world();
    await upload(
      w,
      [
        HEADER,
        '23557,8000,10,2020-11-01,s',
        '99999,10,0,2020-11-01,s',
        '23560,-5,0,2020-11-01,s',
        '23563,many,0,2020-11-01,s',
        '23557,1,1,2020-11-01,s',
      ].join('\n'),
    );
    const report = reportOf(w);
    expect(report).toMatchObject({ status: 'completed', communes: 1, rejectedCount: 4 });
    expect(report.rejected).toEqual([
      {
        row: 2,
        code: 'REFERENCE_CODE_UNKNOWN',
        message:
          'Mã xã không có trong danh mục đơn vị hành chính của ngày số liệu / The commune code is not in the list of units in force on the as_of date',
      },
      { row: 3, code: 'REFERENCE_COUNT_INVALID', message: expect.stringContaining(' / A resident count') },
      { row: 4, code: 'REFERENCE_COUNT_INVALID', message: expect.any(String) },
      { row: 5, code: 'REFERENCE_COMMUNE_REPEATED', message: expect.any(String) },
    ]);
    expect(report.rejectedByCode).toEqual({
      REFERENCE_CODE_UNKNOWN: 1,
      REFERENCE_COUNT_INVALID: 2,
      REFERENCE_COMMUNE_REPEATED: 1,
    });
    expect(Object.keys((await w.references.newest(2020, '64'))?.communes ?? {})).toEqual(['23557']);
  });

  it('splits a file of several provinces into one version of each, in the file’s vintage', async () => {
    const w = world();
    await upload(
      w,
      `${HEADER}\n23557,100,1,2020-11-01,s\n24118,200,2,2020-11-01,s\n24121,300,3,2020-11-01,s\n`,
    );
    expect(w.references.items.size).toBe(2);
    expect(Object.keys((await w.references.newest(2020, '64'))?.communes ?? {})).toEqual(['23557']);
    expect(Object.keys((await w.references.newest(2020, '66'))?.communes ?? {})).toEqual(['24118', '24121']);
    expect(reportOf(w).provinces).toEqual([
      { province: '64', communes: 1, permanent: 100, temporary: 1 },
      { province: '66', communes: 2, permanent: 500, temporary: 5 },
    ]);
  });

  it('places a 2025 file’s communes in the 2025 provinces', async () => {
    const w = world();
    await upload(w, `${HEADER}\n21553,100,1,2025-07-01,s\n`);
    expect((await w.references.newest(2025, '52'))?.communes).toEqual({
      '21553': { permanent: 100, temporary: 1, source: 's' },
    });
    expect(await w.references.newest(2020, '64')).toBeUndefined();
  });

  it.each([
    ['a wrong header', 'code,permanent\n23557,1\n', 'REFERENCE_HEADER_INVALID'],
    ['no data row', `${HEADER}\n`, 'REFERENCE_EMPTY'],
    ['an empty file', '', 'REFERENCE_HEADER_INVALID'],
    ['a bad as-of date', `${HEADER}\n23557,1,0,2020-02-30,s\n`, 'REFERENCE_AS_OF_INVALID'],
  ])('fails a file with %s whole, with its code, and stores nothing', async (_case, text, code) => {
    const w = world();
    await upload(w, text);
    expect(reportOf(w)).toEqual({
      objectKey: KEY,
      status: 'failed',
      uploadedAt: EVENT_TIME,
      communes: 0,
      provinces: [],
      rejected: [],
      rejectedCount: 0,
      rejectedByCode: {},
      failure: { code, message: expect.stringMatching(/.+ \/ .+/) },
    });
    expect(w.references.items.size).toBe(0);
  });

  it('refuses a file over 5 MB, by the size its event gives or by what it reads, without storing', async () => {
    const w = world();
    await upload(w, `${HEADER}\n23557,1,0,2020-11-01,s\n`, { size: REFERENCE_MAX_BYTES + 1 });
    expect(reportOf(w).failure.code).toBe('REFERENCE_FILE_TOO_LARGE');
    const big = `${HEADER}\n${'23557,1,0,2020-11-01,s\n'.repeat(REFERENCE_MAX_BYTES / 20)}`;
    await upload(w, big);
    expect(reportOf(w).failure.code).toBe('REFERENCE_FILE_TOO_LARGE');
    expect(w.references.items.size).toBe(0);
  });

  it('refuses a file whose province would not fit in one item, storing none of its provinces', async () => {
    const w = world();
    // Gia Lai's 220 communes with a source of 2,000 characters each: some 440 KB in one item
    const rows = gialaiPopulation().map(({ code }) => `${code},1,0,2020-11-01,${'x'.repeat(2000)}`);
    // another province's commune too: it is not stored either
    await upload(w, `${HEADER}\n24118,1,0,2020-11-01,s\n${rows.join('\n')}\n`);
    expect(reportOf(w)).toMatchObject({
      status: 'failed',
      failure: { code: 'REFERENCE_PROVINCE_TOO_LARGE' },
    });
    expect(w.references.items.size).toBe(0);
  });

  it('writes the same items and the same report when the same event comes again', async () => {
    const w = world();
    const text = `${HEADER}\n23557,8000,10,2020-11-01,s\n99999,1,0,2020-11-01,s\n`;
    const first = await upload(w, text);
    const items = structuredClone([...w.references.items]);
    const second = await upload(w, text);
    expect(second).toEqual(first);
    expect([...w.references.items]).toEqual(items);
    expect(w.references.items.size).toBe(1);
  });

  it('stamps a version with the event’s time, the clock’s only when the event gives none', async () => {
    const w = { ...world(), now: () => new Date('2026-12-08T00:00:00.000Z') };
    await upload(w, `${HEADER}\n23557,1,0,2020-11-01,s\n`);
    expect((await w.references.newest(2020, '64'))?.uploadedAt).toBe(EVENT_TIME);
    await upload(w, `${HEADER}\n23557,1,0,2020-11-01,s\n`, { eventTime: undefined });
    expect((await w.references.newest(2020, '64'))?.uploadedAt).toBe('2026-12-08T00:00:00.000Z');
  });

  it('reads the version its event names', async () => {
    const w = world();
    const opened: unknown[] = [];
    const files = Object.assign(Object.create(w.files) as MemoryFiles, {
      open: (key: string, versionId?: string) => {
        opened.push([key, versionId]);
        return w.files.open(key);
      },
    });
    w.files.put(KEY, `${HEADER}\n23557,1,0,2020-11-01,s\n`);
    await processReferenceUpload({ key: KEY, versionId: 'v2', eventTime: EVENT_TIME }, { ...w, files });
    expect(opened).toEqual([[KEY, 'v2']]);
    expect(reportOf(w)).toMatchObject({ versionId: 'v2', status: 'completed' });
  });

  it('applies the newest as-of date, and of one date the later upload', async () => {
    const w = world();
    await upload(w, `${HEADER}\n23557,100,0,2020-11-01,s\n`, { eventTime: '2026-12-01T00:00:00.000Z' });
    await upload(w, `${HEADER}\n23557,50,0,2019-04-01,s\n`, { eventTime: '2026-12-02T00:00:00.000Z' });
    expect((await w.references.newest(2020, '64'))?.communes['23557']?.permanent).toBe(100);
    await upload(w, `${HEADER}\n23557,120,0,2020-11-01,s\n`, { eventTime: '2026-12-03T00:00:00.000Z' });
    expect((await w.references.newest(2020, '64'))?.communes['23557']?.permanent).toBe(120);
  });

  it('reads nothing and writes nothing for a key that is no reference upload', async () => {
    const w = world();
    for (const key of [REPORT, 'reference/population/sub/x.csv', 'reference/population/x.txt']) {
      w.files.put(key, `${HEADER}\n23557,1,0,2020-11-01,s\n`);
      expect(await processReferenceUpload({ key }, w)).toBeUndefined();
    }
    expect(w.files.keys()).toHaveLength(3);
    expect(w.references.items.size).toBe(0);
  });

  it('writes nothing for an object deleted before it was read', async () => {
    const w = world();
    expect(await processReferenceUpload({ key: KEY, eventTime: EVENT_TIME }, w)).toBeUndefined();
    expect(w.files.keys()).toEqual([]);
  });
});

describe('referenceObjectsOf', () => {
  it('names the reference uploads of a notification, decoded, with their version, size and time', () => {
    const notification = s3Notification('reference/population/gia lai 2020.csv', {
      versionId: 'v1',
      size: 99,
    });
    expect(referenceObjectsOf(notification as never)).toEqual([
      {
        key: 'reference/population/gia lai 2020.csv',
        versionId: 'v1',
        size: 99,
        eventTime: '2026-11-27T00:00:00.000Z',
      },
    ]);
  });

  it('names no report, no key elsewhere and no removal', () => {
    const removed = s3Notification(KEY);
    (removed.Records[0] as { eventName: string }).eventName = 'ObjectRemoved:Delete';
    for (const notification of [s3Notification(REPORT), s3Notification('incoming/CA-PLEIKU/x.csv'), removed])
      expect(referenceObjectsOf(notification as never)).toEqual([]);
  });
});
