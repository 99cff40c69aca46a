// Name pools for synthetic DC01 forms in Gia Lai: Kinh names with a realistic surname distribution, and
// Jrai (Gia-rai), Bahnar (Ba-na), Ê-đê, HMông and other minority naming patterns. Weights are rough shares
// (surnames after the commonly cited Vietnamese surname frequencies); given names are plausible, not sampled.
import type { Sex } from '#domain/record.ts';
import { type Rng, Weighted } from './rng.ts';

const nfc = (entries: [string, number][]): [string, number][] =>
  entries.map(([s, w]) => [s.normalize('NFC'), w]);
const list = (text: string): string[] => text.normalize('NFC').split(',');
const even = (text: string): Weighted<string> => new Weighted(list(text).map((s) => [s, 1] as const));

const KINH_SURNAMES = new Weighted(
  nfc([
    ['Nguyễn', 36],
    ['Trần', 11],
    ['Lê', 9.5],
    ['Phạm', 7],
    ['Hoàng', 3],
    ['Huỳnh', 2.1],
    ['Phan', 4.5],
    ['Vũ', 2],
    ['Võ', 1.9],
    ['Đặng', 2.1],
    ['Bùi', 2],
    ['Đỗ', 1.4],
    ['Hồ', 1.3],
    ['Ngô', 1.3],
    ['Dương', 1],
    ['Lý', 0.5],
    ['Trương', 0.6],
    ['Đinh', 0.5],
    ['Đoàn', 0.5],
    ['Hà', 0.5],
    ['Trịnh', 0.3],
    ['Lương', 0.3],
    ['Mai', 0.3],
    ['Cao', 0.3],
    ['Lâm', 0.3],
    ['Lưu', 0.2],
    ['Tô', 0.2],
    ['Châu', 0.2],
    ['Tạ', 0.2],
    ['Thái', 0.2],
    ['Quách', 0.1],
    ['Kiều', 0.1],
    ['La', 0.1],
  ]),
);

// Văn and Thị dominate older generations; parents born after about 1990 chose them far less for their children.
const MIDDLE = {
  male: {
    older: nfc([
      ['Văn', 60],
      ['Đức', 6],
      ['Minh', 5],
      ['Quốc', 4],
      ['Thanh', 4],
      ['Hữu', 5],
      ['Công', 4],
      ['Xuân', 3],
      ['Đình', 3],
      ['Ngọc', 2],
      ['Hoàng', 2],
      ['Trọng', 2],
    ]),
    younger: nfc([
      ['Văn', 18],
      ['Minh', 12],
      ['Đức', 9],
      ['Quốc', 7],
      ['Gia', 8],
      ['Hoàng', 7],
      ['Anh', 6],
      ['Bảo', 6],
      ['Thanh', 5],
      ['Nhật', 5],
      ['Tuấn', 4],
      ['Hữu', 4],
      ['Đăng', 3],
      ['Trung', 3],
    ]),
  },
  female: {
    older: nfc([
      ['Thị', 70],
      ['Ngọc', 5],
      ['Thu', 4],
      ['Thanh', 4],
      ['Hồng', 3],
      ['Kim', 3],
      ['Minh', 2],
      ['Xuân', 2],
      ['Mỹ', 2],
      ['Bích', 2],
    ]),
    younger: nfc([
      ['Thị', 25],
      ['Ngọc', 9],
      ['Bảo', 7],
      ['Khánh', 6],
      ['Thu', 6],
      ['Minh', 6],
      ['Thùy', 5],
      ['Phương', 5],
      ['Hoài', 4],
      ['Mỹ', 4],
      ['Quỳnh', 4],
      ['Diệu', 3],
      ['Thanh', 4],
      ['Kim', 3],
      ['Hồng', 3],
    ]),
  },
};
const MIDDLE_TABLES = {
  male: { older: new Weighted(MIDDLE.male.older), younger: new Weighted(MIDDLE.male.younger) },
  female: { older: new Weighted(MIDDLE.female.older), younger: new Weighted(MIDDLE.female.younger) },
};

export const KINH_GIVEN = {
  male: even(
    'Hùng,Dũng,Cường,Hải,Nam,Tuấn,Minh,Long,Phong,Sơn,Thắng,Trung,Hiếu,Huy,Khánh,Quang,Thành,Tùng,Vinh,Việt,Đức,Đạt,Bình,Hòa,Lâm,Phúc,Tài,Thịnh,Toàn,An,Bảo,Duy,Hưng,Kiên,Lộc,Mạnh,Nghĩa,Nhân,Phát,Quân,Tâm,Thái,Thiện,Tiến,Trí,Tú,Khoa,Khang,Kiệt,Lợi,Luân,Hoàng,Hậu,Tín,Vũ,Thuận,Chiến,Định,Hưởng,Sang',
  ),
  female: even(
    'Lan,Hương,Hoa,Mai,Linh,Trang,Hằng,Nga,Thảo,Hà,Hạnh,Huyền,Loan,Phượng,Tuyết,Yến,Anh,Chi,Dung,Giang,Hiền,Hồng,Liên,Ly,My,Ngân,Ngọc,Nhung,Oanh,Phương,Quyên,Quỳnh,Thủy,Thu,Thúy,Trinh,Uyên,Vân,Vy,Xuân,Diệp,Hân,Nhi,Tâm,Thư,Trâm,Hòa,Lý,Duyên,Thơm,Sương,Nguyệt',
  ),
};

// Jrai clans pass through the mother (children take her clan name).
const JRAI_SURNAMES = new Weighted(
  nfc([
    ['Ksor', 20],
    ['Rơ Mah', 14],
    ['Siu', 14],
    ['Nay', 10],
    ['Rah Lan', 8],
    ['Kpă', 8],
    ['Puih', 7],
    ['Rơ Châm', 6],
    ['Rơ Lan', 4],
    ['Hiao', 3],
    ['Rơ Ô', 2],
    ['Rcom', 2],
    ['Kơ Pă', 1],
  ]),
);
const JRAI_GIVEN = {
  male: even(
    'Blih,Dơk,Hyưn,Phơ,Nglơl,Djuh,Byơ,Hlao,Jơn,Kheo,Yuh,Rin,Thiêng,Hlơm,Dưh,Tlơ,Ƀlơng,Hmưn,Khăm,Dun,Mlô,Thông,Hyoai,Tuih',
  ),
  female: even(
    "H'Hen,H'Bơ,H'Lim,H'Nga,H'Yin,H'Nen,H'Ngôi,H'Bin,H'Lan,Thuyên,Hnơr,Ngơm,Hyen,Blơn,Lơm,Plơi,H'Mai,H'Dơ,Rinh,H'Prăk,Nhiên,H'Lŭi",
  ),
};

const BAHNAR_GIVEN = {
  male: even('Nhao,Kơn,Hmưn,Blưu,Glông,Phôn,Đeng,Thưng,Hyun,Jar,Nhơn,Bang,Sinh,Hưch,Wơh,Khuôl,Hrin,Yưh,Brưk'),
  female: even('Hơ,Bưm,Sơr,Hnin,Nhi,Pơr,Lin,Gưm,Bưp,Hlai,Phiu,Dơng,Hmơi,Blin,Yêl,Đing'),
};
const BAHNAR_OTHER_SURNAMES = even('Đinh,Đinh,Đinh,Đinh,Đinh,Đinh,Hoàng,Lê,Bùi,Nguyễn,Trương');

// Ê-đê: Y (men) or H' (women) before the given name, the matrilineal clan name last.
const EDE_CLANS = even('Niê,Êban,Mlô,Byă,Ksơr,Adrơng,Êya,Hmŏk,Buôn Yă,Kbuôr');
const EDE_GIVEN = {
  male: even('Ngông,Khăm,Blim,Thuôn,Yơn,Dhăm,Kơ,Bhiăo,Sin,Hăn'),
  female: even('Hen,Lim,Bia,Năm,Yơn,Ruăh,Mai,Bluăh,Hlơn,Ngiêm'),
};

const HMONG_SURNAMES = even('Giàng,Sùng,Vàng,Thào,Lù,Hờ,Mùa,Lý,Vừ');
const HMONG_GIVEN = {
  male: even('Páo,Chứ,Sử,Dế,Lử,Của,Tủa,Pó,Sình,Chá'),
  female: even('Mỷ,Sua,Dở,Mai,Pằng,Chứ,Súa,Dua,Mỷ,Xí'),
};

// Tày, Thái, Mường, Nùng, Dao and Hoa write Kinh-style names, with some surnames of their own.
const NORTHERN_SURNAMES: Record<string, Weighted<string>> = {
  '02': even('Hoàng,Nông,Ma,Lương,Hà,Lý,Vi,Đàm,Triệu,La'),
  '03': even('Lò,Lường,Cầm,Vi,Quàng,Hà,Lộc,Tòng'),
  '06': even('Bùi,Đinh,Quách,Hà,Bạch,Xa'),
  '07': even('Hoàng,Nông,Lục,Vi,Lâm,Mã,Chu,Lăng'),
  '09': even('Triệu,Bàn,Đặng,Lý,Phùng,Chảo'),
  '04': even('Lý,Trần,Lâm,Quách,Trương,Huỳnh,Lưu,Hứa,Mạc'),
};

/** A Kinh-style given name (no surname): middle name by generation, then a given name by sex. */
export function kinhGivenName(rng: Rng, sex: Sex, birthYear: number, middle = true): string {
  const generation = birthYear >= 1990 ? 'younger' : 'older';
  const given = KINH_GIVEN[sex].pick(rng);
  if (!middle) return given;
  let mid = MIDDLE_TABLES[sex][generation].pick(rng);
  // the occasional double middle name of younger Kinh
  if (generation === 'younger' && rng.chance(0.06)) {
    const second = MIDDLE_TABLES[sex].younger.pick(rng);
    if (second !== mid && second !== 'Văn' && second !== 'Thị') mid = `${mid} ${second}`;
  }
  return mid === given ? given : `${mid} ${given}`;
}

/** The part of a name after the clan/family name, for an ethnic group, or undefined when the group puts it elsewhere. */
function givenName(rng: Rng, ethnicity: string, sex: Sex, birthYear: number): string {
  switch (ethnicity) {
    case '10': {
      // about one Jrai in six carries a Kinh-style given name
      if (rng.chance(0.16)) return kinhGivenName(rng, sex, birthYear, rng.chance(0.5));
      return JRAI_GIVEN[sex].pick(rng);
    }
    case '13': {
      const given = BAHNAR_GIVEN[sex].pick(rng);
      return rng.chance(0.7) ? `${sex === 'male' ? 'Văn' : 'Thị'} ${given}` : given;
    }
    case '08':
      return `${sex === 'male' ? 'A' : 'Thị'} ${HMONG_GIVEN[sex].pick(rng)}`;
    default:
      return kinhGivenName(rng, sex, birthYear);
  }
}

/** A family or clan name for a person of an ethnic group. */
export function familyName(rng: Rng, ethnicity: string): string {
  switch (ethnicity) {
    case '01':
      return KINH_SURNAMES.pick(rng);
    case '10':
      return JRAI_SURNAMES.pick(rng);
    case '12':
      return EDE_CLANS.pick(rng);
    case '13':
      return BAHNAR_OTHER_SURNAMES.pick(rng);
    case '08':
      return HMONG_SURNAMES.pick(rng);
    case '14':
      return rng.chance(0.5) ? 'A' : 'Y';
    default:
      return (NORTHERN_SURNAMES[ethnicity] ?? KINH_SURNAMES).pick(rng);
  }
}

/** A full birth name from a family name: most groups put it first, Ê-đê last after Y or H'. */
export function fullName(rng: Rng, ethnicity: string, family: string, sex: Sex, birthYear: number): string {
  if (ethnicity === '12') {
    const given = EDE_GIVEN[sex].pick(rng);
    return sex === 'male' ? `Y ${given} ${family}` : `H'${given} ${family}`;
  }
  if (ethnicity === '14') {
    // Xơ-đăng: A for men, Y for women, then a Kinh-style given name
    return `${sex === 'male' ? 'A' : 'Y'} ${KINH_GIVEN[sex].pick(rng)}`;
  }
  return `${family} ${givenName(rng, ethnicity, sex, birthYear)}`;
}

/** Whether children take the mother's family name (Jrai and Ê-đê clans are matrilineal). */
export function matrilineal(ethnicity: string): boolean {
  return ethnicity === '10' || ethnicity === '12';
}

// Villages: Jrai plei and buôn, Bahnar làng and kon, Kinh thôn and tổ dân phố, and Pleiku streets.
export const JRAI_VILLAGES = list(
  'Plei Ring,Plei Bông,Plei Kte,Plei Djrăng,Plei Ốp,Plei Tơ Nghia,Plei Rơ Ngheo,Plei Chuét,Plei Mun,Plei Kép,Buôn Bir,Buôn Ma Giai,Buôn Chư Jú,Plei Ia Lốp,Plei Dư,Plei Kơ Tu,Plei Bơ,Plei Thơ Ga',
);
export const BAHNAR_VILLAGES = list(
  'Làng Kon Chrah,Làng Đê Kôn,Làng Groi,Làng Đăk Kơ Dương,Làng Kon Von,Làng Stơr,Làng Hway,Làng Đê Tar,Làng Kon Sơ Lăl,Làng Bông Pim,Làng Dơ Nâu,Làng Tơ Drăh,Làng Kon Mahar,Làng Đak Asel',
);
export const STREETS = list(
  'Hùng Vương,Trần Phú,Lê Lợi,Phan Đình Phùng,Nguyễn Văn Trỗi,Quang Trung,Trường Chinh,Lê Duẩn,Phạm Văn Đồng,Cách Mạng Tháng Tám,Tôn Thất Tùng,Nguyễn Tất Thành,Hai Bà Trưng,Lý Thường Kiệt,Wừu,A Sanh,Lê Thánh Tôn,Nguyễn Viết Xuân,Trần Hưng Đạo,Hoàng Văn Thụ',
);

export const EMAIL_DOMAINS = new Weighted<string>([
  ['gmail.com', 80],
  ['yahoo.com', 8],
  ['yahoo.com.vn', 4],
  ['outlook.com', 4],
  ['gialai.gov.vn', 2],
  ['vnpt.vn', 2],
]);
