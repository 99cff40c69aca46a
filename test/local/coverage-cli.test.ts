// `npm run coverage`: the command line, and the terminal table of a unit's coverage from the same roll-up as
// GET /coverage (the counters and references in memory here; on the emulators: test/integration/coverage-store.test.ts).
import { describe, expect, it, vi } from 'vitest';
import { unitRegistry } from '#domain/units.ts';
import {
  COVERAGE_OPTIONS,
  coverageTable,
  parseCoverageCommand,
  runCoverage,
  runRecount,
  vintageOf,
} from '../../local/coverage-command.ts';
import { rollup } from '../../shared/coverage/rollup.ts';
import { zeroCounts } from '../../shared/model/coverage.ts';
import { MemoryCoverage } from '../fakes/coverage.ts';

describe('the command line', () => {
  it('reads a unit, a vintage and where to read', () => {
    expect(parseCoverageCommand(['--unit', '64'])).toEqual({
      unit: '64',
      json: false,
      aws: false,
      dir: '.dancu',
    });
    expect(
      parseCoverageCommand(['--unit', '52', '--vintage', '2025', '--aws', '--table', 'T', '--json']),
    ).toEqual({
      unit: '52',
      vintage: 2025,
      json: true,
      aws: true,
      table: 'T',
      dir: '.dancu',
    });
  });

  it.each([
    [[]],
    [['--unit']],
    [['--unit', 'Gia Lai']],
    [['--unit', '64', '--vintage', '2021']],
    [['--unit', '64', 'extra']],
    [['--unit', '64', '--recount']],
  ])('refuses %j', (args) => {
    expect(parseCoverageCommand(args)).toBeUndefined();
  });

  it('keeps its options in one object, for the recount to add to', () => {
    expect(Object.keys(COVERAGE_OPTIONS)).toEqual([
      'unit',
      'vintage',
      'json',
      'recount',
      'write',
      'bucket',
      'aws',
      'table',
      'dir',
    ]);
  });

  it('reads a code in the list that knows it, the 2025 one when both do', () => {
    expect(vintageOf(unitRegistry, '64')).toBe(2020);
    expect(vintageOf(unitRegistry, '622')).toBe(2020);
    expect(vintageOf(unitRegistry, '52')).toBe(2025);
    expect(vintageOf(unitRegistry, '99')).toBeUndefined();
  });
});

describe('the table', () => {
  const items = [
    {
      place: { kind: 'commune' as const, vintage: 2020 as const, province: '64', code: '23557' },
      counts: { ...zeroCounts(), permanent: 1234, temporary: 2, received: 1300, rejected: 60, duplicate: 6 },
    },
    {
      place: { kind: 'commune' as const, vintage: 2025 as const, province: '52', code: '23563' },
      counts: { ...zeroCounts(), permanent: 7, received: 7 },
    },
  ];
  const reference = {
    vintage: 2020 as const,
    province: '64',
    asOf: '2020-11-01',
    uploadedAt: '2026-12-01T00:00:00Z',
    objectKey: 'x',
    communes: { 23557: { permanent: 3000, temporary: 5, source: 't' } },
  };

  it('prints one line per unit below, then the total, with the figures of the view', () => {
    const view = rollup(unitRegistry, { vintage: 2020, unit: '622', items, references: [reference] });
    if (!view) throw new Error('no view');
    const lines = coverageTable(view);
    expect(lines[0]).toBe('Thành phố Pleiku (622, district), units of 2020');
    expect(lines[1]?.split(/\s{2,}/)).toEqual([
      'unit',
      'residents',
      'collected',
      '%',
      'temporary',
      'received',
      'rejected',
      'recollected',
      'duplicate',
      'updated',
      'conflict',
      'unplaced',
    ]);
    const yenDo = lines.find((text) => text.startsWith('23557 '));
    expect(yenDo?.split(/\s{2,}/)).toEqual([
      '23557 Phường Yên Đỗ *',
      '3,000',
      '1,234',
      '41.13',
      '2',
      '1,300',
      '60',
      '0',
      '6',
      '0',
      '0',
      '0',
    ]);
    const notAssigned = lines.find((text) => text.includes('(2025, not assigned)'));
    expect(notAssigned?.split(/\s{2,}/).slice(1, 4)).toEqual(['–', '7', '–']);
    const total = lines.find((text) => text.includes('(total)'));
    expect(total?.split(/\s{2,}/).slice(0, 4)).toEqual([
      '622 Thành phố Pleiku (total)',
      '3,000',
      '1,241',
      '41.37',
    ]);
    // every row the same width: the columns line up
    const rows = lines.slice(1, lines.indexOf(total ?? '') + 1);
    expect(new Set(rows.map((text) => text.length)).size).toBe(1);
    expect(lines).toContain('residents: the reference as of 2020-11-01');
    expect(lines.some((text) => text.startsWith('* a not-assigned line'))).toBe(true);
  });

  it('runs against the ports: the table, the JSON, and exit 1 for a code no list knows', async () => {
    const memory = new MemoryCoverage();
    // as finalize counts: every item in both lists, a commune one list cannot assign as its own not-assigned item
    await memory.apply('b1', [
      ...items,
      {
        place: { kind: 'notAssigned', vintage: 2025, province: '52', code: '23557' },
        counts: items[0]?.counts ?? {},
      },
      {
        place: { kind: 'notAssigned', vintage: 2020, province: '64', code: '23563' },
        counts: items[1]?.counts ?? {},
      },
    ]);
    const out: string[] = [];
    const io = { out: (text: string) => out.push(text), err: (text: string) => out.push(`err: ${text}`) };
    expect(
      await runCoverage({ unit: '64', json: false, aws: false, dir: '' }, memory.reads(), unitRegistry, io),
    ).toBe(0);
    expect(out[0]).toBe('Tỉnh Gia Lai (64, province), units of 2020');
    expect(out.find((text) => text.includes('(total)'))?.split(/\s{2,}/)[2]).toBe('1,241');
    out.length = 0;
    expect(
      await runCoverage({ unit: '52', json: true, aws: false, dir: '' }, memory.reads(), unitRegistry, io),
    ).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ vintage: 2025, permanent: { collected: 1241 } });
    out.length = 0;
    expect(
      await runCoverage(
        { unit: '99999', json: false, aws: false, dir: '' },
        memory.reads(),
        unitRegistry,
        io,
      ),
    ).toBe(1);
    expect(out).toEqual(['err: no unit 99999 in the 2020 or 2025 list']);
  });
});

describe('the recount', () => {
  const place = { kind: 'commune' as const, vintage: 2020 as const, province: '64', code: '23557' };
  const recounted = (differences: number) => async () => ({
    counted: [{ place, counts: { ...zeroCounts(), permanent: 5 } }],
    differences: Array.from({ length: differences }, () => ({
      place,
      counter: 'permanent' as const,
      held: 4,
      counted: 5,
    })),
    persons: 5,
    batches: 2,
  });

  it('is its own command line: --recount, with --write, and nothing of a unit', () => {
    expect(parseCoverageCommand(['--recount'])).toMatchObject({ recount: { write: false }, aws: false });
    expect(parseCoverageCommand(['--recount', '--write', '--aws', '--bucket', 'b'])).toMatchObject({
      recount: { write: true },
      aws: true,
      bucket: 'b',
    });
    expect(parseCoverageCommand(['--recount', '--unit', '64'])).toBeUndefined();
    expect(parseCoverageCommand(['--unit', '64', '--write'])).toBeUndefined();
  });

  it('says every counter holds, or lists each difference and exits 1 unless told to write', async () => {
    const out: string[] = [];
    const overwrite = vi.fn(async () => undefined);
    expect(await runRecount(false, recounted(0), overwrite, { out: (t) => out.push(t) })).toBe(0);
    expect(out).toContain('every counter equals the recount');
    out.length = 0;
    expect(await runRecount(false, recounted(1), overwrite, { out: (t) => out.push(t) })).toBe(1);
    expect(out).toContain('  2020 64 23557, permanent: 4 → 5');
    expect(overwrite).not.toHaveBeenCalled();
    expect(await runRecount(true, recounted(1), overwrite, { out: (t) => out.push(t) })).toBe(0);
    expect(overwrite).toHaveBeenCalledWith([{ place, counts: { ...zeroCounts(), permanent: 5 } }]);
  });
});
