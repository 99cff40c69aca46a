// `npm run history -- KEY [--as AGENCY] [--json] [--aws …]`: a person's history (issue 19; docs/operations.md,
// "A person's history"), the changes that landed, oldest first, as GET /persons/{key}/history reads them.
// `npm run history -- migrate [--dry-run] [--days N] [--aws …]`: the register's history items from before issue 19
// moved to the history table. Locally the tables of `npm start` (.dancu/local.json); with --aws the stack outputs
// RegisterTableName and HistoryTableName, from the flags or DANCU_TABLE_REGISTER and DANCU_TABLE_HISTORY, with the
// usual AWS credentials. Exit 0: printed (moved); 1: no such person (items left under legacy keys); 64: bad usage.
import { HISTORY_USAGE, parseHistoryCommand, runHistory } from './history-command.ts';
import { resolveTarget, useLocalStack } from './target.ts';

async function main(): Promise<number> {
  const line = parseHistoryCommand(process.argv.slice(2));
  if (!line) {
    console.error(HISTORY_USAGE);
    return 64;
  }
  let target: ReturnType<typeof resolveTarget>;
  try {
    target = resolveTarget({ aws: line.aws, bucket: line.aws ? 'n/a' : undefined, dir: line.dir });
  } catch (error) {
    // no local stack: say so, without a stack trace
    console.error((error as Error).message);
    return 64;
  }
  const registerTable = line.registerTable ?? target.tables.register;
  const historyTable = line.historyTable ?? target.tables.history;
  if (!registerTable || !historyTable) {
    console.error(
      line.aws
        ? '--aws needs the register and history tables (--register-table and --history-table, or ' +
            'DANCU_TABLE_REGISTER and DANCU_TABLE_HISTORY: the stack outputs)'
        : `no history table in ${line.dir}/local.json: restart \`npm start\` with this version`,
    );
    return 64;
  }
  if (target.kind === 'local') useLocalStack(target);
  // after the environment is set: the stores' client reads it as it loads
  const { HistoryStore } = await import('../shared/store/history-store.ts');
  if (line.kind === 'migrate') {
    const { migrateHistory } = await import('../shared/store/history-migration.ts');
    const counts = await migrateHistory(registerTable, new HistoryStore(historyTable, line.days), {
      dryRun: line.dryRun,
    });
    console.log(
      `${line.dryRun ? 'would move' : 'moved'} ${counts.moved} of ${counts.found} history items from ` +
        `${registerTable} to ${historyTable}; ${counts.already} moved before; ${counts.deleted} deleted from the register`,
    );
    if (counts.legacy === 0) return 0;
    console.error(
      `${counts.legacy} left in the register under keys from before issue 16: run \`npm run rekey\` first, then this again`,
    );
    return 1;
  }
  const { RegisterStore } = await import('../shared/store/register-store.ts');
  return runHistory(
    line,
    { register: new RegisterStore(registerTable), history: new HistoryStore(historyTable) },
    { out: (text) => console.log(text), err: (text) => console.error(text) },
  );
}

process.exitCode = await main();
