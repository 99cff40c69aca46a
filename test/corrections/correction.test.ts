// The correction domain (issue 19): what a correction row must hold, and what it does to a held record, by DC01's
// own rules (docs/corrections.md).
import { describe, expect, it } from 'vitest';
import {
  CORRECTION_CODE_IDS,
  type CorrectionRequest,
  isCorrectionHeader,
  readCorrectionRow,
} from '../../shared/corrections/correction.ts';
import { decideCorrection } from '../../shared/corrections/correction-values.ts';
import { ROW_CODES } from '../../shared/domain/errors.ts';
import { personKeys } from '../../shared/keys.ts';
import { PERSON } from '../fixtures/person.ts';

const context = { today: '2026-12-08' };
const HELD = { ...PERSON, personalId: '064090001234', phone: '0905123456' };

const request = (fields: Partial<CorrectionRequest>): CorrectionRequest => ({
  person: { personalId: HELD.personalId },
  field: 'current_address',
  oldValue: HELD.currentAddress,
  newValue: 'Phường Hoa Lư, Pleiku',
  reason: 'collection_error',
  evidenceRef: 'GL-2026-000123',
  ...fields,
});

describe('a correction file', () => {
  it('is told from a DC01 file by its field, old_value and new_value columns', () => {
    expect(
      isCorrectionHeader(['personal_id', 'Field', 'OLD_VALUE', 'new_value', 'reason', 'evidence_ref']),
    ).toBe(true);
    expect(isCorrectionHeader(['personal_id', 'full_name', 'date_of_birth'])).toBe(false);
    expect(isCorrectionHeader(['field', 'new_value'])).toBe(false);
  });
});

describe('a correction row', () => {
  const cells = {
    personal_id: '064090001234',
    field: 'current_address',
    old_value: 'Pleiku',
    new_value: 'Phường Hoa Lư, Pleiku',
    reason: 'collection_error',
    evidence_ref: 'GL-2026-000123',
  };

  it('names its person by ID or by the key of an earlier report, a DC01 field, a reason and its evidence', () => {
    expect(readCorrectionRow(cells)).toEqual({
      ok: true,
      request: request({ oldValue: 'Pleiku' }),
    });
    const key = personKeys.sealed(1, 'nk:x', 'A'.repeat(22));
    const byKey = readCorrectionRow({ ...cells, personal_id: '', person_key: key, field: 'Nơi ở hiện tại' });
    expect(byKey).toMatchObject({
      ok: true,
      request: { person: { personKey: key }, field: 'current_address' },
    });
  });

  it('is refused with a code for each thing it lacks or gets wrong', () => {
    const codes = (row: Record<string, string>) => {
      const read = readCorrectionRow(row);
      return read.ok ? [] : read.issues.map((issue) => issue.code);
    };
    expect(codes({ ...cells, personal_id: '' })).toEqual(['CORRECTION_PERSON_MISSING']);
    expect(codes({ ...cells, personal_id: '12345' })).toEqual(['CORRECTION_PERSON_INVALID']);
    expect(codes({ ...cells, personal_id: '', person_key: 'nk:legacy' })).toEqual([
      'CORRECTION_PERSON_INVALID',
    ]);
    expect(codes({ ...cells, field: 'shoe_size' })).toEqual(['CORRECTION_FIELD_UNKNOWN']);
    expect(codes({ ...cells, field: 'form_id' })).toEqual(['CORRECTION_FIELD_NOT_CORRECTABLE']);
    expect(codes({ ...cells, reason: 'because' })).toEqual(['CORRECTION_REASON_INVALID']);
    expect(codes({ ...cells, evidence_ref: ' ' })).toEqual(['CORRECTION_EVIDENCE_MISSING']);
    expect(codes({ ...cells, evidence_ref: 'x'.repeat(201) })).toEqual(['CORRECTION_EVIDENCE_MISSING']);
    expect(codes({ reason: 'other' })).toEqual([
      'CORRECTION_PERSON_MISSING',
      'CORRECTION_FIELD_UNKNOWN',
      'CORRECTION_EVIDENCE_MISSING',
    ]);
  });

  it('has a message in Vietnamese and English for every code', () => {
    for (const code of CORRECTION_CODE_IDS) {
      const { vi, en } = ROW_CODES[code];
      expect(vi, code).toMatch(/\S{2,}/);
      expect(en, code).toMatch(/^[A-Z]/);
      expect(vi).not.toBe(en);
    }
  });
});

describe('a correction against the held record', () => {
  it('applies a non-identity field at once, normalised as a form would be', () => {
    const decision = decideCorrection(
      HELD,
      request({ field: 'phone', oldValue: '0905 123 456', newValue: '+84 912 345 678' }),
      context,
    );
    expect(decision).toMatchObject({
      outcome: 'applied',
      key: 'phone',
      from: '0905123456',
      to: '0912345678',
    });
    if (decision.outcome === 'rejected') throw new Error('rejected');
    expect(decision.record).toEqual({ ...HELD, phone: '0912345678' });
  });

  it('waits for a second officer for a name, a birth date, a sex, an ID or an ethnic group', () => {
    const name = decideCorrection(
      HELD,
      request({ field: 'full_name', oldValue: HELD.fullName, newValue: 'Nguyễn Văn Hưng' }),
      context,
    );
    expect(name).toMatchObject({
      outcome: 'pending_approval',
      from: 'Nguyễn Văn Hùng',
      to: 'Nguyễn Văn Hưng',
    });
    const ethnicity = decideCorrection(
      HELD,
      request({ field: 'ethnicity', oldValue: 'Kinh', newValue: 'Gia Rai' }),
      context,
    );
    expect(ethnicity).toMatchObject({
      outcome: 'pending_approval',
      key: 'ethnicityCode',
      from: '01',
      to: '10',
    });
  });

  it('is rejected when the old value is not the value held', () => {
    const decision = decideCorrection(HELD, request({ oldValue: 'Hà Nội' }), context);
    expect(decision).toEqual({
      outcome: 'rejected',
      issue: { code: 'CORRECTION_OLD_VALUE_MISMATCH', field: 'old_value' },
    });
    // an empty old value for a field held empty matches
    expect(
      decideCorrection(HELD, request({ field: 'email', oldValue: '', newValue: 'a@b.vn' }), context),
    ).toMatchObject({
      outcome: 'applied',
      from: undefined,
      to: 'a@b.vn',
    });
  });

  it("is rejected when the new value breaks the field's rules, or another field's with it, naming the rule", () => {
    expect(
      decideCorrection(HELD, request({ field: 'phone', oldValue: '0905123456', newValue: '12' }), context),
    ).toMatchObject({
      outcome: 'rejected',
      issue: { code: 'CORRECTION_NEW_VALUE_INVALID', detail: 'PHONE_INVALID' },
    });
    // the personal ID says a man born in 1990: a woman's sex contradicts it
    const sex = decideCorrection(HELD, request({ field: 'sex', oldValue: 'Nam', newValue: 'Nữ' }), context);
    expect(sex).toMatchObject({ outcome: 'rejected', issue: { code: 'CORRECTION_NEW_VALUE_INVALID' } });
    // a required field cannot be emptied
    expect(decideCorrection(HELD, request({ newValue: '' }), context)).toMatchObject({
      outcome: 'rejected',
      issue: { code: 'CORRECTION_NEW_VALUE_INVALID', detail: 'REQUIRED_FIELD_MISSING' },
    });
  });

  it('is rejected when it changes nothing', () => {
    expect(
      decideCorrection(HELD, request({ field: 'sex', oldValue: 'Nam', newValue: 'male' }), context),
    ).toEqual({
      outcome: 'rejected',
      issue: { code: 'CORRECTION_NO_CHANGE', field: 'new_value' },
    });
  });
});
