// Why an accepted row is not new, as the report says it: bilingual, with the fields and the earlier form named,
// never a value; and the content digest that tells the same form again.
import { describe, expect, it } from 'vitest';
import { LedgerTally, outcomeCsvLine } from '#batch/ledger.ts';
import {
  describeIssue,
  isOutcomeCode,
  isRowCode,
  OUTCOME_CODE_IDS,
  OUTCOME_CODES,
  outcomeNote,
  ROW_CODES,
} from '#domain/errors.ts';
import { formDigest, identityDifferences } from '#domain/identity.ts';
import { PERSON } from '../fixtures/person.ts';

describe('outcome codes', () => {
  it('each has a Vietnamese and an English message, and none is a row error code', () => {
    for (const [code, message] of Object.entries(OUTCOME_CODES)) {
      expect(message.vi.length, code).toBeGreaterThan(10);
      expect(message.en.length, code).toBeGreaterThan(10);
      expect(message.vi, code).not.toBe(message.en);
      expect(isRowCode(code), code).toBe(false);
      expect(Object.hasOwn(ROW_CODES, code)).toBe(false);
    }
    expect(isRowCode('DATE_INVALID')).toBe(true);
  });

  it('are listed by id exactly as the message table holds them, so the split counts codes without the table', () => {
    expect(Object.keys(OUTCOME_CODES)).toEqual([...OUTCOME_CODE_IDS]);
    for (const code of OUTCOME_CODE_IDS) expect(isOutcomeCode(code)).toBe(true);
    for (const code of Object.keys(ROW_CODES)) expect(isOutcomeCode(code), code).toBe(false);
  });

  it('names a row of this file, a batch and row of the same agency, or only another agency', () => {
    const same = describeIssue(outcomeNote('SAME_FORM', { against: { row: 5 } }));
    expect(same).toBe(
      `${OUTCOME_CODES.SAME_FORM.vi} (so với dòng 5 của tệp này) / ${OUTCOME_CODES.SAME_FORM.en} (compared with row 5 of this file)`,
    );
    expect(describeIssue(outcomeNote('SAME_FORM', { against: { batchId: 'B0', row: 9 } }))).toContain(
      'compared with row 9 of batch B0',
    );
    const other = describeIssue(outcomeNote('NOTHING_NEW', { against: { otherAgency: true } }));
    expect(other).toContain('so với một lô của đơn vị khác');
    expect(other).toContain('compared with a batch of another agency');
    expect(describeIssue(outcomeNote('FIELDS_UPDATED', { against: { merged: true } }))).toContain(
      'compared with a merge of two persons',
    );
    // with no earlier form kept, the record as held is what it was compared with
    expect(describeIssue(outcomeNote('FIELDS_UPDATED', { fields: ['phone'] }))).toContain(
      "(fields: phone; compared with the person's record as held)",
    );
  });

  it('lists the fields concerned by their ids, and the person linkage met with its score', () => {
    const conflict = describeIssue(
      outcomeNote('IDENTITY_CONFLICT', { fields: ['fullName', 'dateOfBirth'], against: { row: 1 } }),
    );
    expect(conflict).toContain('(trường: fullName, dateOfBirth; so với dòng 1 của tệp này)');
    expect(conflict).toContain('(fields: fullName, dateOfBirth; compared with row 1 of this file)');
    const linked = describeIssue(outcomeNote('PERSON_LINKED', { person: 'p1:nk:K', score: 17.26 }));
    expect(linked).toContain('(người p1:nk:K, điểm 17.3)');
    expect(linked).toContain('(person p1:nk:K, score 17.3 bits)');
  });

  it('are not counted as errors, and a linked row names its person once', () => {
    const tally = new LedgerTally();
    const issues = [
      outcomeNote('PERSON_LINKED', { person: 'p1:nk:K', score: 17 }),
      outcomeNote('FIELDS_UPDATED', { fields: ['phone'], against: { row: 2 } }),
    ];
    const row = {
      row: 3,
      outcome: 'updated' as const,
      personKey: 'p1:nk:K',
      issues,
      link: { personKey: 'p1:nk:K', score: 17 },
    };
    tally.add(row);
    tally.add({ row: 4, outcome: 'rejected', issues: [{ code: 'DATE_INVALID' }] });
    expect(tally.errorsByCode).toEqual({ DATE_INVALID: 1 });
    const line = outcomeCsvLine(row);
    expect(line).toContain(',PERSON_LINKED;FIELDS_UPDATED,');
    // the key column, then the message once in each language: not a second time from `link`
    expect(line.split('p1:nk:K').length - 1).toBe(3);
  });
});

describe('formDigest', () => {
  it('is the same for the same content whatever the form serial, and differs on any field', () => {
    const digest = formDigest(PERSON);
    expect(digest).toMatch(/^[\w-]{8}$/);
    expect(formDigest({ ...PERSON, formId: 'DC01-64-000123' })).toBe(digest);
    expect(formDigest({ ...PERSON, phone: '0912345678' })).not.toBe(digest);
    expect(formDigest({ ...PERSON, currentAddress: 'An Khê' })).not.toBe(digest);
    // a field left empty is not the same content as a field stated
    expect(formDigest({ ...PERSON, religion: '' })).not.toBe(digest);
  });
});

describe('identityDifferences', () => {
  it('names the identity fields that differ, a name by its normalised form', () => {
    expect(identityDifferences(PERSON, { ...PERSON, fullName: 'nguyễn  văn hùng' })).toEqual([]);
    expect(identityDifferences(PERSON, { ...PERSON, fullName: 'Trần Văn Bình', sex: 'female' })).toEqual([
      'fullName',
      'sex',
    ]);
    expect(identityDifferences(PERSON, { ...PERSON, dateOfBirth: '1991-03-12' })).toEqual(['dateOfBirth']);
  });
});
