// bench/report-memory: peak RSS and time of finalize's report (outcomes.csv, outcomes.xlsx, review.csv, summary.json)
// for a large batch, most of whose rows a clerk must act on: the real finalizeBatch, its work files made up on the
// fly as it reads them (none held in memory), the report streams counted and dropped. Run in a process of its own.
// Usage: npm run bench:report-memory -- [--rows 1600000] [--acted 11] [--json]
//   --acted N: N of every 16 rows are rejected (listed in outcomes.xlsx with 16 cells each); 11 of 1.6 M is 1.1 M.
import { parseArgs } from 'node:util';
import type { Outcome } from '#batch/ledger.ts';
import { finalizeBatch } from '../shared/ingest/report.ts';
import type { OutcomeEntry } from '../shared/ingest/types.ts';
import { objectKeys } from '../shared/keys.ts';
import type { Batch } from '../shared/model/batch.ts';
import type { ReportBatches, ReportFiles } from '../shared/model/ports.ts';
import { jsonMode, machine, printJson } from './report.ts';

const json = jsonMode();
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1600000' },
    acted: { type: 'string', default: '11' },
    json: { type: 'boolean', default: false },
  },
});
const BLOCK = 16;
const acted = Number(values.acted);
const rows = Math.floor(Number(values.rows) / BLOCK) * BLOCK;
const REJECTED_PER_FILE = 5_000;
const OUTCOMES_PER_CHUNK = 500;
const rejectedRows = (rows / BLOCK) * acted;
const acceptedRows = rows - rejectedRows;
const HEADER = [
  'Số phiếu',
  'Họ, chữ đệm và tên khai sinh',
  'Ngày, tháng, năm sinh',
  'Giới tính',
  'Số định danh cá nhân',
  'Nơi đăng ký khai sinh',
  'Quê quán',
  'Dân tộc',
  'Tôn giáo',
  'Quốc tịch',
  'Nơi thường trú',
  'Nơi ở hiện tại',
  'Họ tên cha',
  'Họ tên mẹ',
  'Số điện thoại',
  'Ghi chú',
];

// rows 16k+1 … 16k+acted are rejected, the rest of each block accepted as new
const rejectedRow = (rank: number) => Math.floor(rank / acted) * BLOCK + (rank % acted) + 1;
const acceptedRow = (rank: number) =>
  Math.floor(rank / (BLOCK - acted)) * BLOCK + acted + (rank % (BLOCK - acted)) + 1;

function rejected(rank: number): OutcomeEntry {
  const row = rejectedRow(rank);
  const cells = [
    `DC01-${row}`,
    'Nguyễn Thị Thu Hương',
    '31/02/1990',
    'Nữ',
    '064190123456',
    'Xã Ia Kla, huyện Đức Cơ, tỉnh Gia Lai',
    'Xã Nhơn Hậu, thị xã An Nhơn, tỉnh Bình Định',
    'Kinh',
    'Không',
    'Việt Nam',
    'Tổ 5, phường Hoa Lư, thành phố Pleiku, tỉnh Gia Lai',
    'Tổ 5, phường Hoa Lư, thành phố Pleiku, tỉnh Gia Lai',
    'Nguyễn Văn Minh',
    'Trần Thị Lan',
    '0905123456',
    '',
  ];
  return [
    row,
    'rejected',
    '',
    `DC01-${row}`,
    [{ code: 'DATE_INVALID', field: 'date_of_birth' }],
    null,
    row + 1,
    cells,
  ];
}
const accepted = (rank: number): OutcomeEntry => {
  const row = acceptedRow(rank);
  return [row, 'new' as Outcome, `p1:id:${String(rank).padStart(22, 'x')}`, `DC01-${row}`, [], null, row + 1];
};

let streamed = 0;
const files: ReportFiles = {
  async readLines<T>(key: string): Promise<T[]> {
    const seq = Number(/(\d+)\.ndjson$/.exec(key)?.[1]);
    const [from, size, total, make] = key.includes('/rejected/')
      ? [seq * REJECTED_PER_FILE, REJECTED_PER_FILE, rejectedRows, rejected]
      : [seq * OUTCOMES_PER_CHUNK, OUTCOMES_PER_CHUNK, acceptedRows, accepted];
    const lines: OutcomeEntry[] = [];
    for (let rank = from; rank < Math.min(from + size, total); rank++) lines.push(make(rank));
    return lines as T[];
  },
  async uploadStream(_key, body) {
    for await (const part of body) streamed += (part as Buffer).length;
  },
  async putText(_key, body) {
    streamed += body.length;
  },
  async copy() {},
  async putLines() {},
  async metadata() {
    return undefined;
  },
  async exists() {
    return false;
  },
  async open() {
    throw new Error('no upload: every listed row is rejected, its cells in the ledger');
  },
};

const batch: Batch = {
  batchId: 'bench',
  agencyCode: 'CA-GIALAI',
  bucket: 'bench',
  objectKey: objectKeys.upload('CA-GIALAI', 'province.csv'),
  status: 'finalizing',
  startedAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  partitions: 1,
  rows,
  chunkCounts: [Math.ceil(acceptedRows / OUTCOMES_PER_CHUNK)],
  checkpoint: {
    row: rows,
    offset: 0,
    chunkSeqs: [Math.ceil(acceptedRows / OUTCOMES_PER_CHUNK)],
    rejectedSeq: Math.ceil(rejectedRows / REJECTED_PER_FILE),
    unknownColumns: ['Ghi chú'],
    invocations: 1,
    headerCells: HEADER,
    delimiter: ',',
  },
};
const batches = {
  get: async () => batch,
  latestBatchOf: async () => batch.batchId,
  takeFinalizeLease: async () => true,
  releaseFinalizeLease: async () => undefined,
  markCompleted: async () => undefined,
  markFailed: async () => undefined,
  setStatus: async () => undefined,
} as unknown as ReportBatches;

const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
const result = await finalizeBatch(batch.batchId, files, batches, {
  holder: 'bench',
  until: Date.now() + 3.6e6,
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const figures = {
  rows,
  actedOnRows: rejectedRows,
  result,
  seconds: Number(seconds.toFixed(1)),
  cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
  reportMB: Number((streamed / 1e6).toFixed(1)),
  // maxRSS is in KiB
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
};
console.error(
  `bench/report-memory: finalize's report of ${rows.toLocaleString('en')} rows, ` +
    `${rejectedRows.toLocaleString('en')} listed in outcomes.xlsx (16 cells each)`,
);
console.error(
  `  ${figures.seconds} s (${figures.cpuSeconds} s CPU), ${figures.reportMB} MB of report written, ` +
    `peak RSS ${figures.peakRssMB} MB (the finalize function has 1,024 MB; S3's part buffers not included)`,
);
if (json) printJson({ bench: 'report-memory', machine: machine(), ...figures });
