import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkPages } from '#batch/check-batch.ts';
import type { RowOutcome } from '#batch/ledger.ts';
import { type BatchFormat, openBatch } from '#batch/read-batch.ts';
import { isRowCode } from '#domain/errors.ts';
import { FIELD_NAMES, type RawRow } from '#domain/fields.ts';
import { normalizeText } from '#domain/normalize.ts';
import { checkPersonalId, decodePersonalId } from '#domain/personal-id.ts';
import { findCommune } from '#domain/reference.ts';
import { type ValidationContext, validateRow } from '#domain/validate.ts';
import { cellsInFieldOrder, TRUTH_CSV_HEADER, truthCsvLine } from '../../tools/synthetic/encode.ts';
import { CORE_FAULT_KINDS, FAULT_KINDS } from '../../tools/synthetic/faults.ts';
import { generateRows, type RowTruth } from '../../tools/synthetic/generator.ts';
import { GIA_LAI_COMMUNES } from '../../tools/synthetic/places.ts';
import { type BatchOptions, buildBatch, writeBatch } from '../../tools/synthetic/write.ts';
import { testKeyer } from '../fakes/keyer.ts';

// after the default asOf (2025-12-31) and before the future-date faults (2050 on)
const CONTEXT: ValidationContext = { today: '2026-06-30' };

async function check(bytes: Buffer, format: BatchFormat): Promise<RowOutcome[]> {
  const batch = await openBatch(Readable.from([bytes]), format);
  const outcomes: RowOutcome[] = [];
  for await (const page of checkPages(batch.pages, CONTEXT, testKeyer)) outcomes.push(...page);
  return outcomes;
}

/** Row by row: outcome, row codes and person key as the checker reports them, against the ground truth. */
function mismatches(outcomes: RowOutcome[], truth: RowTruth[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < Math.max(outcomes.length, truth.length); i++) {
    const got = outcomes[i];
    const want = truth[i];
    const gotLine = got
      ? `${got.row} ${got.outcome} [${got.issues
          .filter((issue) => isRowCode(issue.code))
          .map((issue) => issue.code)
          .join(';')}] ${got.personKey ?? '-'}`
      : 'missing';
    const wantLine = want
      ? `${want.row} ${want.outcome} [${want.codes.join(';')}] ${want.identity ? testKeyer.seal(want.identity) : '-'}`
      : 'missing';
    if (gotLine !== wantLine) {
      found.push(`got ${gotLine}; want ${wantLine} (${want?.fault ?? want?.repeat ?? 'new'})`);
    }
  }
  return found;
}

/** Generates a batch, checks it (gzipped first with `gzip`) and expects exactly the ground truth. */
async function expectCheckerAgrees(options: BatchOptions, { gzip = false } = {}): Promise<RowTruth[]> {
  const { bytes, truth } = buildBatch(options);
  const outcomes = await check(gzip ? gzipSync(bytes) : bytes, options.format ?? 'csv');
  expect(outcomes).toHaveLength(options.rows);
  expect(mismatches(outcomes, truth).slice(0, 10)).toEqual([]);
  return truth;
}

const counts = (truth: RowTruth[], key: (t: RowTruth) => string | undefined) => {
  const out: Record<string, number> = {};
  for (const t of truth) {
    const k = key(t);
    if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};

describe('synthetic DC01 batches', () => {
  it('gives the same bytes and truth for the same seed, and other bytes for another seed', () => {
    const options = { rows: 2000, seed: 42, errorRate: 0.1, duplicateRate: 0.1 };
    const a = buildBatch(options);
    const b = buildBatch(options);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.truth).toEqual(b.truth);
    expect(buildBatch({ ...options, seed: 43 }).bytes.equals(a.bytes)).toBe(false);
    // the encoding does not change what is generated
    expect(buildBatch({ ...options, format: 'ndjson' }).truth).toEqual(a.truth);
  });

  it('streams the same bytes as it builds in memory, and the truth as CSV', async () => {
    const options: BatchOptions = { rows: 3000, seed: 'stream', errorRate: 0.1, duplicateRate: 0.1 };
    const collect = (stream: PassThrough) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      return () => Buffer.concat(chunks);
    };
    const out = new PassThrough();
    const truthOut = new PassThrough();
    const bytes = collect(out);
    const truthBytes = collect(truthOut);
    const summary = await writeBatch(out, options, truthOut);
    const built = buildBatch(options);
    expect(bytes().equals(built.bytes)).toBe(true);
    expect(summary).toEqual(built.summary);
    expect(summary.bytes).toBe(built.bytes.length);
    const truthLines = truthBytes().toString('utf8').trimEnd().split('\n');
    expect(truthLines[0]).toBe(TRUTH_CSV_HEADER);
    expect(truthLines.slice(1)).toEqual(built.truth.map(truthCsvLine));
  });

  it('gives persons valid personal IDs that agree with sex and birth date, unique per person', () => {
    const ids = new Set<string>();
    let persons = 0;
    let withoutId = 0;
    let giaLai = 0;
    for (const { values, truth } of generateRows({
      rows: 20_000,
      seed: 7,
      errorRate: 0,
      duplicateRate: 0.1,
    })) {
      const result = validateRow(values, CONTEXT);
      expect(result.issues).toEqual([]);
      if (truth.outcome !== 'new') continue;
      persons += 1;
      const id = result.record?.personalId;
      expect(id).toBe(truth.personalId);
      if (!id || !result.record) {
        withoutId += 1;
        expect(truth.identity).toMatch(/^nk:/);
        continue;
      }
      expect(truth.identity).toBe(`id:${id}`);
      const birthYear = Number(result.record.dateOfBirth.slice(0, 4));
      expect(checkPersonalId(id, 'personal_id', { sex: result.record.sex, birthYear })).toEqual([]);
      expect(ids.has(id)).toBe(false);
      ids.add(id);
      if (decodePersonalId(id)?.placeCode === '064') giaLai += 1;
    }
    expect(withoutId / persons).toBeGreaterThan(0.02);
    expect(withoutId / persons).toBeLessThan(0.08);
    expect(giaLai / ids.size).toBeGreaterThan(0.7);
  });

  it('writes values in NFC that normalisation leaves as they are, apart from the deliberate stray spaces', () => {
    let noisy = 0;
    for (const { values } of generateRows({ rows: 5000, seed: 11, errorRate: 0, duplicateRate: 0.1 })) {
      for (const value of Object.values(values)) {
        if (value === undefined) continue;
        expect(value.normalize('NFC')).toBe(value);
        if (normalizeText(value) !== value) noisy += 1;
      }
    }
    expect(noisy).toBeGreaterThan(0);
    expect(noisy).toBeLessThan(5000 * 2);
  });

  it('the checker reports exactly the ground truth for every row of a CSV batch', async () => {
    const truth = await expectCheckerAgrees({ rows: 5000, seed: 2024, errorRate: 0.15, duplicateRate: 0.15 });
    const outcomes = counts(truth, (t) => t.outcome);
    for (const outcome of ['new', 'duplicate', 'updated', 'conflict', 'rejected']) {
      expect(outcomes[outcome], outcome).toBeGreaterThan(0);
    }
    const faults = counts(truth, (t) => t.fault);
    for (const kind of CORE_FAULT_KINDS) expect(faults[kind], kind).toBeGreaterThan(0);
    expect(counts(truth, (t) => t.repeat).recollected).toBeGreaterThan(0);
  });

  it('the checker reports exactly the ground truth for an NDJSON batch', async () => {
    await expectCheckerAgrees({
      rows: 5000,
      seed: 'ndjson',
      errorRate: 0.15,
      duplicateRate: 0.15,
      format: 'ndjson',
    });
  });

  it('the checker reports exactly the ground truth for a ;-delimited CSV with Vietnamese headers, BOM and CRLF', async () => {
    const options: BatchOptions = {
      rows: 5000,
      seed: 'vi',
      errorRate: 0.15,
      duplicateRate: 0.15,
      delimiter: ';',
      header: 'vi',
      bom: true,
      lineEnding: '\r\n',
      blankLineRate: 0.01,
      shuffleColumns: true,
    };
    const { text } = buildBatch(options);
    expect(text.startsWith('\ufeff')).toBe(true);
    expect(text).toContain('Ngày, tháng, năm sinh;');
    await expectCheckerAgrees(options);
  });

  it('the checker reports exactly the ground truth for a gzipped tab-delimited CSV', async () => {
    await expectCheckerAgrees(
      { rows: 3000, seed: 'tab', errorRate: 0.15, duplicateRate: 0.15, delimiter: '\t' },
      { gzip: true },
    );
  });

  it.each(FAULT_KINDS)('a %s fault gives exactly that code', async (kind) => {
    const truth = await expectCheckerAgrees({
      rows: 300,
      seed: kind,
      errorRate: 1,
      duplicateRate: 0.2,
      faults: [kind],
    });
    expect(truth.every((t) => t.outcome === 'rejected' && t.codes.join() === kind)).toBe(true);
  });

  it('draws the Gia Lai mix of ethnic groups and surnames', () => {
    const rows = [...generateRows({ rows: 20_000, seed: 3, errorRate: 0, duplicateRate: 0 })];
    const records = rows.map(({ values }) => validateRow(values, CONTEXT).record);
    const share = (test: (ethnicity: string) => boolean) =>
      records.filter((r) => r && test(r.ethnicityCode)).length / records.length;
    expect(share((e) => e === '01')).toBeGreaterThan(0.48);
    expect(share((e) => e === '01')).toBeLessThan(0.6);
    expect(share((e) => e === '10')).toBeGreaterThan(0.25);
    expect(share((e) => e === '10')).toBeLessThan(0.36);
    expect(share((e) => e === '13')).toBeGreaterThan(0.09);
    expect(share((e) => e === '13')).toBeLessThan(0.16);
    const kinh = records.filter((r) => r?.ethnicityCode === '01');
    const nguyen = kinh.filter((r) => r?.fullName.startsWith('Nguyễn ')).length / kinh.length;
    expect(nguyen).toBeGreaterThan(0.32);
    expect(nguyen).toBeLessThan(0.44);
  });

  it('reads cells in FIELD_NAMES order, and knows every commune it writes', () => {
    const row = Object.fromEntries(FIELD_NAMES.map((name) => [name, `v-${name}`])) as RawRow;
    expect(cellsInFieldOrder(row)).toEqual(FIELD_NAMES.map((name) => `v-${name}`));
    for (const commune of GIA_LAI_COMMUNES) {
      expect(findCommune(commune.code), commune.code).toBeDefined();
      if (commune.successor) expect(findCommune(commune.successor.code)?.vintage).toBe(2025);
    }
  });
});
