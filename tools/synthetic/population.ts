// Synthetic Gia Lai households: who lives together, their names, birth dates, places, IDs and relations,
// as the normalised records a correct DC01 form would produce. Rendering them as form text is render.ts's job.
import type { CalendarDate } from '#domain/dates.ts';
import { personIdentity } from '#domain/identity.ts';
import { looseKey } from '#domain/normalize.ts';
import type { PopulationRecord, Sex } from '#domain/record.ts';
import { mobileNumber, oldIdNumber, type PersonalIdAllocator } from './ids.ts';
import {
  BAHNAR_VILLAGES,
  EMAIL_DOMAINS,
  familyName,
  fullName,
  JRAI_VILLAGES,
  KINH_GIVEN,
  kinhGivenName,
  matrilineal,
  STREETS,
} from './names.ts';
import {
  type GiaLaiCommune,
  gialaiOrigin,
  gialaiPlace2020,
  gialaiPlace2025,
  nearbyCommune,
  type Origin,
  pickAbroad,
  pickCommune,
  pickOrigin,
} from './places.ts';
import { type Rng, Weighted } from './rng.ts';

type MaritalStatus = NonNullable<PopulationRecord['maritalStatus']>;

/** One synthetic person: the record a correct form about them yields, and their ground-truth identity. */
export interface SyntheticPerson {
  /** 1-based person number in the generated batch (the ground-truth identity, with or without an ID) */
  index: number;
  record: PopulationRecord;
  /** personIdentity(record): sealed, the person key the checker must report for this person's accepted rows */
  identity: string;
  /** whether one of this person's rows has been accepted yet (a later row is then a repeat) */
  accepted: boolean;
  /** the forms accepted for the person, once it repeats: one of them again is a duplicate of it */
  forms?: Set<string>;
  /** whether the household's forms write post-July-2025 communes (codes and addresses), kept when they move */
  use2025: boolean;
}

// Gia Lai, 2019 census: 53.8 % Kinh, 30.4 % Jrai, 12.5 % Bahnar; the rest split among smaller groups.
// Weights are per household: Kinh households are smaller, so their weight is raised to give those shares of persons.
export const ETHNIC_MIX = new Weighted<string>([
  ['01', 66],
  ['10', 30],
  ['13', 12.5],
  ['12', 0.8],
  ['14', 0.5],
  ['02', 0.5],
  ['07', 0.4],
  ['03', 0.4],
  ['06', 0.4],
  ['04', 0.2],
  ['08', 0.2],
  ['09', 0.1],
]);

const RELIGIONS: Record<string, Weighted<string | undefined>> = {
  '01': new Weighted<string | undefined>([
    [undefined, 45],
    ['Không', 35],
    ['Phật giáo', 10],
    ['Công giáo', 8],
    ['Tin lành', 2],
  ]),
  '10': new Weighted<string | undefined>([
    [undefined, 30],
    ['Không', 25],
    ['Tin lành', 30],
    ['Công giáo', 15],
  ]),
  '13': new Weighted<string | undefined>([
    [undefined, 30],
    ['Không', 20],
    ['Công giáo', 35],
    ['Tin lành', 15],
  ]),
  other: new Weighted<string | undefined>([
    [undefined, 45],
    ['Không', 40],
    ['Tin lành', 8],
    ['Công giáo', 5],
    ['Phật giáo', 2],
  ]),
};

const HEAD_AGE = new Weighted<[number, number]>([
  [[22, 34], 25],
  [[35, 49], 35],
  [[50, 64], 25],
  [[65, 85], 15],
]);

const CHILD_COUNT = {
  kinh: new Weighted<number>([
    [0, 15],
    [1, 20],
    [2, 35],
    [3, 20],
    [4, 8],
    [5, 2],
  ]),
  highland: new Weighted<number>([
    [0, 8],
    [1, 12],
    [2, 18],
    [3, 20],
    [4, 18],
    [5, 12],
    [6, 8],
    [7, 4],
  ]),
};

const BLOOD_GROUPS = new Weighted<NonNullable<PopulationRecord['bloodGroup']>>([
  ['O', 42],
  ['B', 30],
  ['A', 21],
  ['AB', 7],
]);

const KINH_HAMLETS =
  'Tân Lập,Hòa Bình,Thanh Bình,Quyết Thắng,Đoàn Kết,Tân Sơn,Phú Thọ,Bình An,Thắng Lợi,Trung Hòa,Hợp Thành,Phú Vinh'
    .normalize('NFC')
    .split(',');
const NICKNAMES = 'Tèo,Tí,Bi,Bống,Cu,Út,Hai,Ba,Bé,Mít'.normalize('NFC').split(',');
const QUOTED_NICKNAMES = 'Cây Da,Bến Đò,Dốc Đá,Ngã Ba'.normalize('NFC').split(',');

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A day of `year`, no later than `asOf`. */
export function randomDate(rng: Rng, year: number, asOf: CalendarDate): string {
  const lastMonth = year === asOf.year ? asOf.month : 12;
  const month = rng.between(1, lastMonth);
  const lastDay = year === asOf.year && month === asOf.month ? asOf.day : daysInMonth(year, month);
  return isoDate(year, month, rng.between(1, lastDay));
}

interface Draft {
  sex: Sex;
  year: number;
  ethnicity: string;
  family: string;
  name: string;
  relationship: string;
  role: 'head' | 'spouse' | 'child' | 'parent';
  father?: Draft | Relative;
  mother?: Draft | Relative;
  spouse?: Draft;
  marital?: MaritalStatus;
  origin?: Origin;
  hometown?: string;
  personalId?: string;
}

/** A parent who is not in the batch: a name and maybe an ID. */
interface Relative {
  name: string;
  id?: string;
}

export class Population {
  private nextIndex = 1;
  private readonly noIdKeys = new Set<string>();

  constructor(
    private readonly rng: Rng,
    private readonly ids: PersonalIdAllocator,
    readonly asOf: CalendarDate,
    /** the households' ethnic groups by weight (default Gia Lai's); Kinh only gives the national surname mix */
    private readonly ethnicMix: Weighted<string> = ETHNIC_MIX,
  ) {}

  /** The next household, head first, each member a new person. */
  household(): SyntheticPerson[] {
    const rng = this.rng;
    const asOfYear = this.asOf.year;
    const ethnicity = this.ethnicMix.pick(rng);
    const commune = pickCommune(rng, ethnicity);
    const use2025 = commune.successor !== undefined && rng.chance(0.12);
    const home = this.address(ethnicity, commune, use2025);
    const codesWritten = rng.chance(0.85);
    const religions = RELIGIONS[ethnicity] ?? (RELIGIONS.other as Weighted<string | undefined>);
    const religion = religions.pick(rng);

    const headSex: Sex = rng.chance(ethnicity === '10' ? 0.62 : ethnicity === '13' ? 0.75 : 0.8)
      ? 'male'
      : 'female';
    const [lo, hi] = HEAD_AGE.pick(rng);
    const head = this.draft(ethnicity, headSex, asOfYear - rng.between(lo, hi), 'head', 'Chủ hộ');
    const drafts: Draft[] = [head];
    const headAge = asOfYear - head.year;

    const married = rng.chance(headAge < 30 ? 0.7 : headAge >= 70 ? 0.55 : 0.85);
    if (married) {
      const spouseEthnicity = rng.chance(0.96) ? ethnicity : ethnicity === '01' ? '10' : '01';
      const gap = rng.between(-2, 6);
      const spouseSex: Sex = headSex === 'male' ? 'female' : 'male';
      const spouseYear = Math.min(asOfYear - 18, headSex === 'male' ? head.year + gap : head.year - gap);
      const spouse = this.draft(
        spouseEthnicity,
        spouseSex,
        spouseYear,
        'spouse',
        spouseSex === 'male' ? 'Chồng' : 'Vợ',
      );
      head.spouse = spouse;
      spouse.spouse = head;
      head.marital = 'married';
      spouse.marital = 'married';
      drafts.push(spouse);
    } else {
      head.marital =
        headAge < 35 ? 'single' : rng.pick<MaritalStatus>(['divorced', 'widowed', 'widowed', 'single']);
    }

    const father = [head, head.spouse].find((d) => d?.sex === 'male');
    const mother = [head, head.spouse].find((d) => d?.sex === 'female');
    if (head.marital !== 'single') {
      const counts = ethnicity === '01' ? CHILD_COUNT.kinh : CHILD_COUNT.highland;
      const wanted = counts.pick(rng);
      const names = new Set<string>();
      for (let i = 0; i < wanted; i++) {
        const base = mother ?? father ?? head;
        const year = base.year + rng.between(mother ? 18 : 21, mother ? 42 : 48);
        if (year > asOfYear) continue;
        if (asOfYear - year > 28 && rng.chance(0.7)) continue; // grown up and moved out
        const sex: Sex = rng.chance(0.51) ? 'male' : 'female';
        const parentForName = matrilineal(ethnicity) ? (mother ?? father) : (father ?? mother);
        const child = this.draft(ethnicity, sex, year, 'child', 'Con', parentForName?.family);
        for (let tries = 0; names.has(child.name) && tries < 6; tries++) {
          child.name = fullName(rng, ethnicity, child.family, sex, year);
        }
        if (names.has(child.name)) continue;
        names.add(child.name);
        child.father = father;
        child.mother = mother;
        child.marital = asOfYear - year >= 16 || rng.chance(0.4) ? 'single' : undefined;
        drafts.push(child);
      }
    }

    if (headAge <= 58 && rng.chance(0.12)) {
      const sex: Sex = rng.chance(0.7) ? 'female' : 'male';
      const year = Math.max(1930, head.year - rng.between(20, 32));
      if (head.year - year >= 16) {
        const inherited = sex === 'male' ? !matrilineal(ethnicity) : matrilineal(ethnicity);
        const relationship = sex === 'female' ? 'Mẹ' : rng.chance(0.5) ? 'Bố' : 'Cha';
        const parent = this.draft(
          ethnicity,
          sex,
          year,
          'parent',
          relationship,
          inherited ? head.family : undefined,
        );
        parent.marital = 'widowed';
        if (sex === 'male') head.father = parent;
        else head.mother = parent;
        drafts.push(parent);
      }
    }

    for (const draft of drafts) this.place(draft, commune);
    for (const draft of drafts) {
      if (draft.role === 'head' || draft.role === 'spouse') this.externalParents(draft);
      if (draft.role === 'child') {
        const parent = matrilineal(draft.ethnicity)
          ? (draft.mother ?? draft.father)
          : (draft.father ?? draft.mother);
        if (parent && 'role' in parent && parent.hometown) draft.hometown = parent.hometown;
      }
    }
    for (const draft of drafts) this.assignId(draft);

    return drafts.map((draft) => {
      const record = this.record(draft, head, home, codesWritten, religion, religions, commune, use2025);
      return this.person(record, use2025, draft.origin?.idCode ?? '064');
    });
  }

  private draft(
    ethnicity: string,
    sex: Sex,
    year: number,
    role: Draft['role'],
    relationship: string,
    family?: string,
  ): Draft {
    const fam = family ?? familyName(this.rng, ethnicity);
    return {
      sex,
      year,
      ethnicity,
      family: fam,
      name: fullName(this.rng, ethnicity, fam, sex, year),
      relationship,
      role,
      father: undefined,
      mother: undefined,
      spouse: undefined,
      marital: undefined,
      origin: undefined,
      hometown: undefined,
      personalId: undefined,
    };
  }

  /** The village or street part of an address, then commune, district (before 2025) and province. */
  private address(
    ethnicity: string,
    commune: GiaLaiCommune,
    use2025: boolean,
  ): { text: string; code: string } {
    const rng = this.rng;
    const urban = commune.name.startsWith('Phường') || commune.name.startsWith('Thị trấn');
    let locality: string;
    if (urban) {
      if (commune.districtCode === '622' && ethnicity === '01' && rng.chance(0.5)) {
        locality = rng.chance(0.5)
          ? `${rng.between(1, 450)} ${rng.pick(STREETS)}`
          : `Số ${rng.between(1, 450)} đường ${rng.pick(STREETS)}`;
      } else {
        locality = rng.chance(0.6) ? `Tổ ${rng.between(1, 15)}` : `Tổ dân phố ${rng.between(1, 12)}`;
      }
    } else if (ethnicity === '10' || ethnicity === '12') {
      locality = rng.chance(0.8) ? rng.pick(JRAI_VILLAGES) : `Thôn ${rng.between(1, 12)}`;
    } else if (ethnicity === '13' || ethnicity === '14') {
      locality = rng.chance(0.8) ? rng.pick(BAHNAR_VILLAGES) : `Thôn ${rng.between(1, 12)}`;
    } else {
      locality = rng.chance(0.6) ? `Thôn ${rng.between(1, 15)}` : `Thôn ${rng.pick(KINH_HAMLETS)}`;
    }
    // a hamlet's nickname in quotes now and then: the CSV writer must quote and double them
    if (rng.chance(0.004)) locality = `${locality} (xóm "${rng.pick(QUOTED_NICKNAMES)}")`;
    const successor = use2025 ? commune.successor : undefined;
    const place = successor ? gialaiPlace2025(successor) : gialaiPlace2020(commune);
    return { text: `${locality}, ${place}`, code: successor ? successor.code : commune.code };
  }

  /** Where the person's birth was registered, and their hometown (quê quán). */
  private place(draft: Draft, commune: GiaLaiCommune): void {
    const rng = this.rng;
    if (rng.chance(0.003)) {
      draft.origin = pickAbroad(rng);
      draft.hometown =
        draft.ethnicity === '01' ? pickOrigin(rng).place : gialaiPlace2020(nearbyCommune(rng, commune));
      return;
    }
    const kinhLike =
      draft.ethnicity !== '10' &&
      draft.ethnicity !== '13' &&
      draft.ethnicity !== '12' &&
      draft.ethnicity !== '14';
    if (draft.role === 'child') {
      draft.origin = gialaiOrigin(rng.chance(0.85) ? commune : nearbyCommune(rng, commune));
      draft.hometown = draft.origin.place; // replaced by a parent's hometown once those are known
      return;
    }
    if (kinhLike && rng.chance(0.45)) {
      draft.origin = pickOrigin(rng);
      draft.hometown = rng.chance(0.8) ? draft.origin.place : pickOrigin(rng).place;
      return;
    }
    draft.origin = gialaiOrigin(
      rng.chance(0.6) ? nearbyCommune(rng, commune) : pickCommune(rng, draft.ethnicity),
    );
    draft.hometown = kinhLike && rng.chance(0.6) ? pickOrigin(rng).place : draft.origin.place;
  }

  /** Names (and some IDs) of a head's or spouse's parents who do not live in the household. */
  private externalParents(draft: Draft): void {
    const rng = this.rng;
    const placeCode = draft.origin?.idCode.startsWith('0') ? draft.origin.idCode : '064';
    const make = (sex: Sex, inheritFamily: boolean): Relative => {
      const year = draft.year - rng.between(sex === 'male' ? 22 : 18, sex === 'male' ? 40 : 36);
      const family = inheritFamily ? draft.family : familyName(rng, draft.ethnicity);
      const relative: Relative = { name: fullName(rng, draft.ethnicity, family, sex, year), id: undefined };
      const alive = this.asOf.year - year <= 92 && year >= 1930;
      const roll = rng.next();
      if (alive && roll < 0.55) relative.id = this.ids.allocate(placeCode, sex, year);
      else if (alive && roll < 0.7) relative.id = oldIdNumber(rng);
      return relative;
    };
    const patrilineal = !matrilineal(draft.ethnicity);
    if (!draft.father && rng.chance(0.85)) draft.father = make('male', patrilineal);
    if (!draft.mother && rng.chance(0.9)) draft.mother = make('female', !patrilineal);
  }

  private assignId(draft: Draft): void {
    const age = this.asOf.year - draft.year;
    // children are issued IDs at birth registration only since 2016, and many were still waiting in 2020–21
    const withoutId = age < 14 ? this.rng.chance(0.22) : this.rng.chance(0.004);
    if (!withoutId && draft.origin)
      draft.personalId = this.ids.allocate(draft.origin.idCode, draft.sex, draft.year);
  }

  private record(
    draft: Draft,
    head: Draft,
    home: { text: string; code: string },
    codesWritten: boolean,
    religion: string | undefined,
    religions: Weighted<string | undefined>,
    commune: GiaLaiCommune,
    use2025: boolean,
  ): PopulationRecord {
    const rng = this.rng;
    const age = this.asOf.year - draft.year;
    const dateOfBirth = randomDate(rng, draft.year, this.asOf);
    const oldId = age >= 15 && draft.year <= 2005 && rng.chance(0.28) ? oldIdNumber(rng) : undefined;
    const ownReligion = rng.chance(0.92) ? religion : religions.pick(rng);
    const bloodGroup = rng.chance(0.12) ? BLOOD_GROUPS.pick(rng) : undefined;
    const marital = draft.marital && rng.chance(age >= 16 ? 0.85 : 0.6) ? draft.marital : undefined;
    const permanent = rng.chance(0.9);
    let current = home;
    if (age >= 18 && age <= 30 && draft.role === 'child' && rng.chance(0.25)) {
      // a grown child studying or working in town, mostly Pleiku
      current = this.address('01', nearbyCommune(rng, pickCommune(rng, '01')), use2025);
    }
    const headed = rng.chance(draft.role === 'head' ? 0.9 : 0.97);
    const { father, mother, spouse } = draft;
    const phone = age >= 16 && rng.chance(age > 70 ? 0.35 : 0.78) ? mobileNumber(rng) : undefined;
    let email: string | undefined;
    if (age >= 18 && age <= 45 && rng.chance(0.08)) {
      const local = `${looseKey(draft.name.split(' ').at(-1) ?? '')}${looseKey(draft.family)}`;
      if (local.length >= 3) {
        email = `${local}${String(draft.year % 100).padStart(2, '0')}@${EMAIL_DOMAINS.pick(rng)}`;
      }
    }
    const otherName = rng.chance(0.02)
      ? draft.ethnicity === '01'
        ? rng.pick(NICKNAMES)
        : KINH_GIVEN[draft.sex].pick(rng)
      : undefined;
    // every field a key (undefined when empty): one object shape for all records keeps the hot path fast
    const record: PopulationRecord = {
      formId: undefined,
      fullName: draft.name,
      otherName,
      dateOfBirth,
      sex: draft.sex,
      personalId: draft.personalId,
      oldIdNumber: oldId,
      birthRegistrationPlace: draft.origin?.place ?? gialaiPlace2020(commune),
      hometown: draft.hometown ?? gialaiPlace2020(commune),
      ethnicityCode: draft.ethnicity,
      religion: ownReligion,
      nationality: 'VN',
      bloodGroup,
      maritalStatus: marital,
      permanentAddress: permanent ? home.text : undefined,
      permanentCommuneCode: permanent && codesWritten ? home.code : undefined,
      permanentCommuneCode2025: undefined,
      currentAddress: current.text,
      currentCommuneCode: codesWritten ? current.code : undefined,
      currentCommuneCode2025: undefined,
      householdHeadName: headed ? head.name : undefined,
      householdHeadId: headed ? head.personalId : undefined,
      relationshipToHead: headed ? draft.relationship : undefined,
      fatherName: father?.name,
      fatherId: father && ('role' in father ? father.personalId : father.id),
      motherName: mother?.name,
      motherId: mother && ('role' in mother ? mother.personalId : mother.id),
      spouseName: spouse?.name,
      spouseId: spouse?.personalId,
      phone,
      email,
    };
    return record;
  }

  private person(record: PopulationRecord, use2025: boolean, placeCode: string): SyntheticPerson {
    let identity = personIdentity(record);
    if (!record.personalId) {
      // two people with the same name, birth date, sex and birth place would share a key: give one an ID
      if (this.noIdKeys.has(identity)) {
        record.personalId = this.ids.allocate(placeCode, record.sex, Number(record.dateOfBirth.slice(0, 4)));
        identity = personIdentity(record);
      } else {
        this.noIdKeys.add(identity);
      }
    }
    return { index: this.nextIndex++, record, identity, accepted: false, use2025 };
  }

  /** A new given name (same family name) for a conflicting form, or a dropped middle name. */
  renamed(record: PopulationRecord): string {
    const rng = this.rng;
    const words = record.fullName.split(' ');
    const year = Number(record.dateOfBirth.slice(0, 4));
    if (words.length >= 3 && rng.chance(0.3)) return [words[0], ...words.slice(2)].join(' ');
    const given = kinhGivenName(rng, record.sex, year, false);
    const renamed = [...words.slice(0, -1), given].join(' ');
    return renamed;
  }

  /** An address elsewhere in Gia Lai, for a person who moved. */
  moved(record: PopulationRecord, use2025: boolean): { text: string; code: string } {
    const ethnicity = record.ethnicityCode;
    return this.address(ethnicity, pickCommune(this.rng, ethnicity), use2025);
  }
}
