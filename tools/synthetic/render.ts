// Writes a normalised record back as the text a person filling a DC01 form (or a spreadsheet) would produce:
// dates day-first or ISO, ethnicity as a code, name or alias, phone numbers spaced or with +84, stray spaces.
// Every spelling chosen here normalises to the same record, so two renderings of one record are duplicates.
import type { RawRow } from '#domain/fields.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { type Rng, Weighted } from './rng.ts';

const spellings = (entries: [string, number][]) =>
  new Weighted(entries.map(([s, w]) => [s.normalize('NFC'), w] as const));

const ETHNICITY_SPELLINGS: Record<string, Weighted<string>> = {
  '01': spellings([
    ['Kinh', 80],
    ['01', 12],
    ['kinh', 5],
    ['1', 3],
  ]),
  '10': spellings([
    ['Gia-rai', 35],
    ['Gia Rai', 30],
    ['Jrai', 15],
    ['10', 15],
    ['Giarai', 5],
  ]),
  '13': spellings([
    ['Ba-na', 40],
    ['Ba Na', 20],
    ['Bana', 15],
    ['Bahnar', 10],
    ['13', 15],
  ]),
  '12': spellings([
    ['Ê-đê', 60],
    ['Ê Đê', 30],
    ['12', 10],
  ]),
  '14': spellings([
    ['Xơ-đăng', 70],
    ['Xơ Đăng', 20],
    ['14', 10],
  ]),
  '08': spellings([
    ['Mông', 60],
    ['HMông', 25],
    ["H'Mông", 15],
  ]),
};
const ETHNIC_NAMES: Record<string, string> = {
  '02': 'Tày',
  '03': 'Thái',
  '04': 'Hoa',
  '06': 'Mường',
  '07': 'Nùng',
  '09': 'Dao',
};

const RELIGION_SPELLINGS: Record<string, Weighted<string>> = {
  Không: spellings([
    ['Không', 85],
    ['không', 10],
    ['Không có', 5],
  ]),
  'Công giáo': spellings([
    ['Công giáo', 70],
    ['Thiên Chúa giáo', 25],
    ['Đạo Thiên Chúa', 5],
  ]),
  'Tin lành': spellings([
    ['Tin lành', 70],
    ['Tin Lành', 20],
    ['Đạo Tin Lành', 10],
  ]),
  'Phật giáo': spellings([
    ['Phật giáo', 85],
    ['Đạo Phật', 15],
  ]),
};

const NATIONALITY = spellings([
  ['Việt Nam', 85],
  ['VN', 8],
  ['Việt nam', 5],
  ['Vietnam', 2],
]);

const SEX = {
  male: spellings([
    ['Nam', 90],
    ['nam', 4],
    ['NAM', 3],
    ['male', 3],
  ]),
  female: spellings([
    ['Nữ', 90],
    ['nữ', 4],
    ['NỮ', 3],
    ['female', 3],
  ]),
};

const MARITAL: Record<NonNullable<PopulationRecord['maritalStatus']>, Weighted<string>> = {
  single: spellings([
    ['Chưa kết hôn', 70],
    ['Độc thân', 30],
  ]),
  married: spellings([
    ['Đã kết hôn', 75],
    ['Có gia đình', 25],
  ]),
  divorced: spellings([
    ['Ly hôn', 70],
    ['Đã ly hôn', 30],
  ]),
  widowed: spellings([['Góa', 100]]),
};

type DateStyle = 'iso' | 'dmy' | 'dmyShort' | 'dmyDots' | 'dmyDashes';
const DATE_STYLES = new Weighted<DateStyle>([
  ['iso', 45],
  ['dmy', 35],
  ['dmyShort', 12],
  ['dmyDots', 4],
  ['dmyDashes', 4],
]);

/** A YYYY-MM-DD date as a form writes it. */
export function renderDate(rng: Rng, iso: string): string {
  const year = iso.slice(0, 4);
  const month = iso.slice(5, 7);
  const day = iso.slice(8, 10);
  switch (DATE_STYLES.pick(rng)) {
    case 'iso':
      return iso;
    case 'dmy':
      return `${day}/${month}/${year}`;
    case 'dmyShort':
      return `${Number(day)}/${Number(month)}/${year}`;
    case 'dmyDots':
      return `${day}.${month}.${year}`;
    default:
      return `${day}-${month}-${year}`;
  }
}

function renderPhone(rng: Rng, phone: string): string {
  const r = rng.next();
  if (r < 0.75) return phone;
  if (r < 0.85) return `${phone.slice(0, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;
  if (r < 0.9) return `${phone.slice(0, 4)}.${phone.slice(4, 7)}.${phone.slice(7)}`;
  if (r < 0.95) return `+84${phone.slice(1)}`;
  return `(+84) ${phone.slice(1, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;
}

function renderPersonalId(rng: Rng, id: string): string {
  const r = rng.next();
  if (r < 0.94) return id;
  if (r < 0.98) return `${id.slice(0, 3)} ${id.slice(3, 6)} ${id.slice(6)}`;
  return `${id.slice(0, 3)}-${id.slice(3, 6)}-${id.slice(6)}`;
}

/** Stray white space that normalisation removes: a trailing space, a doubled space, a no-break space. */
function noisy(rng: Rng, text: string): string {
  if (!rng.chance(0.03)) return text;
  const r = rng.next();
  if (r < 0.4) return `${text} `;
  if (r < 0.7) return text.replace(' ', '  ');
  if (r < 0.85) return ` ${text}`;
  return text.replace(' ', '\u00a0');
}

/** An address typed with a line break after a comma (Alt+Enter in a spreadsheet cell), now and then. */
function addressText(rng: Rng, text: string): string {
  if (rng.chance(0.003)) return text.replace(', ', rng.chance(0.5) ? ',\n' : ',\r\n');
  return noisy(rng, text);
}

function renderEthnicity(rng: Rng, code: string): string {
  const table = ETHNICITY_SPELLINGS[code];
  if (table) return table.pick(rng);
  const name = ETHNIC_NAMES[code];
  return name && rng.chance(0.85) ? name : code;
}

function renderMarital(rng: Rng, record: PopulationRecord): string | undefined {
  const status = record.maritalStatus;
  if (!status) return undefined;
  if (status === 'widowed' && rng.chance(0.4)) return record.sex === 'male' ? 'Góa vợ' : 'Góa chồng';
  return MARITAL[status].pick(rng);
}

/**
 * The form text for a record; form_id is the caller's. Every field is a key of the result (undefined when
 * empty), so that all rows share one object shape: much faster for the encoder than rows of varying keys.
 */
export function renderRecord(rng: Rng, record: PopulationRecord): RawRow {
  const religion = record.religion;
  return {
    form_id: undefined,
    full_name: noisy(rng, rng.chance(0.03) ? record.fullName.toUpperCase() : record.fullName),
    other_name: record.otherName,
    date_of_birth: renderDate(rng, record.dateOfBirth),
    sex: SEX[record.sex].pick(rng),
    personal_id: record.personalId ? renderPersonalId(rng, record.personalId) : undefined,
    old_id_number: record.oldIdNumber,
    birth_registration_place: noisy(rng, record.birthRegistrationPlace),
    hometown: noisy(rng, record.hometown),
    ethnicity: renderEthnicity(rng, record.ethnicityCode),
    religion: religion ? (RELIGION_SPELLINGS[religion]?.pick(rng) ?? religion) : undefined,
    nationality: NATIONALITY.pick(rng),
    blood_group: record.bloodGroup && rng.chance(0.2) ? `Nhóm ${record.bloodGroup}` : record.bloodGroup,
    marital_status: renderMarital(rng, record),
    permanent_address: record.permanentAddress ? addressText(rng, record.permanentAddress) : undefined,
    permanent_commune_code: record.permanentCommuneCode,
    current_address: addressText(rng, record.currentAddress),
    current_commune_code: record.currentCommuneCode,
    household_head_name: record.householdHeadName,
    household_head_id: record.householdHeadId,
    relationship_to_head: record.relationshipToHead,
    father_name: record.fatherName,
    father_id: record.fatherId,
    mother_name: record.motherName,
    mother_id: record.motherId,
    spouse_name: record.spouseName,
    spouse_id: record.spouseId,
    phone: record.phone ? renderPhone(rng, record.phone) : undefined,
    email: record.email && rng.chance(0.05) ? record.email.toUpperCase() : record.email,
  };
}
