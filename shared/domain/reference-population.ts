// Expected residents per commune (issue 18): the denominators of coverage, uploaded by the platform team or a province
// as CSV under `reference/population/`, validated like a batch (each bad row a coded rejection, a file that cannot be
// read failed whole) and versioned by its as-of date: the newest applies. The as-of date also says which list the
// codes are read in: before 1 July 2025 the 2020 units, from then the 2025 ones (23869 is a different commune in each).
import { messageTable } from './errors.ts';
import { unitOf, type Vintage } from './units.ts';

export const REFERENCE_HEADER = [
  'commune_code',
  'permanent_residents',
  'temporary_residents',
  'as_of',
  'source',
] as const;

/** The day the 2025 units took effect: an as-of date from then reads codes in the 2025 list. */
export const UNITS_2025_FROM = '2025-07-01';

export const REFERENCE_CODES = messageTable({
  REFERENCE_HEADER_INVALID: {
    vi: 'Dòng tiêu đề phải là: commune_code,permanent_residents,temporary_residents,as_of,source',
    en: 'The header must be: commune_code,permanent_residents,temporary_residents,as_of,source',
  },
  REFERENCE_EMPTY: { vi: 'Tệp không có dòng số liệu nào', en: 'The file has no data row' },
  REFERENCE_AS_OF_INVALID: {
    vi: 'Ngày số liệu (as_of) phải là một ngày có thật dạng YYYY-MM-DD',
    en: 'as_of must be a real date written YYYY-MM-DD',
  },
  REFERENCE_AS_OF_MIXED: {
    vi: 'Mọi dòng của một tệp phải cùng một ngày số liệu (as_of)',
    en: 'Every row of a file must have the same as_of date',
  },
  REFERENCE_CODE_UNKNOWN: {
    vi: 'Mã xã không có trong danh mục đơn vị hành chính của ngày số liệu',
    en: 'The commune code is not in the list of units in force on the as_of date',
  },
  REFERENCE_COUNT_INVALID: {
    vi: 'Số nhân khẩu phải là số nguyên không âm',
    en: 'A resident count must be a whole number, not negative',
  },
  REFERENCE_COMMUNE_REPEATED: {
    vi: 'Xã này đã có ở một dòng trước trong tệp',
    en: 'This commune is already on an earlier row of the file',
  },
  REFERENCE_ROW_UNREADABLE: {
    vi: 'Dòng không đọc được: dấu ngoặc kép sai quy cách CSV, hoặc dòng quá dài',
    en: 'The row cannot be read: malformed CSV quoting, or too long',
  },
  REFERENCE_SOURCE_MISSING: {
    vi: 'Thiếu nguồn số liệu (source)',
    en: 'The source of the figures is missing',
  },
  // the upload's own checks (shared/ingest/reference-upload.ts): a file refused whole, nothing stored
  REFERENCE_FILE_TOO_LARGE: {
    vi: 'Tệp lớn hơn 5 MB; số liệu của cả nước chỉ khoảng 600 KB',
    en: 'The file is larger than 5 MB; the whole country’s figures are about 600 KB',
  },
  REFERENCE_PROVINCE_TOO_LARGE: {
    vi: 'Số liệu của một tỉnh quá lớn để lưu; hãy rút ngắn nguồn số liệu (source)',
    en: 'One province’s figures are too large to store; shorten the source',
  },
});
export type ReferenceCode = keyof typeof REFERENCE_CODES;

export interface CommuneReference {
  permanent: number;
  temporary: number;
  source: string;
}

export interface ReferenceRejection {
  /** 1 is the first data row (the header is row 0) */
  row: number;
  code: ReferenceCode;
}

export type ReferenceFile =
  | {
      status: 'read';
      asOf: string;
      vintage: Vintage;
      communes: Map<string, CommuneReference>;
      rejected: ReferenceRejection[];
    }
  | { status: 'failed'; code: ReferenceCode };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const COUNT = /^\d{1,9}$/;

function realDate(text: string): boolean {
  const parts = DATE.exec(text);
  if (!parts) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** Why a row is refused, or undefined: checked in this order, the first reason given. */
function rowRefusal(
  vintage: Vintage,
  asOf: string,
  row: { code: string; permanent: string; temporary: string; rowAsOf: string; source: string },
  held: ReadonlyMap<string, CommuneReference>,
): ReferenceCode | undefined {
  if (row.rowAsOf !== asOf) return 'REFERENCE_AS_OF_MIXED';
  if (unitOf(vintage, row.code)?.level !== 'commune') return 'REFERENCE_CODE_UNKNOWN';
  if (!COUNT.test(row.permanent) || !COUNT.test(row.temporary)) return 'REFERENCE_COUNT_INVALID';
  if (!row.source) return 'REFERENCE_SOURCE_MISSING';
  if (held.has(row.code)) return 'REFERENCE_COMMUNE_REPEATED';
  return undefined;
}

/**
 * A reference file read from its CSV records (the project's reader, shared/batch/records.ts, splits the text; a record
 * it could not read is undefined): its as-of date and list, each commune's figures, and each row it refused, by code.
 */
export function readReferenceFile(records: readonly (readonly string[] | undefined)[]): ReferenceFile {
  const [header, ...rows] = records;
  const names = header?.map((name) => name.trim().toLowerCase());
  if (!names || names.join(',') !== REFERENCE_HEADER.join(',')) {
    return { status: 'failed', code: 'REFERENCE_HEADER_INVALID' };
  }
  if (rows.length === 0) return { status: 'failed', code: 'REFERENCE_EMPTY' };
  // one file, one as-of date: the first row's says which list the codes are read in
  const asOf = rows[0]?.[3]?.trim() ?? '';
  if (!realDate(asOf)) return { status: 'failed', code: 'REFERENCE_AS_OF_INVALID' };
  const vintage: Vintage = asOf >= UNITS_2025_FROM ? 2025 : 2020;
  const communes = new Map<string, CommuneReference>();
  const rejected: ReferenceRejection[] = [];
  rows.forEach((cells, i) => {
    if (!cells) {
      rejected.push({ row: i + 1, code: 'REFERENCE_ROW_UNREADABLE' });
      return;
    }
    const [code = '', permanent = '', temporary = '', rowAsOf = '', source = ''] = cells.map((cell) =>
      cell.trim(),
    );
    const refusal = rowRefusal(vintage, asOf, { code, permanent, temporary, rowAsOf, source }, communes);
    if (refusal) rejected.push({ row: i + 1, code: refusal });
    else communes.set(code, { permanent: Number(permanent), temporary: Number(temporary), source });
  });
  return { status: 'read', asOf, vintage, communes, rejected };
}

/** Of several versions read, the one that applies: the newest as-of date (the later upload of a date wins). */
export function newestReference<T extends { asOf: string }>(versions: readonly T[]): T | undefined {
  return versions.reduce<T | undefined>(
    (newest, version) => (!newest || version.asOf >= newest.asOf ? version : newest),
    undefined,
  );
}
