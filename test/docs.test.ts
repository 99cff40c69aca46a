import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BATCH_CODES, OUTCOME_CODES, ROW_CODES, WARNING_CODE_IDS } from '#domain/errors.ts';
import { FIELD_NAMES } from '#domain/fields.ts';

// table cells compared with their padding folded, so a formatter may align the columns
const page = readFileSync(new URL('../docs/validation.md', import.meta.url), 'utf8').replace(/ {2,}/g, ' ');

describe('docs/validation.md', () => {
  it('lists every error code with its messages', () => {
    for (const [code, { vi, en }] of Object.entries({ ...ROW_CODES, ...BATCH_CODES })) {
      expect(page, code).toContain(`| \`${code}\` | ${vi} | ${en} |`);
    }
  });

  it('lists every outcome code with its messages', () => {
    for (const [code, { vi, en }] of Object.entries(OUTCOME_CODES)) {
      expect(page, code).toContain(`| \`${code}\` | ${vi} | ${en} |`);
    }
  });

  it('lists every warning code in its own section, with its messages', () => {
    const section = page.slice(page.indexOf('## Warning codes'), page.indexOf('## Batch codes'));
    for (const code of WARNING_CODE_IDS) {
      const { vi, en } = ROW_CODES[code];
      expect(section, code).toContain(`| \`${code}\` | ${vi} | ${en} |`);
    }
  });

  it('lists every field', () => {
    for (const name of FIELD_NAMES) expect(page, name).toContain(`| \`${name}\` |`);
  });
});
