// Every key is built in shared/keys.ts: no other source file spells a table's key prefix, a sort key, a person key's
// form or a bucket prefix. A new item type or S3 file goes into the keys module (and docs/data-model.md) first.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
/** The source folders held to it (test/ spells keys to check them). */
const FOLDERS = ['shared', 'functions', 'infra', 'local', 'bench', 'tools'];
const KEYS_MODULE = join(ROOT, 'shared', 'keys.ts');

/** What a key looks like: table prefixes and sort keys, person-key forms, the bucket's prefixes. */
const KEY_LITERAL = new RegExp(
  [
    String.raw`\b(?:BATCH|CHUNK|OBJECT|AGENCY|PASS|REVIEW|HIST|CONFLICT|APP|EVENT)#`,
    String.raw`['"\`](?:PERSON|META|LATEST|STATE|PASS)['"\`]`,
    String.raw`['"\`](?:id|nk):`,
    String.raw`(?<![\w./-])(?:incoming|reports|work)/`,
  ].join('|'),
);

function sources(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'out' ? [] : sources(path);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The code of a line, without its comment (a comment may name a key to explain it). */
function code(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*')) return '';
  return line.replace(/\s\/\/.*$/, '');
}

function keyLiterals(files: string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        KEY_LITERAL.test(code(line)) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [],
      ),
  );
}

describe('the keys module', () => {
  it('is the only source file that spells a key', () => {
    const files = FOLDERS.flatMap((folder) => sources(join(ROOT, folder))).filter(
      (file) => file !== KEYS_MODULE,
    );
    expect(files.length).toBeGreaterThan(100);
    expect(keyLiterals(files)).toEqual([]);
  });

  it('finds the literals it looks for', () => {
    const spelled = [
      "const key = { pk: 'BATCH#' + id, sk: 'META' };",
      "if (item.sk === 'PERSON') return;",
      "const personKey = 'id:' + personalId;",
      "const upload = 'incoming/CA-PLEIKU/forms.csv';",
      "const report = 'reports/' + agency + '/' + name + '/summary.json';",
      "const KEY = 'work/' + batchId;",
    ];
    const fine = [
      '// agencies upload `incoming/{agencyCode}/{name}`',
      "const url = 'https://example.org/network/';",
      "import { objectKeys } from '../shared/keys.ts';",
      "const summary = objectKeys.report(agency, name, 'summary.json');",
    ];
    for (const line of spelled) expect(KEY_LITERAL.test(code(line)), line).toBe(true);
    for (const line of fine) expect(KEY_LITERAL.test(code(line)), line).toBe(false);
  });
});
