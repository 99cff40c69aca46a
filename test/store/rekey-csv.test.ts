// Re-keying an old report (shared/store/rekey-csv.ts): the key columns and the person a message names are sealed,
// every other byte stays, however the text arrives in chunks.
import { describe, expect, it } from 'vitest';
import { OUTCOMES_CSV_HEADER, outcomeCsvLine, REVIEW_CSV_HEADER, reviewCsvLine } from '#batch/ledger.ts';
import { personKeys } from '../../shared/keys.ts';
import { ReportSealer, sealReport } from '../../shared/store/rekey-csv.ts';
import { testKeyer } from '../fakes/keyer.ts';

const byId = personKeys.identityById('064190123456');
const byDigest = personKeys.identityByDigest('AbCdEfGhIjKlMnOpQrSt_-');
const LEGACY = /(?:id:\d{12}|nk:[A-Za-z0-9_-]{22})/g;

/** A report as the ledger writes it, under the keys `key` gives each identity. */
function outcomes(key: (identity: string) => string): string {
  return `${[
    OUTCOMES_CSV_HEADER,
    outcomeCsvLine({ row: 1, outcome: 'new', personKey: key(byId), issues: [] }),
    outcomeCsvLine({
      row: 2,
      formId: 'F,2 "quoted"',
      outcome: 'duplicate',
      personKey: key(byDigest),
      issues: [],
      link: { personKey: key(byDigest), score: 21.34 },
    }),
    outcomeCsvLine({
      row: 3,
      outcome: 'probable_duplicate',
      personKey: key(byDigest),
      issues: [],
      link: { personKey: key(byId), score: 9.5 },
    }),
    outcomeCsvLine({ row: 4, formId: 'multi\nline', outcome: 'rejected', issues: [] }),
  ].join('\n')}\n`;
}

async function sealed(text: string, chunkSize: number): Promise<{ text: string; keys: number }> {
  const sealer = new ReportSealer(testKeyer);
  async function* chunks() {
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  let out = '';
  for await (const part of sealReport(chunks(), sealer)) out += part;
  return { text: out, keys: sealer.sealed };
}

describe('sealing an old report', () => {
  it('gives what the ledger writes today for the same rows, in chunks of any size', async () => {
    const legacy = outcomes((identity) => identity);
    const today = outcomes((identity) => testKeyer.seal(identity));
    // a key per row, and a linked row's message names its person twice (Vietnamese, English)
    expect(legacy.match(LEGACY)?.length).toBe(7);
    for (const size of [1, 3, 7, 64, 100_000]) {
      const result = await sealed(legacy, size);
      expect(result.text).toBe(today);
      expect(result.keys).toBe(7);
    }
  });

  it('seals review.csv’s pair of keys', async () => {
    const line = (key: (identity: string) => string) =>
      reviewCsvLine({
        row: 3,
        outcome: 'probable_duplicate',
        personKey: key(byDigest),
        issues: [],
        link: { personKey: key(byId), score: 9.5, review: { id: 'b.3', reasons: ['name +4'], fields: [] } },
      });
    const legacy = `${REVIEW_CSV_HEADER}\r\n${line((i) => i)}\r\n`;
    const result = await sealed(legacy, 5);
    expect(result.text).toBe(`${REVIEW_CSV_HEADER}\r\n${line((i) => testKeyer.seal(i))}\r\n`);
    expect(result.keys).toBe(2);
  });

  it('writes a report with no legacy key back byte for byte, BOM and all, and counts nothing', async () => {
    const today = `\uFEFF${outcomes((identity) => testKeyer.seal(identity))}`;
    const result = await sealed(today, 5);
    expect(result).toEqual({ text: today, keys: 0 });
  });

  it('leaves legacy-looking text outside the key columns and messages alone', async () => {
    const text = `row,form_id,outcome,person_key,codes,message\n1,${byId},new,,,\n`;
    expect(await sealed(text, 4)).toEqual({ text, keys: 0 });
  });
});
