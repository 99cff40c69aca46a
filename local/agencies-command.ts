// The operator command `npm run agencies` (local/agencies.ts runs it): its command line, and what each verb does
// with the agencies table, on the Agencies port so that a test runs it on the fake.
import { parseArgs } from 'node:util';
import type { Agencies } from '../shared/model/ports.ts';
import {
  type AgencyFileProblem,
  checkAgency,
  describeCode,
  describeProblem,
  parseAgencyFile,
} from './agencies-file.ts';

export const AGENCIES_USAGE = [
  'usage: npm run agencies -- import FILE | add --code C --name N --kind K --unit U --vintage V |',
  '       disable CODE | enable CODE | list [--json]   [--aws [--table T]] [--by NAME] [--dir DIR]',
].join('\n');

export type AgencyCommand =
  | { verb: 'import'; file: string }
  | { verb: 'add'; fields: Record<string, string> }
  | { verb: 'disable' | 'enable'; code: string }
  | { verb: 'list'; json: boolean };

export interface AgencyCommandLine {
  command: AgencyCommand;
  aws: boolean;
  /** the table's name, instead of local.json's or DANCU_TABLE_AGENCIES */
  table?: string;
  /** who made the change (updatedBy) */
  by: string;
  dir: string;
}

/** The command line, or undefined when it is not one (the caller prints AGENCIES_USAGE). */
export function parseAgencyCommand(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): AgencyCommandLine | undefined {
  let parsed: ReturnType<typeof parseArguments>;
  try {
    parsed = parseArguments(args);
  } catch {
    return undefined;
  }
  const { values, positionals } = parsed;
  const [verb, operand, ...rest] = positionals;
  if (rest.length > 0) return undefined;
  const fields = { code: values.code, name: values.name, kind: values.kind, unit_code: values.unit };
  const anyField = Object.values(fields).some((value) => value !== undefined) || values.vintage !== undefined;
  let command: AgencyCommand;
  if (verb === 'import' && operand && !anyField) command = { verb, file: operand };
  else if (verb === 'add' && !operand) {
    const given = { ...fields, vintage: values.vintage };
    if (Object.values(given).some((value) => value === undefined)) return undefined;
    command = { verb, fields: given as Record<string, string> };
  } else if ((verb === 'disable' || verb === 'enable') && operand && !anyField)
    command = { verb, code: operand };
  else if (verb === 'list' && !operand && !anyField) command = { verb, json: values.json };
  else return undefined;
  if (values.json && command.verb !== 'list') return undefined;
  return {
    command,
    aws: values.aws,
    ...(values.table ? { table: values.table } : {}),
    by: values.by ?? env.DANCU_OPERATOR ?? env.USER ?? 'operator',
    dir: values.dir,
  };
}

function parseArguments(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      code: { type: 'string' },
      name: { type: 'string' },
      kind: { type: 'string' },
      unit: { type: 'string' },
      vintage: { type: 'string' },
      json: { type: 'boolean', default: false },
      aws: { type: 'boolean', default: false },
      table: { type: 'string' },
      by: { type: 'string' },
      dir: { type: 'string', default: '.dancu' },
    },
  });
}

/** Runs a command against the agencies table; what it prints goes to `out`, problems to `err`. Its exit code. */
export async function runAgencyCommand(
  { command, by }: Pick<AgencyCommandLine, 'command' | 'by'>,
  agencies: Agencies,
  io: { out: (line: string) => void; err: (line: string) => void; read: (file: string) => Promise<string> },
): Promise<number> {
  switch (command.verb) {
    case 'import': {
      const { agencies: given, problems } = parseAgencyFile(await io.read(command.file));
      const result = await agencies.importMany(given, by);
      const conflicts = result.conflicts.map(
        (agency): AgencyFileProblem => ({
          row: given.findIndex((a) => a.code === agency) + 1,
          code: 'AGENCY_CONFLICT',
          agency,
        }),
      );
      const refused = [...problems, ...conflicts].sort((a, b) => a.row - b.row);
      for (const problem of refused) io.err(describeProblem(problem));
      io.out(
        `${command.file}: ${result.created.length} added, ${result.unchanged.length} already held as given, ` +
          `${conflicts.length} held otherwise (left as they are), ${problems.length} problem(s) in the file`,
      );
      return refused.length > 0 ? 1 : 0;
    }
    case 'add': {
      const checked = checkAgency(command.fields);
      if ('codes' in checked) {
        for (const code of checked.codes) io.err(`${command.fields.code}: ${describeCode(code)}`);
        return 1;
      }
      const outcome = await agencies.put(checked.agency, by);
      if (outcome === 'conflict') {
        io.err(`${checked.agency.code}: ${describeCode('AGENCY_CONFLICT')}`);
        return 1;
      }
      io.out(`${checked.agency.code}: ${outcome === 'created' ? 'added, active' : 'already held as given'}`);
      return 0;
    }
    case 'disable':
    case 'enable': {
      const done = await agencies[command.verb](command.code, by);
      if (!done) {
        io.err(`${command.code}: ${describeCode('AGENCY_UNKNOWN')}`);
        return 1;
      }
      io.out(`${command.code}: ${command.verb}d (the functions see it within a minute)`);
      return 0;
    }
    case 'list': {
      const all = await agencies.list();
      if (command.json) io.out(JSON.stringify(all, null, 2));
      else
        for (const agency of all)
          io.out(
            [
              agency.code,
              agency.active ? 'active' : 'disabled',
              agency.kind,
              `${agency.unit.code}/${agency.unit.vintage}`,
              agency.name,
            ].join('\t'),
          );
      return 0;
    }
  }
}
