// Correction forms (DC02, issue 19) against a generated register, with their ground truth: for each row, the outcome
// and code the pipeline must give it. The register is a generated DC01 batch; only its persons with one row (and a
// personal ID) are corrected, so what it holds of each is that row read by DC01's rules. Each kind below makes rows
// whose outcome follows from that alone; a `chained` person gets two rows, the second correcting what the first
// wrote, which must both apply in row order.
import Papa from 'papaparse';
import type { CorrectionCode } from '../../shared/corrections/correction.ts';
import { type ValidationContext, validateRow } from '../../shared/domain/validate.ts';
import type { SyntheticRow } from './generator.ts';
import { Rng } from './rng.ts';

export const CORRECTION_KINDS = [
  'address',
  'phone',
  'chained',
  'name',
  'mismatch',
  'unknown_person',
  'no_change',
  'invalid_phone',
  'sex_against_id',
  'bad_reason',
  'no_evidence',
  'unknown_field',
] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];

export interface CorrectionTruth {
  row: number;
  kind: CorrectionKind;
  outcome: 'applied' | 'pending_approval' | 'rejected';
  code?: CorrectionCode;
  /** the person's personal ID */
  personalId: string;
  /** the record key the row changes, and the value it must hold after (applied rows) */
  field: string;
  after?: string;
}

export interface CorrectionBatch {
  text: string;
  bytes: Buffer;
  truth: CorrectionTruth[];
}

const HEADER = ['personal_id', 'field', 'old_value', 'new_value', 'reason', 'evidence_ref', 'form_id'];

/**
 * `count` correction rows (about: a chained person gives two) about the persons of `rows` that have a personal ID,
 * each person corrected once, the kinds drawn evenly.
 */
export function buildCorrections(
  rows: readonly SyntheticRow[],
  options: {
    count: number;
    seed?: number | string;
    today: string;
    /** the kinds drawn, in turn (default: every kind) */
    kinds?: readonly CorrectionKind[];
  },
): CorrectionBatch {
  const kinds = options.kinds ?? CORRECTION_KINDS;
  const rng = new Rng(options.seed ?? 1, 'corrections');
  const context: ValidationContext = { today: options.today };
  // a person with one row only: the register holds that row, whatever else the batch did
  const rowsOf = new Map<number, number>();
  for (const row of rows) rowsOf.set(row.truth.person, (rowsOf.get(row.truth.person) ?? 0) + 1);
  const held = rows.flatMap((row) => {
    if (row.truth.outcome !== 'new' || !row.truth.personalId || rowsOf.get(row.truth.person) !== 1) return [];
    const result = validateRow(row.values, context);
    return result.ok ? [{ values: row.values, record: result.record, personalId: row.truth.personalId }] : [];
  });
  const ids = new Set(held.map((person) => person.personalId));
  const lines: string[][] = [];
  const truth: CorrectionTruth[] = [];
  const add = (cells: string[], expected: Omit<CorrectionTruth, 'row'>) => {
    lines.push(cells);
    truth.push({ row: lines.length, ...expected });
  };
  const evidence = () => `QD-${rng.digits(6)}`;
  for (let i = 0; i < options.count && i < held.length; i++) {
    const person = held[i] as (typeof held)[number];
    const { values, record, personalId } = person;
    const kind = kinds[i % kinds.length] as CorrectionKind;
    const address = values.current_address ?? '';
    const newAddress = `Số ${rng.int(200) + 1} đường Trần Phú, tổ ${rng.int(20) + 1}`;
    const newPhone = `09${rng.digits(8)}`;
    const row = (
      field: string,
      oldValue: string,
      newValue: string,
      reason = 'collection_error',
      ref = evidence(),
    ) => [personalId, field, oldValue, newValue, reason, ref, `DC02-${rng.digits(6)}`];
    const base = { kind, personalId };
    switch (kind) {
      case 'address':
        add(row('current_address', address, newAddress), {
          ...base,
          outcome: 'applied',
          field: 'currentAddress',
          after: newAddress,
        });
        break;
      case 'phone':
        // a phone as a form writes it: +84 and spaces read as the held form
        add(row('phone', values.phone ?? '', `+84 ${newPhone.slice(1, 4)} ${newPhone.slice(4)}`), {
          ...base,
          outcome: 'applied',
          field: 'phone',
          after: newPhone,
        });
        break;
      case 'chained': {
        const next = `${newAddress}, lần 2`;
        add(row('Nơi ở hiện tại', address, newAddress, 'civil_registration'), {
          ...base,
          outcome: 'applied',
          field: 'currentAddress',
          after: newAddress,
        });
        add(row('current_address', newAddress, next), {
          ...base,
          outcome: 'applied',
          field: 'currentAddress',
          after: next,
        });
        break;
      }
      case 'name':
        add(row('full_name', values.full_name ?? '', `${record.fullName} Anh`, 'court_decision'), {
          ...base,
          outcome: 'pending_approval',
          field: 'fullName',
        });
        break;
      case 'mismatch':
        add(row('current_address', `${address} (cũ)`, newAddress), {
          ...base,
          outcome: 'rejected',
          code: 'CORRECTION_OLD_VALUE_MISMATCH',
          field: 'currentAddress',
        });
        break;
      case 'unknown_person': {
        let other = personalId;
        while (ids.has(other)) other = `${personalId.slice(0, 6)}${rng.digits(6)}`;
        add([other, ...row('current_address', address, newAddress).slice(1)], {
          kind,
          personalId: other,
          outcome: 'rejected',
          code: 'CORRECTION_PERSON_UNKNOWN',
          field: 'currentAddress',
        });
        break;
      }
      case 'no_change':
        add(row('current_address', address, address), {
          ...base,
          outcome: 'rejected',
          code: 'CORRECTION_NO_CHANGE',
          field: 'currentAddress',
        });
        break;
      case 'invalid_phone':
        add(row('phone', values.phone ?? '', 'không có'), {
          ...base,
          outcome: 'rejected',
          code: 'CORRECTION_NEW_VALUE_INVALID',
          field: 'phone',
        });
        break;
      case 'sex_against_id':
        // the ID's digits say the sex: changing it alone contradicts them
        add(row('sex', values.sex ?? '', record.sex === 'male' ? 'Nữ' : 'Nam', 'civil_registration'), {
          ...base,
          outcome: 'rejected',
          code: 'CORRECTION_NEW_VALUE_INVALID',
          field: 'sex',
        });
        break;
      case 'bad_reason':
        add(row('current_address', address, newAddress, 'because'), {
          ...base,
          outcome: 'rejected',
          code: 'CORRECTION_REASON_INVALID',
          field: 'currentAddress',
        });
        break;
      case 'no_evidence':
        add(row('current_address', address, newAddress, 'other', ''), {
          ...base,
          outcome: 'rejected',
          code: 'CORRECTION_EVIDENCE_MISSING',
          field: 'currentAddress',
        });
        break;
      case 'unknown_field':
        add(row('shoe_size', '40', '41'), {
          ...base,
          outcome: 'rejected',
          code: 'CORRECTION_FIELD_UNKNOWN',
          field: 'shoe_size',
        });
        break;
    }
  }
  const text = `${Papa.unparse({ fields: HEADER, data: lines }, { newline: '\n' })}\n`;
  return { text, bytes: Buffer.from(text, 'utf8'), truth };
}
