// `npm run history`: the command line parsed, and a person's history printed from the same chain and view as
// GET /persons/{key}/history answers (shared/ingest/person-history.ts, history-view.ts). No AWS here: the reads come
// in as ports.
import { parseArgs } from 'node:util';
import { type ChangeView, historyView } from '../shared/ingest/history-view.ts';
import { landedChanges } from '../shared/ingest/person-history.ts';
import type { PersonHistory, Register } from '../shared/model/ports.ts';

export const HISTORY_USAGE = [
  'usage: npm run history -- KEY [--as AGENCY] [--json] [--aws [--register-table T] [--history-table T]] [--dir DIR]',
  '       npm run history -- migrate [--dry-run] [--days N] [--aws [--register-table T] [--history-table T]] [--dir DIR]',
  '  KEY        a person key as reports show it (p1:id:…)',
  '  --as       masked as that agency reads it (GET /persons/{key}/history); default: every value as written',
  '  --json     the changes as the route answers them, instead of the lines',
  '  migrate    move the register’s history items from before issue 19 to the history table (idempotent)',
  '  --days     with migrate: days a moved item is kept, from when it was written (the stage’s historyDays)',
  '  --aws      the deployed tables (the flags, or DANCU_TABLE_REGISTER and DANCU_TABLE_HISTORY), else the local stack',
].join('\n');

export const HISTORY_OPTIONS = {
  as: { type: 'string' },
  json: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  days: { type: 'string', default: '3653' },
  aws: { type: 'boolean', default: false },
  'register-table': { type: 'string' },
  'history-table': { type: 'string' },
  dir: { type: 'string', default: '.dancu' },
} as const;

export type HistoryCommandLine = {
  aws: boolean;
  registerTable?: string;
  historyTable?: string;
  dir: string;
} & (
  | { kind: 'print'; key: string; as?: string; json: boolean }
  | { kind: 'migrate'; dryRun: boolean; days: number }
);

/** The command line, or undefined when it is not one (the caller prints HISTORY_USAGE). */
export function parseHistoryCommand(args: string[]): HistoryCommandLine | undefined {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof HISTORY_OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options: HISTORY_OPTIONS, strict: true, allowPositionals: true });
  } catch {
    return undefined;
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  if (!first || rest.length > 0) return undefined;
  const where = {
    aws: values.aws,
    ...(values['register-table'] ? { registerTable: values['register-table'] } : {}),
    ...(values['history-table'] ? { historyTable: values['history-table'] } : {}),
    dir: values.dir,
  };
  if (first === 'migrate') {
    const days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || values.as || values.json) return undefined;
    return { ...where, kind: 'migrate', dryRun: values['dry-run'], days };
  }
  if (values['dry-run']) return undefined;
  return { ...where, kind: 'print', key: first, json: values.json, ...(values.as ? { as: values.as } : {}) };
}

/** One change as lines: when, what and who, then each field from → to. */
export function changeLines(change: ChangeView): string[] {
  const source = change.otherAgency
    ? 'another agency'
    : change.batchId
      ? `batch ${change.batchId} row ${change.row}`
      : change.reviewId
        ? `review ${change.reviewId}${change.request ? ` (request ${change.request})` : ''}`
        : change.passId
          ? `link pass ${change.passId}`
          : '';
  const who = change.by ? `${change.by.kind} ${change.by.id}` : '';
  const head = [
    `v${change.version}`,
    change.at,
    change.outcome + (change.why ? ` (${change.why})` : ''),
    source,
    who,
    // a correction's document, and an approved one's submitter (`who` approved it)
    change.evidenceRef ? `evidence ${change.evidenceRef}` : '',
    change.submittedBy ? `submitted by ${change.submittedBy}` : '',
    change.migrated ? 'migrated' : '',
  ].filter(Boolean);
  const fields = change.fields.map(
    (field) => `    ${field.field}: ${field.from ?? '∅'} → ${field.to ?? '∅'}`,
  );
  return [head.join('  '), ...fields];
}

export interface HistoryReads {
  register: Pick<Register, 'getPerson'>;
  history: Pick<PersonHistory, 'list'>;
}

/** Prints the person's history; exit 0, or 1 when no such person (or, `--as`, none that agency touched). */
export async function runHistory(
  line: Extract<HistoryCommandLine, { kind: 'print' }>,
  reads: HistoryReads,
  io: { out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  const person = await reads.register.getPerson(line.key);
  const changes = person && landedChanges(line.key, await reads.history.list(line.key), person);
  const view = changes && historyView(changes, line.as, person.agencyCode);
  if (!view) {
    io.err(line.as ? `no person ${line.key} that ${line.as} registered or changed` : `no person ${line.key}`);
    return 1;
  }
  if (line.json) io.out(JSON.stringify({ personKey: line.key, changes: view }, null, 2));
  else {
    io.out(`${line.key}: ${view.length} change${view.length === 1 ? '' : 's'}`);
    for (const change of view) for (const text of changeLines(change)) io.out(text);
  }
  return 0;
}
