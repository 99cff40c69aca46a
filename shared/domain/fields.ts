// The DC01 form's fields as they appear in a batch file: the English column name (the contract), the form's
// Vietnamese labels accepted as headers, whether the form requires it, and its length limit.
import { looseKey } from './normalize.ts';
import type { PopulationRecord } from './record.ts';

type FieldKind =
  | 'code'
  | 'name'
  | 'date'
  | 'sex'
  | 'personalId'
  | 'oldId'
  | 'relatedId'
  | 'place'
  | 'text'
  | 'ethnicity'
  | 'religion'
  | 'nationality'
  | 'bloodGroup'
  | 'maritalStatus'
  | 'commune'
  | 'phone'
  | 'email';

export interface FieldSpec {
  kind: FieldKind;
  required: boolean;
  maxLength: number;
  labelsVi: readonly string[];
}

const field = (kind: FieldKind, maxLength: number, labelsVi: string[], required = false): FieldSpec => ({
  kind,
  required,
  maxLength,
  labelsVi,
});

export const FIELDS = {
  form_id: field('code', 40, ['Số phiếu', 'Mã phiếu', 'Số hiệu phiếu']),
  full_name: field(
    'name',
    100,
    ['Họ, chữ đệm và tên khai sinh', 'Họ và tên', 'Họ tên', 'Họ, chữ đệm và tên'],
    true,
  ),
  other_name: field('name', 100, ['Tên gọi khác']),
  date_of_birth: field('date', 10, ['Ngày, tháng, năm sinh', 'Ngày sinh', 'Ngày tháng năm sinh'], true),
  sex: field('sex', 10, ['Giới tính'], true),
  personal_id: field('personalId', 20, [
    'Số định danh cá nhân',
    'Số ĐDCN',
    'Số CCCD',
    'Số căn cước công dân',
    'Số căn cước',
  ]),
  old_id_number: field('oldId', 15, ['Số CMND', 'Số chứng minh nhân dân', 'CMND']),
  birth_registration_place: field('place', 200, ['Nơi đăng ký khai sinh'], true),
  hometown: field('place', 200, ['Quê quán'], true),
  ethnicity: field('ethnicity', 40, ['Dân tộc'], true),
  religion: field('religion', 100, ['Tôn giáo']),
  nationality: field('nationality', 60, ['Quốc tịch'], true),
  blood_group: field('bloodGroup', 10, ['Nhóm máu']),
  marital_status: field('maritalStatus', 30, ['Tình trạng hôn nhân']),
  permanent_address: field('text', 300, ['Nơi thường trú', 'Địa chỉ thường trú']),
  permanent_commune_code: field('commune', 10, ['Mã xã thường trú', 'Mã đơn vị hành chính thường trú']),
  current_address: field('text', 300, ['Nơi ở hiện tại', 'Chỗ ở hiện tại'], true),
  current_commune_code: field('commune', 10, ['Mã xã nơi ở hiện tại', 'Mã đơn vị hành chính nơi ở hiện tại']),
  household_head_name: field('name', 100, ['Họ, chữ đệm và tên chủ hộ', 'Họ tên chủ hộ', 'Chủ hộ']),
  household_head_id: field('relatedId', 20, ['Số định danh chủ hộ', 'Số ĐDCN/CMND chủ hộ', 'Số ĐDCN chủ hộ']),
  relationship_to_head: field('text', 50, ['Quan hệ với chủ hộ']),
  father_name: field('name', 100, ['Họ tên cha', 'Họ, chữ đệm và tên cha']),
  father_id: field('relatedId', 20, ['Số định danh cha', 'Số ĐDCN/CMND cha', 'Số ĐDCN cha']),
  mother_name: field('name', 100, ['Họ tên mẹ', 'Họ, chữ đệm và tên mẹ']),
  mother_id: field('relatedId', 20, ['Số định danh mẹ', 'Số ĐDCN/CMND mẹ', 'Số ĐDCN mẹ']),
  spouse_name: field('name', 100, ['Họ tên vợ/chồng', 'Họ, chữ đệm và tên vợ/chồng', 'Họ tên vợ chồng']),
  spouse_id: field('relatedId', 20, ['Số định danh vợ/chồng', 'Số ĐDCN/CMND vợ/chồng', 'Số ĐDCN vợ chồng']),
  phone: field('phone', 20, ['Số điện thoại', 'Điện thoại', 'SĐT']),
  email: field('email', 254, ['Thư điện tử', 'Email', 'Địa chỉ thư điện tử']),
} as const satisfies Record<string, FieldSpec>;

export type FieldName = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];
export const REQUIRED_FIELDS = FIELD_NAMES.filter((name) => FIELDS[name].required);

/** The record's key of a field: its name in camel case (`current_address` → `currentAddress`); an ethnic group is held as its code. */
export function recordKeyOf(name: FieldName): keyof PopulationRecord {
  if (name === 'ethnicity') return 'ethnicityCode';
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof PopulationRecord;
}

/** A batch row before validation: column values as text, keyed by the English field name. */
export type RawRow = Partial<Record<FieldName, string>>;

const byHeaderKey = new Map<string, FieldName>();
for (const name of FIELD_NAMES) {
  byHeaderKey.set(looseKey(name), name);
  for (const label of FIELDS[name].labelsVi) byHeaderKey.set(looseKey(label), name);
}

/** The field a header cell names, in English or by the form's Vietnamese label, whatever its case and marks. */
export function fieldForHeader(header: string): FieldName | undefined {
  return byHeaderKey.get(looseKey(header));
}

/**
 * A row from its values in FIELD_NAMES order. Written out, so that every row the readers make has one shape
 * with its fields in that order (Object.values gives them back by index): on the hot path, building rows key
 * by key, and reading them by a variable key, cost more than all the rules together (measured).
 */
export function rawRowOf(cells: readonly (string | undefined)[]): RawRow {
  return {
    form_id: cells[0],
    full_name: cells[1],
    other_name: cells[2],
    date_of_birth: cells[3],
    sex: cells[4],
    personal_id: cells[5],
    old_id_number: cells[6],
    birth_registration_place: cells[7],
    hometown: cells[8],
    ethnicity: cells[9],
    religion: cells[10],
    nationality: cells[11],
    blood_group: cells[12],
    marital_status: cells[13],
    permanent_address: cells[14],
    permanent_commune_code: cells[15],
    current_address: cells[16],
    current_commune_code: cells[17],
    household_head_name: cells[18],
    household_head_id: cells[19],
    relationship_to_head: cells[20],
    father_name: cells[21],
    father_id: cells[22],
    mother_name: cells[23],
    mother_id: cells[24],
    spouse_name: cells[25],
    spouse_id: cells[26],
    phone: cells[27],
    email: cells[28],
  };
}

/**
 * The label a file's header gave each field it names in a label of its own ("Quê quán" for hometown): reports name
 * fields that way, so that a clerk finds the column. A field whose header is its English id has no entry.
 */
export function fieldLabels(headerCells: readonly string[] | undefined): ReadonlyMap<string, string> {
  const labels = new Map<string, string>();
  for (const cell of headerCells ?? []) {
    const label = cell.trim();
    const field = fieldForHeader(label);
    if (field && label !== field) labels.set(field, label);
  }
  return labels;
}

/** The index of each field in FIELD_NAMES. */
export const FIELD_INDEX: ReadonlyMap<string, number> = new Map(FIELD_NAMES.map((name, i) => [name, i]));
