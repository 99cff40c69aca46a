// `npm run coverage`: the command line parsed, and a unit's coverage printed as a terminal table, from the same
// roll-up GET /coverage answers with (shared/coverage/rollup.ts). No AWS here: the reads come in as ports.
import { parseArgs } from 'node:util';
import type { Recount, RecountDifference } from '../shared/coverage/recount.ts';
import {
  type CoverageFigures,
  type CoverageReads,
  type CoverageUnits,
  type CoverageView,
  coverageView,
} from '../shared/coverage/rollup.ts';
import type { Vintage } from '../shared/domain/units.ts';

export const COVERAGE_USAGE = [
  'usage: npm run coverage -- --unit CODE [--vintage 2020|2025] [--json] [--aws [--table T]] [--dir DIR]',
  '       npm run coverage -- --recount [--write] [--aws [--bucket B]] [--dir DIR]',
  "  --recount   rebuild every counter from the register and the batches' ledgers, and list any difference",
  '  --write     with --recount: set the counters to the recount (exit 0), else exit 1 on a difference',
  '  --unit      a province, 2020 district or commune code (64, 622, 23557)',
  '  --vintage   the list of units the code is read in; default: the list that knows it, 2025 when both do',
  '  --json      the view as GET /coverage answers it, instead of the table',
  '  --aws       the deployed batches table (--table or DANCU_TABLE_BATCHES), else the local stack',
].join('\n');

/** The options, one object: a new one is added here and read in `parseCoverageCommand`. */
export const COVERAGE_OPTIONS = {
  unit: { type: 'string' },
  vintage: { type: 'string' },
  json: { type: 'boolean', default: false },
  recount: { type: 'boolean', default: false },
  write: { type: 'boolean', default: false },
  bucket: { type: 'string' },
  aws: { type: 'boolean', default: false },
  table: { type: 'string' },
  dir: { type: 'string', default: '.dancu' },
} as const;

export interface CoverageCommandLine {
  /** '' for a recount */
  unit: string;
  /** rebuild the counters from their sources (and, with `write`, set them) instead of printing a unit */
  recount?: { write: boolean };
  /** the batches bucket, for a recount with --aws (else DANCU_BATCHES_BUCKET) */
  bucket?: string;
  /** undefined: the vintage whose list knows the code (2025 when both do) */
  vintage?: Vintage;
  json: boolean;
  aws: boolean;
  /** the batches table, instead of local.json's or DANCU_TABLE_BATCHES */
  table?: string;
  dir: string;
}

/** The command line, or undefined when it is not one (the caller prints COVERAGE_USAGE). */
export function parseCoverageCommand(args: string[]): CoverageCommandLine | undefined {
  let values: ReturnType<typeof parseArgs<{ options: typeof COVERAGE_OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args, options: COVERAGE_OPTIONS, strict: true, allowPositionals: false }));
  } catch {
    return undefined;
  }
  if (values.recount) {
    if (values.unit || values.vintage || values.json) return undefined;
    return {
      unit: '',
      recount: { write: values.write },
      json: false,
      aws: values.aws,
      ...(values.table ? { table: values.table } : {}),
      ...(values.bucket ? { bucket: values.bucket } : {}),
      dir: values.dir,
    };
  }
  if (values.write || values.bucket) return undefined;
  if (!values.unit || !/^[0-9]{2,5}$/.test(values.unit)) return undefined;
  if (values.vintage !== undefined && values.vintage !== '2020' && values.vintage !== '2025')
    return undefined;
  return {
    unit: values.unit,
    ...(values.vintage ? { vintage: Number(values.vintage) as Vintage } : {}),
    json: values.json,
    aws: values.aws,
    ...(values.table ? { table: values.table } : {}),
    dir: values.dir,
  };
}

/** The vintage a code is read in when none is given: the list that knows it, the current one when both do. */
export function vintageOf(units: CoverageUnits, code: string): Vintage | undefined {
  if (units.unitOf(2025, code)) return 2025;
  return units.unitOf(2020, code) ? 2020 : undefined;
}

const number = (value: number | null) => (value === null ? '–' : value.toLocaleString('en-US'));
const percent = (value: number | null) => (value === null ? '–' : value.toFixed(2));

const COLUMNS = [
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
] as const;

function row(figures: CoverageFigures, name: string): string[] {
  return [
    name,
    number(figures.permanent.residents),
    number(figures.permanent.collected),
    percent(figures.permanent.percent),
    number(figures.temporary.collected),
    number(figures.forms.received),
    number(figures.forms.rejected),
    number(figures.forms.recollected),
    number(figures.forms.duplicate),
    number(figures.forms.updated),
    number(figures.forms.conflict),
    number(figures.unplaced),
  ];
}

/** The view as lines of a terminal table: one per unit below, then the unit's total, then what to read it with. */
export function coverageTable(view: CoverageView): string[] {
  const label = (figures: CoverageFigures) =>
    `${figures.unit.code} ${figures.unit.name}${figures.partial ? ' *' : ''}${figures.acrossProvinces ? ' †' : ''}`;
  const rows = [
    [...COLUMNS],
    ...view.children.map((child) => row(child, label(child))),
    row(view, `${label(view)} (total)`),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((cells) => (cells[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  const [header, ...body] = rows;
  const lines = [
    `${view.unit.name} (${view.unit.code}, ${view.unit.level}), units of ${view.vintage}`,
    format(header ?? []),
    rule,
    ...body.slice(0, -1).map(format),
    ...(view.children.length > 0 ? [rule] : []),
    format(body.at(-1) ?? []),
    '',
    view.asOf
      ? `residents: the reference as of ${view.asOf}${view.residentsMapped ? `, read in the ${view.vintage === 2020 ? 2025 : 2020} list and moved where units went whole` : ''}`
      : 'residents: no reference uploaded (–)',
  ];
  if ([view, ...view.children].some((figures) => figures.partial)) {
    lines.push(
      '* a not-assigned line (a split or merged commune) overlaps this unit: its figures are in that line',
    );
  }
  if (view.children.some((figures) => figures.acrossProvinces)) {
    lines.push('† its parts lie in several provinces: shown in each, counted in none');
  }
  return lines;
}

export interface CoverageIo {
  out(text: string): void;
  err(text: string): void;
}

/** Prints the view of the line's unit; the exit code (0 done, 1 no such unit). */
export async function runCoverage(
  line: CoverageCommandLine,
  reads: CoverageReads,
  units: CoverageUnits,
  io: CoverageIo,
): Promise<number> {
  const vintage = line.vintage ?? vintageOf(units, line.unit);
  const view = vintage === undefined ? undefined : await coverageView(reads, units, vintage, line.unit);
  if (!view) {
    io.err(`no unit ${line.unit} in the ${line.vintage ?? '2020 or 2025'} list`);
    return 1;
  }
  if (line.json) io.out(JSON.stringify(view, null, 2));
  else for (const text of coverageTable(view)) io.out(text);
  return 0;
}

const placeName = (place: RecountDifference['place']) =>
  place.kind === 'unplaced'
    ? `${place.vintage} ${place.province} unplaced at ${place.agencyUnit}`
    : `${place.vintage} ${place.province} ${place.kind === 'notAssigned' ? 'not assigned ' : ''}${place.code}`;

/** Prints a recount: what it read, and each counter that differs; with `write`, sets them. Exit 1 on a difference left. */
export async function runRecount(
  write: boolean,
  run: () => Promise<Recount>,
  overwrite: (items: Recount['counted']) => Promise<void>,
  io: { out: (text: string) => void },
): Promise<number> {
  const result = await run();
  io.out(
    `recount: ${result.persons.toLocaleString('en-US')} persons in the register, ${result.batches} batch ledgers`,
  );
  if (result.differences.length === 0) {
    io.out('every counter equals the recount');
    return 0;
  }
  io.out(`${result.differences.length} counters differ (place, counter: held → recounted):`);
  for (const { place, counter, held, counted } of result.differences.slice(0, 200))
    io.out(`  ${placeName(place)}, ${counter}: ${held} → ${counted}`);
  if (result.differences.length > 200) io.out(`  … and ${result.differences.length - 200} more`);
  if (!write) {
    io.out('run again with --write to set the counters to the recount');
    return 1;
  }
  await overwrite(result.counted);
  io.out(`set ${result.counted.length} counter items to the recount`);
  return 0;
}
