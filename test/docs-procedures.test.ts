import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DECISION_CODES } from '../shared/api/decision-errors.ts';
import { API_CODES } from '../shared/api/errors.ts';
import { EVENT_CODES } from '../shared/procedures/errors.ts';
import { FINAL_STATUSES, STATUS_CODES, STATUS_KIND, STATUS_LABELS } from '../shared/procedures/statuses.ts';
import { HTTP_FUNCTIONS } from '../shared/resources.ts';

// table cells compared with their padding folded, so a formatter may align the columns
const page = readFileSync(new URL('../docs/procedures.md', import.meta.url), 'utf8').replace(/ {2,}/g, ' ');

describe('docs/procedures.md', () => {
  it('lists every event code with its messages', () => {
    for (const [code, { vi, en }] of Object.entries(EVENT_CODES)) {
      expect(page, code).toContain(`| \`${code}\` | ${vi} | ${en} |`);
    }
  });

  it('lists every HTTP error code with its status and messages', () => {
    for (const [code, { status, vi, en }] of Object.entries({ ...API_CODES, ...DECISION_CODES })) {
      expect(page, code).toContain(`| \`${code}\` | ${status} | ${vi} | ${en} |`);
    }
  });

  it('lists every status with its labels, its kind and whether it is final', () => {
    for (const code of STATUS_CODES) {
      const { vi, en } = STATUS_LABELS[code];
      const final = FINAL_STATUSES.has(code) ? ' yes |' : ' |';
      expect(page, String(code)).toContain(`| ${code} | ${vi} | ${en} | ${STATUS_KIND[code]} |${final}`);
    }
  });

  it('names every route', () => {
    for (const route of Object.values(HTTP_FUNCTIONS).flatMap((fn) => fn.routes)) {
      expect(page, route.path).toContain(`\`${route.method} ${route.path}`);
    }
  });
});
