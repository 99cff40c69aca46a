// Issue 22: IDs one keystroke apart meet through variant keys sealed under the person-key secret, and a pair whose
// IDs are one keystroke apart carries a review reason of its own.
import { describe, expect, it } from 'vitest';
import { hmacKeyer } from '#domain/person-keyer.ts';
import type { PopulationRecord } from '#domain/record.ts';
import { ID_MASK_WINDOWS, idVariantKeys } from '../../shared/linkage/blocking.ts';
import { linkRecord } from '../../shared/linkage/link.ts';
import { bestInPartition, passLines } from '../../shared/linkage/pass.ts';
import { decidePair, ID_ONE_DIGIT_REASON, mergeBlockers, scoreMatch } from '../../shared/linkage/score.ts';
import { slipId, transposeId } from '../../tools/synthetic/noise.ts';
import { Rng } from '../../tools/synthetic/rng.ts';

const keyer = hmacKeyer('a test secret of at least thirty-two bytes', 1);
const other = hmacKeyer('another secret, also thirty-two bytes long', 1);
const ID = '079203012345';

const shared = (a: string, b: string) => {
  const keys = new Set(idVariantKeys(a, keyer.digest));
  return idVariantKeys(b, keyer.digest).filter((key) => keys.has(key)).length;
};

describe('idVariantKeys', () => {
  it('gives six opaque keys, none showing the ID or its digits, different under another secret', () => {
    const keys = idVariantKeys(ID, keyer.digest);
    expect(keys).toHaveLength(ID_MASK_WINDOWS.length);
    for (const key of keys) {
      expect(key).toMatch(/^bi:[A-Za-z0-9_-]{16}$/);
      expect(key).not.toContain('0123');
      expect(key).not.toContain('2030');
    }
    expect(new Set(keys).size).toBe(keys.length);
    const theirs = new Set(idVariantKeys(ID, other.digest));
    expect(keys.some((key) => theirs.has(key))).toBe(false);
  });

  it('makes no key of a missing or malformed ID', () => {
    expect(idVariantKeys(undefined, keyer.digest)).toEqual([]);
    expect(idVariantKeys('07920301234', keyer.digest)).toEqual([]);
    expect(idVariantKeys('07920301234x', keyer.digest)).toEqual([]);
  });

  it('shares a key between an ID and every one-digit substitution or neighbour transposition of it', () => {
    for (let at = 0; at < 12; at++) {
      for (let digit = 0; digit < 10; digit++) {
        const typed = ID.slice(0, at) + String(digit) + ID.slice(at + 1);
        if (typed !== ID) expect(shared(ID, typed), typed).toBeGreaterThan(0);
      }
      if (at < 11 && ID[at] !== ID[at + 1]) {
        const swapped = ID.slice(0, at) + ID[at + 1] + ID[at] + ID.slice(at + 2);
        expect(shared(ID, swapped), swapped).toBeGreaterThan(0);
      }
    }
    const rng = new Rng('id-variants');
    for (let i = 0; i < 200; i++) {
      expect(shared(ID, slipId(rng, ID))).toBeGreaterThan(0);
      expect(shared(ID, transposeId(rng, ID))).toBeGreaterThan(0);
    }
  });

  it('shares none between IDs that differ in two digits far apart', () => {
    expect(shared(ID, '179203012349')).toBe(0);
    expect(shared(ID, '079283012845')).toBe(0);
  });
});

const first: PopulationRecord = {
  formId: undefined,
  fullName: 'Nguyễn Văn Hùng',
  otherName: undefined,
  dateOfBirth: '1990-04-16',
  sex: 'male',
  personalId: ID,
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
  relationshipToHead: undefined,
  fatherName: 'Nguyễn Văn Bình',
  fatherId: undefined,
  motherName: 'Trần Thị Lan',
  motherId: undefined,
  spouseName: undefined,
  spouseId: undefined,
  phone: undefined,
  email: undefined,
};

describe('a pair whose IDs are one keystroke apart', () => {
  it('carries the reason first, and is a candidate even when the names share no blocking key', () => {
    const second = {
      ...first,
      personalId: '079203012354',
      fullName: 'Hùnh Nguyến Văb',
      dateOfBirth: '1990-04-19',
      // no father: the both-parents key would pair them too
      fatherName: undefined,
    };
    const match = scoreMatch(second, first);
    expect(match.levels.personalId).toBe('slip');
    expect(match.reasons[0]).toBe(ID_ONE_DIGIT_REASON);
    expect(ID_ONE_DIGIT_REASON).toContain('Số định danh khác một chữ số');
    expect(ID_ONE_DIGIT_REASON).toContain('ID differs by one digit');
    // the pass pairs them through the ID's variant keys alone
    const lines = [
      ...passLines({ key: 'id:b', record: second }, keyer.digest),
      ...passLines({ key: 'id:a', record: first }, keyer.digest),
    ];
    const found = bestInPartition(lines);
    expect(found.map((c) => [c.person, c.candidate])).toEqual([['id:b', 'id:a']]);
    // without the keyer no key is shared
    expect(
      bestInPartition([
        ...passLines({ key: 'id:b', record: second }),
        ...passLines({ key: 'id:a', record: first }),
      ]),
    ).toEqual([]);
  });

  it('lets a given-name slip merge when the IDs are a keystroke apart, but not consecutive numbers (twins)', () => {
    const twinLike = { ...first, fullName: 'Nguyễn Văn Hưng' };
    const typed = { ...twinLike, personalId: '079203012395' };
    const consecutive = { ...twinLike, personalId: '079203012346' };
    const typedMatch = scoreMatch(typed, first);
    expect(mergeBlockers(typedMatch.levels, { a: typed.personalId, b: first.personalId })).toEqual([]);
    expect(decidePair(typedMatch, typed, first)).toBe('match');
    const consecutiveMatch = scoreMatch(consecutive, first);
    expect(decidePair(consecutiveMatch, consecutive, first)).toBe('review');
    // the register decides the same through linkRecord
    expect(linkRecord(consecutive, [{ personKey: 'id:a', record: first }]).decision).toBe('review');
    expect(linkRecord(typed, [{ personKey: 'id:a', record: first }]).decision).toBe('match');
  });
});
