import { describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import { reviewItem } from '../../shared/ingest/review-items.ts';
import { blockingKeys, filingKeys } from '../../shared/linkage/blocking.ts';
import { linkRecord } from '../../shared/linkage/link.ts';
import { sideBySide } from '../../shared/linkage/review.ts';
import { decide, LINK_THRESHOLDS, scoreMatch } from '../../shared/linkage/score.ts';
import { generateLinkageRegister } from '../../tools/synthetic/linkage.ts';
import { applyNoise, NOISE_KINDS, type NoiseKind } from '../../tools/synthetic/noise.ts';
import { Rng } from '../../tools/synthetic/rng.ts';

// first records of a small generated register: the originals every kind of noise is applied to
const register = generateLinkageRegister({ rows: 3000, seed: 'link-test', duplicateRate: 0 });
const originals = register.map((row) => row.record);
const context = {
  rng: new Rng('noise-test'),
  newAddress: () => 'Tổ 3, Phường Yên Đỗ, Thành phố Pleiku, Tỉnh Gia Lai',
};

const hasDate = (record: PopulationRecord) => ({ ...record });

function noisyPairs(kind: NoiseKind, count: number): [PopulationRecord, PopulationRecord][] {
  const pairs: [PopulationRecord, PopulationRecord][] = [];
  for (const original of originals) {
    const noisy = applyNoise(kind, original, context);
    if (noisy && kind !== 'idOnlyLater') pairs.push([original, noisy]);
    if (noisy && kind === 'idOnlyLater') pairs.push([{ ...original, personalId: undefined }, noisy]);
    if (pairs.length >= count) break;
  }
  return pairs;
}

describe('each kind of noise against its original', () => {
  it.each(NOISE_KINDS)('%s: linked (match or review), and found by a blocking key', (kind) => {
    const pairs = noisyPairs(kind, 150);
    expect(pairs.length).toBeGreaterThan(50);
    let found = 0;
    for (const [original, noisy] of pairs) {
      const { score, levels } = scoreMatch(noisy, original);
      expect(decide(score, levels), `${original.fullName} → ${noisy.fullName}`).not.toBe('distinct');
      const filed = new Set(filingKeys(hasDate(original)));
      if (blockingKeys(noisy).some((key) => filed.has(key))) found++;
    }
    // a typo or OCR slip in the given name and a missing parent can defeat two keys at once; never most
    expect(found / pairs.length).toBeGreaterThanOrEqual(0.97);
  });

  it('merges a second form that differs only in encoding, address and a missing ID automatically', () => {
    for (const original of originals.slice(0, 100)) {
      let noisy = applyNoise('newAddress', original, context) as PopulationRecord;
      noisy = applyNoise('strippedDiacritics', noisy, context) as PopulationRecord;
      noisy = { ...noisy, personalId: undefined };
      const { score, levels } = scoreMatch(noisy, original);
      expect(decide(score, levels)).toBe('match');
    }
  });
});

const base: PopulationRecord = {
  formId: undefined,
  fullName: 'Nguyễn Văn Hùng',
  otherName: undefined,
  dateOfBirth: '2012-04-16',
  sex: 'male',
  personalId: undefined,
  oldIdNumber: undefined,
  birthRegistrationPlace: 'Xã Ia Kha, Huyện Ia Grai, Tỉnh Gia Lai',
  hometown: 'Xã Nghĩa Lâm, Huyện Tư Nghĩa, Tỉnh Quảng Ngãi',
  ethnicityCode: '01',
  religion: undefined,
  nationality: 'VN',
  bloodGroup: undefined,
  maritalStatus: undefined,
  permanentAddress: undefined,
  permanentCommuneCode: undefined,
  permanentCommuneCode2025: undefined,
  currentAddress: 'Thôn 3, Xã Ia Kha, Huyện Ia Grai, Tỉnh Gia Lai',
  currentCommuneCode: undefined,
  currentCommuneCode2025: undefined,
  householdHeadName: undefined,
  householdHeadId: undefined,
  relationshipToHead: 'Con',
  fatherName: 'Nguyễn Văn Nam',
  fatherId: undefined,
  motherName: 'Trần Thị Lan',
  motherId: undefined,
  spouseName: undefined,
  spouseId: undefined,
  phone: undefined,
  email: undefined,
};

describe('near-collisions are not merged automatically', () => {
  it.each([
    ['a twin with another given name', { fullName: 'Nguyễn Văn Dũng' }],
    ['a twin whose given name is one letter away', { fullName: 'Nguyễn Văn Hưng' }],
    ['a twin one edit away', { fullName: 'Nguyễn Văn Hùn' }],
  ])('%s', (_, change) => {
    const twin = { ...base, ...change };
    const { score, levels } = scoreMatch(twin, base);
    expect(decide(score, levels)).not.toBe('match');
  });

  it('a father and his son of the same name', () => {
    const father = {
      ...base,
      fullName: 'Nguyễn Văn Nam',
      dateOfBirth: '1984-02-11',
      fatherName: 'Nguyễn Văn Tài',
      motherName: 'Lê Thị Hoa',
    };
    const son = { ...base, fullName: 'Nguyễn Văn Nam' };
    const { score, levels } = scoreMatch(son, father);
    expect(decide(score, levels)).toBe('distinct');
  });

  it('a stranger with the same name and birth date, other parents and places', () => {
    const stranger = {
      ...base,
      birthRegistrationPlace: 'Phường Hội Thương, Thành phố Pleiku, Tỉnh Gia Lai',
      hometown: 'Xã Hoài Ân, Huyện Hoài Nhơn, Tỉnh Bình Định',
      fatherName: 'Nguyễn Văn Bình',
      motherName: 'Phạm Thị Mai',
    };
    const { score, levels } = scoreMatch(stranger, base);
    expect(decide(score, levels)).toBe('distinct');
  });

  it('two different personal IDs at most go to review', () => {
    const a = { ...base, personalId: '064212000001' };
    const b = { ...base, personalId: '064212777777' };
    const { levels } = scoreMatch(a, b);
    expect(decide(LINK_THRESHOLDS.upper + 50, levels)).toBe('review');
  });

  it('links a record with a valid ID to the same person held without one', () => {
    const held = { ...base, personalId: undefined };
    const incoming = { ...base, personalId: '064212123456', fullName: 'Nguyen Van Hung' };
    const result = linkRecord(incoming, [{ personKey: 'nk:held', record: held }]);
    expect(result).toMatchObject({ decision: 'match', candidates: 1, best: { personKey: 'nk:held' } });
  });
});

describe('linkRecord', () => {
  it('picks the best candidate, scores each person once, breaks ties by person key', () => {
    const sibling = { ...base, fullName: 'Nguyễn Văn Dũng', dateOfBirth: '2014-09-02' };
    const result = linkRecord({ ...base, fullName: 'Nguyen Van Hung' }, [
      { personKey: 'nk:b', record: base },
      { personKey: 'nk:s', record: sibling },
      { personKey: 'nk:a', record: base },
      { personKey: 'nk:b', record: base },
    ]);
    expect(result.candidates).toBe(3);
    expect(result.best?.personKey).toBe('nk:a');
    expect(result.best?.reasons[0]).toMatch(/^\w+ \w+ [+-]\d+\.\d$/);
  });

  it('never proposes a person a reviewer kept apart', () => {
    const result = linkRecord(
      { ...base, fullName: 'Nguyen Van Hung' },
      [{ personKey: 'nk:a', record: base }],
      {
        keptApart: new Set(['nk:a']),
      },
    );
    expect(result).toEqual({ decision: 'distinct', candidates: 0 });
  });

  it('is distinct without candidates', () => {
    expect(linkRecord(base, [])).toEqual({ decision: 'distinct', candidates: 0 });
  });
});

describe('review items', () => {
  it('hold both person keys, the score and the reasons, and lay the records side by side', () => {
    const incoming = { ...base, fullName: 'Nguyễn Văn Hưng', personalId: undefined };
    const result = linkRecord(incoming, [{ personKey: 'nk:held', record: base }]);
    expect(result.decision).toBe('review');
    const best = result.best as NonNullable<typeof result.best>;
    const origin = { batchId: 'b1', row: 7, agencyCode: 'CA-PLEIKU' };
    const subject = {
      origin,
      personKey: 'nk:incoming',
      record: incoming,
      candidatePersonKey: 'nk:held',
      match: best,
    };
    const item = reviewItem({ ...subject, candidate: { record: base, agencyCode: 'CA-PLEIKU' } });
    expect(item).toMatchObject({
      id: 'b1.7',
      agencyCode: 'CA-PLEIKU',
      personKey: 'nk:incoming',
      candidatePersonKey: 'nk:held',
      score: Math.round(best.score * 100) / 100,
    });
    expect(item.reasons.join(' ')).toMatch(/fullName givenTypo/);
    expect(item.fields[0]).toEqual({
      field: 'fullName',
      incoming: 'Nguyễn Văn Hưng',
      held: 'Nguyễn Văn Hùng',
      level: 'givenTypo',
    });
    expect(sideBySide(incoming, base, best)).toEqual(item.fields);
    // another agency's person: its names by their initials, its places left out
    const masked = reviewItem({ ...subject, candidate: { record: base, agencyCode: 'CA-KONTUM' } });
    expect(masked.fields[0]?.held).not.toContain('Hùng');
    expect(masked.fields.find((field) => field.field === 'hometown')?.held).toBe('***');
  });
});
