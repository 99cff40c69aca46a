// `npm run agencies`: its command line, the agency files it imports (each bad row with its code, in Vietnamese and
// English), and what each verb does, run on the fake agencies table; and the exit code of a bad usage, as a process.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAgencyCommand, runAgencyCommand } from '../../local/agencies-command.ts';
import { AGENCY_FILE_CODES, parseAgencyFile } from '../../local/agencies-file.ts';
import { DEMO_AGENCIES_FILE, demoAgencies } from '../../local/demo-agencies.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { runScript } from '../fixtures/script.ts';

const ENV = { USER: 'lan' };

describe('the command line', () => {
  it.each([
    [
      ['import', 'a.csv'],
      { command: { verb: 'import', file: 'a.csv' }, aws: false, by: 'lan', dir: '.dancu' },
    ],
    [
      ['disable', 'CA-X', '--aws', '--table', 'T'],
      { command: { verb: 'disable', code: 'CA-X' }, aws: true, table: 'T' },
    ],
    [['enable', 'CA-X', '--by', 'minh'], { command: { verb: 'enable', code: 'CA-X' }, by: 'minh' }],
    [['list'], { command: { verb: 'list', json: false } }],
    [['list', '--json', '--dir', 'D'], { command: { verb: 'list', json: true }, dir: 'D' }],
    [
      ['add', '--code', 'CA-X', '--name', 'X', '--kind', 'police', '--unit', '64', '--vintage', '2020'],
      {
        command: {
          verb: 'add',
          fields: { code: 'CA-X', name: 'X', kind: 'police', unit_code: '64', vintage: '2020' },
        },
      },
    ],
  ])('%j', (args, expected) => {
    expect(parseAgencyCommand(args, ENV)).toMatchObject(expected);
  });

  it.each([
    [[]],
    [['import']],
    [['import', 'a.csv', 'b.csv']],
    [['disable']],
    [['remove', 'CA-X']],
    [['add', '--code', 'CA-X', '--name', 'X', '--kind', 'police', '--unit', '64']],
    [['import', 'a.csv', '--code', 'CA-X']],
    [['disable', 'CA-X', '--json']],
    [['list', '--color']],
  ])('refuses %j', (args) => {
    expect(parseAgencyCommand(args, ENV)).toBeUndefined();
  });

  it('names who made the change: --by, else DANCU_OPERATOR, else the user', () => {
    expect(parseAgencyCommand(['list'], { DANCU_OPERATOR: 'ops', USER: 'lan' })?.by).toBe('ops');
    expect(parseAgencyCommand(['list'], {})?.by).toBe('operator');
  });

  it('exits 64 with its usage on a bad command line', async () => {
    const { code, stderr } = await runScript('local/agencies.ts', ['remove', 'CA-X']);
    expect(code).toBe(64);
    expect(stderr).toContain('usage: npm run agencies -- import FILE');
  });
});

describe('agency files', () => {
  const HEADER = 'code,name,kind,unit_code,vintage';

  it('reads CSV and JSON, flat or with a unit object', () => {
    const csv = parseAgencyFile(`\uFEFF${HEADER}\r\nCA-A, Công an A ,police,622,2020\r\n\r\n`);
    expect(csv).toEqual({
      agencies: [
        {
          code: 'CA-A',
          name: 'Công an A',
          kind: 'police',
          unit: { code: '622', vintage: 2020 },
          machineClients: [],
        },
      ],
      problems: [],
    });
    const json = parseAgencyFile(
      JSON.stringify([
        { code: 'CA-A', name: 'Công an A', kind: 'police', unit_code: '622', vintage: 2020 },
        { code: 'MC-B', name: 'Một cửa B', kind: 'one-stop-shop', unit: { code: '23557', vintage: 2025 } },
      ]),
    );
    expect(json.problems).toEqual([]);
    expect(json.agencies.map((agency) => [agency.code, agency.unit])).toEqual([
      ['CA-A', { code: '622', vintage: 2020 }],
      ['MC-B', { code: '23557', vintage: 2025 }],
    ]);
  });

  it('gives each bad row its codes, and keeps the good ones', () => {
    const file = [
      HEADER,
      'CA-GOOD,Good,police,64,2020',
      'CA BAD,Bad code,police,64,2020',
      'CA-NONAME,,police,64,2020',
      'CA-KIND,Kind,army,64,2020',
      'CA-UNIT,Unit,police,6401,2020',
      'CA-LOSTZERO,Hà Nội with its zero lost in Excel,police,1,2020',
      'CA-VINTAGE,Vintage,justice,64,2021',
      'CA-TWO,Two wrong,army,64,2019',
      'CA-GOOD,Again,police,64,2020',
    ].join('\n');
    const { agencies, problems } = parseAgencyFile(file);
    expect(agencies.map((agency) => agency.code)).toEqual(['CA-GOOD']);
    expect(problems).toEqual([
      { row: 2, agency: 'CA BAD', code: 'AGENCY_CODE_INVALID' },
      { row: 3, agency: 'CA-NONAME', code: 'AGENCY_NAME_INVALID' },
      { row: 4, agency: 'CA-KIND', code: 'AGENCY_KIND_INVALID' },
      { row: 5, agency: 'CA-UNIT', code: 'AGENCY_UNIT_INVALID' },
      { row: 6, agency: 'CA-LOSTZERO', code: 'AGENCY_UNIT_INVALID' },
      { row: 7, agency: 'CA-VINTAGE', code: 'AGENCY_VINTAGE_INVALID' },
      { row: 8, agency: 'CA-TWO', code: 'AGENCY_KIND_INVALID' },
      { row: 8, agency: 'CA-TWO', code: 'AGENCY_VINTAGE_INVALID' },
      { row: 9, agency: 'CA-GOOD', code: 'AGENCY_DUPLICATE' },
    ]);
  });

  it.each([
    ['a header without its columns', 'code,name\nCA-A,A'],
    ['JSON that is not an array of objects', '[1, 2]'],
    ['broken JSON', '[{"code":'],
    ['no header at all', 'CA-A'],
  ])('refuses %s as a whole', (_what, text) => {
    const { agencies, problems } = parseAgencyFile(text);
    expect(agencies).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.row).toBe(0);
    expect(['AGENCY_FILE_COLUMNS', 'AGENCY_FILE_UNREADABLE']).toContain(problems[0]?.code);
  });

  it('has a Vietnamese and an English message for every code', () => {
    for (const [code, { vi, en }] of Object.entries(AGENCY_FILE_CODES)) {
      expect(vi, code).toMatch(/\S/);
      expect(en, code).toMatch(/\S/);
      expect(vi, code).not.toBe(en);
    }
  });

  it('holds the demo agencies without a problem: the province, its districts, Pleiku’s wards and the other kinds', () => {
    const { problems } = parseAgencyFile(readFileSync(DEMO_AGENCIES_FILE, 'utf8'));
    expect(problems).toEqual([]);
    const agencies = demoAgencies();
    const byCode = new Map(agencies.map((agency) => [agency.code, agency]));
    expect(byCode.get('CA-GIALAI')?.unit).toEqual({ code: '64', vintage: 2020 });
    expect(byCode.get('CA-PLEIKU')?.unit).toEqual({ code: '622', vintage: 2020 });
    expect(byCode.get('CA-ANKHE')?.unit).toEqual({ code: '623', vintage: 2020 });
    expect(agencies.filter((agency) => agency.unit.code.length === 5).length).toBeGreaterThanOrEqual(2);
    expect(new Set(agencies.map((agency) => agency.kind))).toEqual(
      new Set(['police', 'justice', 'one-stop-shop', 'post-office', 'platform']),
    );
  });
});

describe('the verbs, on the agencies table', () => {
  const run = async (args: string[], agencies: MemoryAgencies, files: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const line = parseAgencyCommand(args, ENV);
    if (!line) throw new Error(`not a command: ${args.join(' ')}`);
    const code = await runAgencyCommand(line, agencies, {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      read: async (file) => files[file] ?? '',
    });
    return { code, out, err };
  };

  it('imports a file: adds the new, leaves the held, reports each bad row and each conflict, exits 1', async () => {
    const agencies = MemoryAgencies.of({
      code: 'CA-HELD',
      name: 'Other name',
      unit: { code: '64', vintage: 2020 },
    });
    const file = [
      'code,name,kind,unit_code,vintage',
      'CA-NEW,New,police,622,2020',
      'CA-HELD,Held,police,64,2020',
      'CA-BAD,Bad,army,64,2020',
    ].join('\n');

    const { code, out, err } = await run(['import', 'a.csv'], agencies, { 'a.csv': file });

    expect(code).toBe(1);
    expect(await agencies.get('CA-NEW')).toMatchObject({ active: true, updatedBy: 'lan' });
    expect((await agencies.get('CA-HELD'))?.name).toBe('Other name');
    expect(err).toEqual([
      `row 2 (CA-HELD): AGENCY_CONFLICT ${AGENCY_FILE_CODES.AGENCY_CONFLICT.vi} / ${AGENCY_FILE_CODES.AGENCY_CONFLICT.en}`,
      `row 3 (CA-BAD): AGENCY_KIND_INVALID ${AGENCY_FILE_CODES.AGENCY_KIND_INVALID.vi} / ${AGENCY_FILE_CODES.AGENCY_KIND_INVALID.en}`,
    ]);
    expect(out).toEqual([
      'a.csv: 1 added, 0 already held as given, 1 held otherwise (left as they are), 1 problem(s) in the file',
    ]);
  });

  it('imports the same file twice with nothing changed the second time, exit 0', async () => {
    const agencies = new MemoryAgencies();
    const file = readFileSync(DEMO_AGENCIES_FILE, 'utf8');
    expect((await run(['import', 'demo.csv'], agencies, { 'demo.csv': file })).code).toBe(0);
    await agencies.disable('CA-KBANG', 'lan');
    const again = await run(['import', 'demo.csv'], agencies, { 'demo.csv': file });
    expect(again.code).toBe(0);
    expect(again.out[0]).toMatch(/: 0 added, \d+ already held as given, 0 held otherwise/);
    // an import never re-enables a disabled agency
    expect((await agencies.get('CA-KBANG'))?.active).toBe(false);
  });

  it('adds one agency, and refuses a bad one with its codes', async () => {
    const agencies = new MemoryAgencies();
    const add = ['add', '--code', 'STP-KONTUM', '--name', 'Sở Tư pháp tỉnh Kon Tum', '--kind', 'justice'];
    expect(await run([...add, '--unit', '62', '--vintage', '2020'], agencies)).toMatchObject({
      code: 0,
      out: ['STP-KONTUM: added, active'],
    });
    expect(await run([...add, '--unit', '62', '--vintage', '2020'], agencies)).toMatchObject({
      code: 0,
      out: ['STP-KONTUM: already held as given'],
    });
    const conflict = await run([...add, '--unit', '52', '--vintage', '2025'], agencies);
    expect(conflict.code).toBe(1);
    expect(conflict.err[0]).toMatch(/^STP-KONTUM: AGENCY_CONFLICT .* \/ The agency is already held/);
    const bad = await run([...add, '--unit', '6', '--vintage', '2024'], agencies);
    expect(bad.code).toBe(1);
    expect(bad.err.map((line) => line.split(' ')[1])).toEqual([
      'AGENCY_UNIT_INVALID',
      'AGENCY_VINTAGE_INVALID',
    ]);
  });

  it('disables and enables a held agency, and says when there is none', async () => {
    const agencies = MemoryAgencies.of({ code: 'CA-X' });
    expect(await run(['disable', 'CA-X'], agencies)).toMatchObject({ code: 0 });
    expect((await agencies.get('CA-X'))?.active).toBe(false);
    expect(await run(['enable', 'CA-X', '--by', 'minh'], agencies)).toMatchObject({ code: 0 });
    expect(await agencies.get('CA-X')).toMatchObject({ active: true, updatedBy: 'minh' });
    const none = await run(['disable', 'CA-NOWHERE'], agencies);
    expect(none.code).toBe(1);
    expect(none.err[0]).toMatch(/^CA-NOWHERE: AGENCY_UNKNOWN .* \/ No agency with this code is held$/);
  });

  it('lists the agencies, as lines or as JSON', async () => {
    const agencies = MemoryAgencies.of({ code: 'CA-B', active: false }, { code: 'CA-A', name: 'Công an A' });
    expect((await run(['list'], agencies)).out).toEqual([
      'CA-A\tactive\tpolice\t64/2020\tCông an A',
      'CA-B\tdisabled\tpolice\t64/2020\tCA-B',
    ]);
    const json = JSON.parse((await run(['list', '--json'], agencies)).out[0] ?? '[]');
    expect(json.map((agency: { code: string }) => agency.code)).toEqual(['CA-A', 'CA-B']);
  });
});
