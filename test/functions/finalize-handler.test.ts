// The finalize handler on the port fakes: the report of a batch whose every chunk is registered, written once, and
// the batches it leaves alone.
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { finalizeBatch } from '../../shared/ingest/report.ts';
import { objectKeys } from '../../shared/keys.ts';
import { lambdaContext, s3Notification, setPipelineEnvironment, sqsEvent } from './events.ts';
import { batchOf, pipelineFakes } from './pipeline-fakes.ts';

setPipelineEnvironment();
let finalizeHandler: typeof import('../../functions/finalize/handler.ts').finalizeHandler;

const HEADER_CELLS = [
  'Số phiếu',
  'Họ và tên',
  'Giới tính',
  'ghi_chu',
  'Ngày sinh',
  'Nơi đăng ký khai sinh',
  'Quê quán',
  'Dân tộc',
  'Quốc tịch',
  'Nơi ở hiện tại',
];
/** The cells of an upload's row: the first four given, the required rest the same in every row. */
const cellsOf = (...first: string[]) => [
  ...first,
  '1/2/1990',
  'Gia Lai',
  'Bình Định',
  'Kinh',
  'VN',
  'Pleiku',
];
const batch = batchOf({
  rows: 4,
  chunkCounts: [1, 1],
  checkpoint: {
    row: 4,
    offset: 100,
    chunkSeqs: [1, 1],
    rejectedSeq: 1,
    unknownColumns: ['ghi_chu'],
    invocations: 1,
    headerCells: HEADER_CELLS,
    delimiter: ',',
  },
});
const files: Record<string, unknown[]> = {
  // a rejected row: its line in the file and its cells as written (issue 21)
  'work/b1/rejected/0.ndjson': [
    [
      2,
      'rejected',
      '',
      '=F2',
      [{ code: 'SEX_INVALID', field: 'sex' }],
      null,
      4,
      cellsOf('=F2', 'Lê Văn Ba', 'X', 'n'),
    ],
  ],
  'work/b1/outcomes/0/0.ndjson': [
    [1, 'new', 'id:1', 'F1', [], null, 2],
    [4, 'duplicate', 'id:1', 'F4', [], null, 6],
  ],
  // a line written before issue 21 (no line number): still read
  'work/b1/outcomes/1/0.ndjson': [[3, 'updated', 'nk:abc', '', []]],
};
const NAME_PATH = 'reports/CA-PLEIKU/forms.csv/';
const BATCH_PATH = 'reports/CA-PLEIKU/forms.csv/batches/b1/';

/** A workbook as Excel would open it, read back with ExcelJS. */
async function workbookOf(bytes: Buffer | undefined): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}
const values = (sheet: ExcelJS.Worksheet | undefined, row: number) =>
  ((sheet?.getRow(row).values ?? []) as unknown[]).slice(1);

let world: ReturnType<typeof pipelineFakes>;
const finalize = () =>
  finalizeHandler(world)(sqsEvent([{ kind: 'finalize', batchId: 'b1' }]), lambdaContext());
/** The batch as it is now, finalize's lease included. */
const stored = () => world.batches.items.get('b1');

beforeAll(async () => {
  ({ finalizeHandler } = await import('../../functions/finalize/handler.ts'));
});
beforeEach(async () => {
  world = pipelineFakes();
  for (const [key, lines] of Object.entries(files)) await world.files.putLines(key, lines);
});
/** The batch in the table, the latest upload of its key. */
async function registered(fields: Partial<typeof batch> = {}) {
  await world.batches.create({ ...batch, ...fields });
  await world.batches.claimLatest({ ...batch, ...fields });
}

describe('finalize handler', () => {
  it('merges rejected rows and register outcomes into one outcomes.csv in row order, and a summary', async () => {
    await registered();
    const result = await finalize();
    expect(result.batchItemFailures).toEqual([]);
    const csv = world.files.text(`${NAME_PATH}outcomes.csv`) ?? '';
    // trimEnd: trim() would take the byte-order mark away too
    expect(csv.trimEnd().split('\n')).toEqual([
      '\ufeffrow,line,form_id,outcome,person_key,codes,message',
      '1,2,F1,new,id:1,,',
      // the field named as the file's header names it
      expect.stringMatching(/^2,4,'=F2,rejected,,SEX_INVALID,Giới tính.*\(Giới tính\)$/),
      '3,,,updated,nk:abc,,',
      '4,6,F4,duplicate,id:1,,',
    ]);
    const summary = JSON.parse(String(world.files.text(`${NAME_PATH}summary.json`)));
    expect(summary).toMatchObject({
      batchId: 'b1',
      status: 'completed',
      rows: 4,
      outcomes: { new: 1, duplicate: 1, updated: 1, conflict: 0, probable_duplicate: 0, rejected: 1 },
      errorsByCode: { SEX_INVALID: 1 },
      unknownColumns: ['ghi_chu'],
    });
    expect(stored()).toMatchObject({ status: 'completed', outcomes: summary.outcomes });
    expect(stored()?.finalize).toBeUndefined();
    // the batch's own report, kept under its id, and the name's path showing it as the newest
    for (const file of ['summary.json', 'outcomes.csv', 'outcomes.xlsx', 'review.csv'])
      expect(world.files.bytes(`${BATCH_PATH}${file}`), file).toEqual(
        world.files.bytes(`${NAME_PATH}${file}`),
      );
  });

  it("writes outcomes.xlsx: a summary sheet, then the rows to act on under the file's own labels", async () => {
    await registered();
    await finalize();
    const workbook = await workbookOf(world.files.bytes(`${NAME_PATH}outcomes.xlsx`));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Tóm tắt', 'Cần xử lý']);
    const summary = workbook.getWorksheet('Tóm tắt');
    const items = new Map(
      Array.from({ length: summary?.rowCount ?? 0 }, (_, i) => values(summary, i + 1)).map(([k, v]) => [
        k,
        v,
      ]),
    );
    expect(items.get('Lô / Batch')).toBe('b1');
    expect(items.get('Đơn vị / Agency')).toBe('CA-PLEIKU');
    expect(items.get('Tệp / File')).toBe('incoming/CA-PLEIKU/forms.csv');
    expect(items.get('Kết quả / Outcome: rejected')).toBe(1);
    expect(items.get('Mã / Code: SEX_INVALID')).toBe(1);
    expect(items.get('Viết lúc / Written at')).toMatch(/^\d{4}-/);

    const rows = workbook.getWorksheet('Cần xử lý');
    expect(values(rows, 1)).toEqual([
      'Dòng / Row',
      'Dòng trong tệp / Line',
      ...HEADER_CELLS,
      'Kết quả / Outcome',
      'Mã / Codes',
      'Thông báo / Message',
    ]);
    expect(rows?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(rows?.autoFilter).toBe('A1:O2');
    // only the rejected row: the others need nothing from the clerk; its cells as written, formula and all
    expect(rows?.rowCount).toBe(2);
    expect(values(rows, 2)).toEqual([
      2,
      4,
      ...cellsOf('=F2', 'Lê Văn Ba', 'X', 'n'),
      'rejected',
      'SEX_INVALID',
      'Giới tính phải là Nam hoặc Nữ (Giới tính)',
    ]);
  });

  it('completes a batch that failed before and was redriven, without its failure', async () => {
    await registered({
      status: 'failed',
      failure: { code: 'BATCH_PROCESSING_FAILED', message: 'chunk 0/0' },
    });
    await finalize();
    expect(stored()?.status).toBe('completed');
    expect(stored()).not.toHaveProperty('failure');
  });

  it('leaves a sweep sent to its queue before the watch had its own to the watch: nothing done, nothing failed', async () => {
    await registered({ status: 'registering' });
    const sweep = sqsEvent([{ kind: 'sweep-dead-letters' }]);
    expect(await finalizeHandler(world)(sweep, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(stored()?.status).toBe('registering');
    expect(world.files.keys('reports/')).toEqual([]);
  });

  it('refuses to report a batch with a row missing, rather than write a wrong report', async () => {
    await registered({ rows: 5 });
    const result = await finalize();
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(world.files.keys('reports/')).not.toContain('reports/CA-PLEIKU/forms.csv/summary.json');
    // the lease is given back, so that the retry need not wait for this invocation's deadline
    expect(stored()?.finalize).toBeUndefined();
    expect(stored()?.status).toBe('registering');
  });

  it('leaves the batch to a finalize that already holds it (two chains asked for it), writing nothing', async () => {
    await registered();
    await world.batches.takeFinalizeLease('b1', 'the other finalize', Date.now() + 60_000);
    const result = await finalize();
    expect(result.batchItemFailures).toEqual([]);
    expect(world.files.keys('reports/')).toEqual([]);
    expect(stored()).toMatchObject({ status: 'registering', finalize: { holder: 'the other finalize' } });
  });

  it('leaves the report to a newer upload of the same key', async () => {
    await registered();
    await world.batches.claimLatest(batchOf({ batchId: 'b2', startedAt: '2026-11-28T00:00:00.000Z' }));
    await finalize();
    expect(world.files.keys('reports/')).toEqual([]);
    expect(stored()?.status).toBe('superseded');
  });

  it('does nothing for a batch already completed', async () => {
    await registered({ status: 'completed' });
    await finalize();
    expect(world.files.keys('reports/')).toEqual([]);
  });

  it('lists conflicts and probable duplicates with their cells read again from the upload, a sheet per limit', async () => {
    const upload = [
      HEADER_CELLS,
      cellsOf('F1', 'An', 'Nam', 'a'),
      cellsOf('F2', '"Bình\nHai"', 'Nữ', 'b'),
      cellsOf('F3', 'Chi', 'Nữ', 'c'),
      cellsOf('F4', 'Dũng', 'Nam', 'd'),
    ]
      .map((cells) => `${cells.join(',')}\n`)
      .join('');
    world.files.put('incoming/CA-PLEIKU/forms.csv', upload);
    const link = { personKey: 'nk:held', score: 12.5 };
    await world.files.putLines('work/b1/outcomes/0/0.ndjson', [
      [1, 'conflict', 'id:1', 'F1', [], null, 2],
      [4, 'probable_duplicate', 'nk:4', 'F4', [], link, 6],
    ]);
    await world.files.putLines('work/b1/outcomes/1/0.ndjson', [[3, 'conflict', 'nk:abc', 'F3', [], null, 5]]);
    await registered();
    const lease = { holder: 'test', until: Date.now() + 60_000 };
    expect(await finalizeBatch('b1', world.files, world.batches, lease, { maxSheetRows: 3 })).toBe(
      'completed',
    );
    const workbook = await workbookOf(world.files.bytes(`${NAME_PATH}outcomes.xlsx`));
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Tóm tắt', 'Cần xử lý', 'Cần xử lý (2)']);
    const [first, second] = [workbook.getWorksheet('Cần xử lý'), workbook.getWorksheet('Cần xử lý (2)')];
    // every sheet of rows has its own header, frozen and filtered
    expect(values(second, 1)).toEqual(values(first, 1));
    expect(second?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(second?.autoFilter).toBe('A1:O3');
    expect(
      [first, second].flatMap((sheet) =>
        [2, 3].map((r) => [...values(sheet, r).slice(0, 6), values(sheet, r)[12]]),
      ),
    ).toEqual([
      [1, 2, 'F1', 'An', 'Nam', 'a', 'conflict'],
      [2, 4, '=F2', 'Lê Văn Ba', 'X', 'n', 'rejected'],
      [3, 5, 'F3', 'Chi', 'Nữ', 'c', 'conflict'],
      [4, 6, 'F4', 'Dũng', 'Nam', 'd', 'probable_duplicate'],
    ]);
    expect(values(second, 3)[14]).toContain('Có thể trùng với người nk:held');
  });

  it("writes a failed batch's workbook as its summary sheet alone, under its id and the name", async () => {
    const { writeFailedReport } = await import('../../shared/ingest/failed-report.ts');
    await registered();
    const failure = { code: 'BATCH_NOT_TEXT', message: 'Tệp không phải văn bản / File is not text' };
    await writeFailedReport({ ...batch, failure }, world.files, world.batches);
    for (const path of [NAME_PATH, BATCH_PATH]) {
      const workbook = await workbookOf(world.files.bytes(`${path}outcomes.xlsx`));
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Tóm tắt']);
      expect(values(workbook.getWorksheet('Tóm tắt'), 6)).toEqual([
        'Lỗi / Failure',
        'BATCH_NOT_TEXT',
        failure.message,
      ]);
      expect(world.files.text(`${path}outcomes.csv`)).toBe(
        '\ufeffrow,line,form_id,outcome,person_key,codes,message\n',
      );
    }
  });
  it('streams review.csv in parts rather than writing it as one string (issue 24)', async () => {
    const rows = 4000;
    const review = {
      id: 'r',
      reasons: ['name'],
      fields: [{ field: 'full_name', incoming: 'Nguyễn Văn An', held: 'Nguyễn Văn Ân', level: 'close' }],
    };
    const link = { personKey: 'nk:held', score: 12.5, review };
    const entries = Array.from({ length: rows }, (_, i) => [
      i + 1,
      'probable_duplicate',
      `nk:${i}`,
      `F${i}`,
      [],
      { ...link, review: { ...review, id: `r${i}` } },
      i + 2,
      cellsOf(`F${i}`, 'An', 'Nam', 'a'),
    ]);
    await world.files.putLines('work/b1/outcomes/0/0.ndjson', entries);
    await registered({
      rows,
      chunkCounts: [1],
      checkpoint: { ...batch.checkpoint, row: rows, chunkSeqs: [1], rejectedSeq: 0 },
    });
    const parts = new Map<string, number>();
    const written: string[] = [];
    const { uploadStream, putText } = world.files;
    world.files.uploadStream = async (key, body, type) => {
      const counted = async function* () {
        for await (const part of body) {
          parts.set(key, (parts.get(key) ?? 0) + 1);
          yield part;
        }
      };
      return uploadStream.call(world.files, key, Readable.from(counted()), type);
    };
    world.files.putText = async (key, body, type) => {
      written.push(key);
      return putText.call(world.files, key, body, type);
    };
    const lease = { holder: 'test', until: Date.now() + 60_000 };
    expect(await finalizeBatch('b1', world.files, world.batches, lease)).toBe('completed');
    const text = world.files.text(`${BATCH_PATH}review.csv`) ?? '';
    expect(text.trimEnd().split('\n')).toHaveLength(rows + 1);
    expect(text.length).toBeGreaterThan(3 << 16);
    expect(parts.get(`${BATCH_PATH}review.csv`)).toBeGreaterThan(2);
    expect(written.filter((key) => key.endsWith('review.csv'))).toEqual([]);
  });
});

describe('finalize, a reference upload (issue 18)', () => {
  const HEADER = 'commune_code,permanent_residents,temporary_residents,as_of,source';
  const key = objectKeys.referenceUpload('gialai');

  it('reads an S3 notification of a reference upload: a version per province, and the report beside it', async () => {
    world.files.put(key, `${HEADER}\n23557,100,1,2020-11-01,s\n24118,200,2,2020-11-01,s\n`);
    const result = await finalizeHandler(world)(sqsEvent([s3Notification(key)]), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await world.references.newest(2020, '64')).toMatchObject({
      objectKey: key,
      uploadedAt: '2026-11-27T00:00:00.000Z',
      communes: { '23557': { permanent: 100, temporary: 1, source: 's' } },
    });
    expect(await world.references.newest(2020, '66')).toMatchObject({ communes: { '24118': {} } });
    const report = JSON.parse(world.files.text(objectKeys.referenceReport('gialai')) ?? '{}');
    expect(report).toMatchObject({ status: 'completed', communes: 2, rejectedCount: 0 });
  });

  it('lets S3’s test event and a notification of its own report go, writing nothing', async () => {
    const events = [
      { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'batches-bucket' },
      s3Notification(objectKeys.referenceReport('gialai')),
    ];
    const before = world.files.keys();
    expect(await finalizeHandler(world)(sqsEvent(events), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(world.files.keys()).toEqual(before);
    expect(world.references.items.size).toBe(0);
  });

  it('fails a record that is neither a message of its own nor an S3 notification', async () => {
    const result = await finalizeHandler(world)(sqsEvent([{ kind: 'nonsense' }]), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });
});
