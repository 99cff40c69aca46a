import { describe, expect, it } from 'vitest';
import { filingKeys } from '../../shared/linkage/blocking.ts';
import { linkRecord } from '../../shared/linkage/link.ts';
import {
  bestInPartition,
  bestOverall,
  MAX_GROUP,
  type PassCandidate,
  type PassLine,
  type PassPerson,
  partitionOf,
  passLines,
  personOfLine,
  ranksBefore,
} from '../../shared/linkage/pass.ts';
import { LINK_THRESHOLDS, scoreBelow, scoreMatch } from '../../shared/linkage/score.ts';
import { generateLinkageRegister } from '../../tools/synthetic/linkage.ts';
import { keyOf } from '../fakes/keyer.ts';
import { PERSON } from '../fixtures/person.ts';

// a register as exact keys leave it: one person per key, the first record of each
const rows = generateLinkageRegister({ rows: 2500, seed: 'pass-test', duplicateRate: 0.25 });
const persons: PassPerson[] = [
  ...new Map(rows.map((row) => [keyOf(row.record), { key: keyOf(row.record), record: row.record }])).values(),
].reverse();

/** The pass as its steps run it: lines into partitions, each partition's best, the best overall. */
function runPass(of: PassPerson[], partitions: number): PassCandidate[] {
  const byPartition: PassLine[][] = Array.from({ length: partitions }, () => []);
  for (const person of of)
    for (const line of passLines(person)) byPartition[partitionOf(line[0], partitions)]?.push(line);
  // a candidate line goes through JSON between the steps
  const found = byPartition.flatMap((lines) => JSON.parse(JSON.stringify(bestInPartition(lines))));
  return bestOverall(found);
}

describe('the link pass (shared/linkage/pass.ts)', () => {
  it('spreads keys over partitions, the same in every process', () => {
    const counts = new Array(8).fill(0);
    for (const person of persons) for (const [key] of passLines(person)) counts[partitionOf(key, 8)]++;
    const mean = counts.reduce((a, b) => a + b, 0) / 8;
    for (const count of counts) expect(Math.abs(count - mean) / mean).toBeLessThan(0.15);
    expect(partitionOf('bg:abcdefghijklmnop', 16)).toBe(partitionOf('bg:abcdefghijklmnop', 16));
    expect(partitionOf('', 5)).toBeLessThan(5);
  });

  it('ranks persons with an ID first, then by key, so merges point one way', () => {
    expect(ranksBefore('id:079090001234', 'nk:AAAA')).toBe(true);
    expect(ranksBefore('nk:AAAA', 'id:079090001234')).toBe(false);
    expect(ranksBefore('nk:AAAA', 'nk:BBBB')).toBe(true);
    expect(ranksBefore('nk:BBBB', 'nk:AAAA')).toBe(false);
    expect(ranksBefore('nk:AAAA', 'nk:AAAA')).toBe(false);
  });

  it('writes a person under every kind of blocking key, with the compared fields only', () => {
    const record = {
      ...PERSON,
      motherName: 'Trần Thị Lan',
      fatherName: 'Nguyễn Văn An',
      phone: '0912345678',
    };
    const lines = passLines({ key: 'nk:x', record, keptApart: ['id:1'] });
    expect(lines.map(([key]) => key)).toEqual(filingKeys(record, 'all'));
    expect(lines).toHaveLength(6);
    const back = personOfLine(lines[0] as PassLine);
    expect(back).toEqual({
      key: 'nk:x',
      keptApart: ['id:1'],
      record: {
        fullName: record.fullName,
        dateOfBirth: record.dateOfBirth,
        sex: record.sex,
        birthRegistrationPlace: record.birthRegistrationPlace,
        hometown: record.hometown,
        fatherName: record.fatherName,
        motherName: record.motherName,
      },
    });
    expect(JSON.stringify(lines)).not.toContain('0912345678');
  });

  it('decides for every person what linkRecord decides against the persons ranked before it that share a key', () => {
    const byKey = new Map<string, PassPerson[]>();
    for (const person of persons) {
      for (const key of filingKeys(person.record, 'all')) byKey.set(key, [...(byKey.get(key) ?? []), person]);
    }
    const expected: PassCandidate[] = [];
    for (const person of persons) {
      const candidates = filingKeys(person.record, 'all')
        .flatMap((key) => byKey.get(key) ?? [])
        .filter((other) => ranksBefore(other.key, person.key))
        .map((other) => ({ personKey: other.key, record: other.record }));
      const { decision, best } = linkRecord(person.record, candidates);
      if (decision !== 'distinct' && best)
        expected.push({ person: person.key, candidate: best.personKey, score: best.score, decision });
    }
    expected.sort((a, b) => (a.person < b.person ? -1 : 1));
    expect(expected.length).toBeGreaterThan(300);
    // the same over any number of partitions: a person's keys fall in several, and the best overall is kept
    expect(runPass(persons, 1)).toEqual(expected);
    expect(runPass(persons, 7)).toEqual(expected);
  });

  it('never proposes two persons a reviewer kept apart, and never a person to itself or to one ranked after it', () => {
    const found = runPass(persons, 3);
    const match = found.find((candidate) => candidate.decision === 'match') as PassCandidate;
    for (const candidate of found) {
      expect(candidate.person).not.toBe(candidate.candidate);
      expect(ranksBefore(candidate.candidate, candidate.person)).toBe(true);
    }
    const kept = persons.map((person) =>
      person.key === match.person ? { ...person, keptApart: [match.candidate] } : person,
    );
    const again = runPass(kept, 3).find((candidate) => candidate.person === match.person);
    expect(again?.candidate).not.toBe(match.candidate);
  });

  it('leaves out a key that files a crowd (a placeholder birthday), and still pairs a small group', () => {
    const crowd = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `nk:${String(i).padStart(5, '0')}`, record: PERSON }));
    expect(bestInPartition(crowd(3).flatMap((p) => passLines(p))).map((c) => c.candidate)).toEqual([
      'nk:00000',
      'nk:00000',
    ]);
    expect(bestInPartition(crowd(MAX_GROUP + 1).flatMap((p) => passLines(p)))).toEqual([]);
  });

  it('keeps the higher score, then the smaller candidate key, whatever the order', () => {
    const a = { person: 'nk:z', candidate: 'nk:b', score: 10, decision: 'review' } as const;
    const b = { person: 'nk:z', candidate: 'nk:a', score: 10, decision: 'review' } as const;
    const c = { person: 'nk:z', candidate: 'nk:c', score: 16, decision: 'match' } as const;
    expect(bestOverall([a, b])).toEqual([b]);
    expect(bestOverall([b, a])).toEqual([b]);
    expect(bestOverall([a, c, b])).toEqual([c]);
  });
});

describe('scoreBelow: the bound the pass checks before scoring a pair', () => {
  it('says a pair scores below the floor only when it does, and spares most pairs of one family name and birthday', () => {
    const records = persons.map((person) => person.record);
    let below = 0;
    let pairs = 0;
    for (let i = 0; i < records.length; i += 3) {
      for (let j = 1; j <= 40; j++) {
        const a = records[i] as (typeof records)[number];
        // a pair of the same family name, sex and date, as a large familyDate group holds them
        const b = {
          ...(records[(i + j) % records.length] as typeof a),
          dateOfBirth: a.dateOfBirth,
          sex: a.sex,
        };
        for (const floor of [LINK_THRESHOLDS.lower, LINK_THRESHOLDS.upper]) {
          pairs++;
          if (!scoreBelow(a, b, floor)) continue;
          below++;
          expect(scoreMatch(a, b).score, `${a.fullName} / ${b.fullName}`).toBeLessThan(floor);
        }
      }
    }
    expect(below / pairs).toBeGreaterThan(0.5);
  });
});
