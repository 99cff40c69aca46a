// The agencies an operator loads with `npm run agencies -- import FILE` (or describes with `add`): CSV with the header
// `code,name,kind,unit_code,vintage`, or a JSON array of the same (or of `{ code, name, kind, unit: { code, vintage } }`).
// Each row is checked by the schema of shared/model/agency.ts; a bad row gets a coded problem, the good ones go on.
import Papa from 'papaparse';
import { type Message, messageTable } from '../shared/domain/errors.ts';
import { AgencyInput } from '../shared/model/agency.ts';

export const AGENCY_FILE_CODES = messageTable({
  AGENCY_FILE_UNREADABLE: {
    vi: 'Tệp không phải CSV có dòng tiêu đề hoặc mảng JSON',
    en: 'The file is neither CSV with a header row nor a JSON array',
  },
  AGENCY_FILE_COLUMNS: {
    vi: 'Dòng tiêu đề phải có các cột code,name,kind,unit_code,vintage',
    en: 'The header row must have the columns code,name,kind,unit_code,vintage',
  },
  AGENCY_CODE_INVALID: {
    vi: 'Mã cơ quan không hợp lệ (chữ, số, - hoặc _, tối đa 51 ký tự, bắt đầu bằng chữ hoặc số)',
    en: 'The agency code is invalid (letters, digits, - or _, at most 51, starting with a letter or digit)',
  },
  AGENCY_NAME_INVALID: {
    vi: 'Thiếu tên cơ quan hoặc tên dài quá 200 ký tự',
    en: 'The agency name is missing or longer than 200 characters',
  },
  AGENCY_KIND_INVALID: {
    vi: 'Loại cơ quan phải là police, justice, one-stop-shop, post-office hoặc platform',
    en: 'The agency kind must be police, justice, one-stop-shop, post-office or platform',
  },
  AGENCY_UNIT_INVALID: {
    vi: 'Mã đơn vị hành chính phải có 2 (tỉnh), 3 (huyện) hoặc 5 (xã) chữ số',
    en: 'The unit code must have 2 (province), 3 (district) or 5 (commune) digits',
  },
  AGENCY_VINTAGE_INVALID: {
    vi: 'Năm của danh mục đơn vị hành chính phải là 2020 hoặc 2025',
    en: 'The unit vintage must be 2020 or 2025',
  },
  AGENCY_DUPLICATE: {
    vi: 'Mã cơ quan đã có ở một dòng trước trong tệp',
    en: 'The agency code is on an earlier row of the file',
  },
  AGENCY_UNKNOWN: {
    vi: 'Không có cơ quan nào với mã này trên hệ thống',
    en: 'No agency with this code is held',
  },
  AGENCY_CONFLICT: {
    vi: 'Cơ quan đã có trên hệ thống với thông tin khác; không thay đổi',
    en: 'The agency is already held with other details; left unchanged',
  },
});
export type AgencyFileCode = keyof typeof AGENCY_FILE_CODES;

export interface AgencyFileProblem {
  /** the data row (1 = the first after the header, or the first element of a JSON array); 0 = the file */
  row: number;
  code: AgencyFileCode;
  /** the row's agency code, when it has one */
  agency?: string;
}

export interface AgencyFile {
  agencies: AgencyInput[];
  problems: AgencyFileProblem[];
}

export const AGENCY_FILE_COLUMNS = ['code', 'name', 'kind', 'unit_code', 'vintage'] as const;

/** The field of an agency an issue of its schema is about → the problem's code. */
function codeOfIssue(path: readonly PropertyKey[]): AgencyFileCode {
  const [field, inner] = path;
  if (field === 'unit') return inner === 'vintage' ? 'AGENCY_VINTAGE_INVALID' : 'AGENCY_UNIT_INVALID';
  if (field === 'name') return 'AGENCY_NAME_INVALID';
  if (field === 'kind') return 'AGENCY_KIND_INVALID';
  return 'AGENCY_CODE_INVALID';
}

/** A row as the CSV or a flat JSON object gives it (strings), as the schema takes it. */
function agencyOfRow(row: Record<string, unknown>): unknown {
  if (typeof row.unit === 'object' && row.unit !== null) return row;
  const vintage = String(row.vintage ?? '').trim();
  return {
    code: typeof row.code === 'string' ? row.code.trim() : row.code,
    name: row.name,
    kind: typeof row.kind === 'string' ? row.kind.trim() : row.kind,
    unit: {
      code: String(row.unit_code ?? '').trim(),
      vintage: /^\d+$/.test(vintage) ? Number(vintage) : vintage,
    },
    ...(row.machineClients === undefined ? {} : { machineClients: row.machineClients }),
  };
}

/** One agency checked: the agency, or the codes of what is wrong with it (each once, in field order). */
export function checkAgency(
  row: Record<string, unknown>,
): { agency: AgencyInput } | { codes: AgencyFileCode[] } {
  const parsed = AgencyInput.safeParse(agencyOfRow(row));
  if (parsed.success) return { agency: parsed.data };
  return { codes: [...new Set(parsed.error.issues.map((issue) => codeOfIssue(issue.path)))] };
}

function checkRows(rows: Record<string, unknown>[]): AgencyFile {
  const agencies: AgencyInput[] = [];
  const problems: AgencyFileProblem[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const checked = checkAgency(row);
    const agency = typeof row.code === 'string' && row.code.trim() ? row.code.trim() : undefined;
    const at = { row: i + 1, ...(agency ? { agency } : {}) };
    if ('codes' in checked) for (const code of checked.codes) problems.push({ ...at, code });
    else if (seen.has(checked.agency.code)) problems.push({ ...at, code: 'AGENCY_DUPLICATE' });
    else {
      seen.add(checked.agency.code);
      agencies.push(checked.agency);
    }
  });
  return { agencies, problems };
}

/** The agencies of a file's text: JSON when it opens with `[`, CSV otherwise. */
export function parseAgencyFile(text: string): AgencyFile {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('[')) {
    let rows: unknown;
    try {
      rows = JSON.parse(body);
    } catch {
      return { agencies: [], problems: [{ row: 0, code: 'AGENCY_FILE_UNREADABLE' }] };
    }
    if (!Array.isArray(rows) || rows.some((row) => typeof row !== 'object' || row === null))
      return { agencies: [], problems: [{ row: 0, code: 'AGENCY_FILE_UNREADABLE' }] };
    return checkRows(rows as Record<string, unknown>[]);
  }
  const csv = Papa.parse<Record<string, string>>(body, {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (name) => name.trim().toLowerCase(),
  });
  const columns = csv.meta.fields ?? [];
  if (columns.length < 2) return { agencies: [], problems: [{ row: 0, code: 'AGENCY_FILE_UNREADABLE' }] };
  if (!AGENCY_FILE_COLUMNS.every((column) => columns.includes(column)))
    return { agencies: [], problems: [{ row: 0, code: 'AGENCY_FILE_COLUMNS' }] };
  return checkRows(csv.data);
}

/** "row 3 (CA-X): AGENCY_KIND_INVALID Vietnamese / English", as the command prints a problem of a file. */
export function describeProblem({ row, code, agency }: AgencyFileProblem): string {
  const where = row === 0 ? 'file' : `row ${row}${agency ? ` (${agency})` : ''}`;
  return `${where}: ${describeCode(code)}`;
}

/** "AGENCY_KIND_INVALID Vietnamese / English". */
export function describeCode(code: AgencyFileCode): string {
  const { vi, en }: Message = AGENCY_FILE_CODES[code];
  return `${code} ${vi} / ${en}`;
}
