// `npm run coverage -- --unit CODE [--vintage 2020|2025] [--json] [--aws [--table T]] [--dir DIR]`: a unit's
// coverage (issue 18; docs/coverage.md, "The numbers out"): persons collected against expected residents, forms and
// unplaced forms, one line per unit below and the unit's total, as GET /coverage answers it. Locally the batches
// table of `npm start` (.dancu/local.json); with --aws the stack output BatchesTableName, from --table or
// DANCU_TABLE_BATCHES, with the usual AWS credentials. Exit 0: printed; 1: no such unit; 64: bad usage.
// `--recount [--write]`: every counter rebuilt from the register and the batches' ledgers (docs/operations.md,
// "Coverage counters"); exit 1 when a counter differs and --write was not given.
import { unitRegistry } from '../shared/domain/units.ts';
import { COVERAGE_USAGE, parseCoverageCommand, runCoverage, runRecount } from './coverage-command.ts';
import { resolveTarget, useLocalStack } from './target.ts';

async function main(): Promise<number> {
  const line = parseCoverageCommand(process.argv.slice(2));
  if (!line) {
    console.error(COVERAGE_USAGE);
    return 64;
  }
  let target: ReturnType<typeof resolveTarget>;
  try {
    const bucket = line.recount ? line.bucket : 'n/a';
    target = resolveTarget({ aws: line.aws, bucket: line.aws ? bucket : undefined, dir: line.dir });
  } catch (error) {
    // no local stack: say so, without a stack trace
    console.error((error as Error).message);
    return 64;
  }
  const table = line.table ?? target.tables.batches;
  if (!table) {
    console.error(
      line.aws
        ? '--aws needs --table or DANCU_TABLE_BATCHES (the stack output BatchesTableName)'
        : `no batches table in ${line.dir}/local.json: restart \`npm start\``,
    );
    return 64;
  }
  if (target.kind === 'local') useLocalStack(target);
  // after the environment is set: the stores' client reads it as it loads
  const { CoverageStore } = await import('../shared/store/coverage-store.ts');
  const { ReferenceStore } = await import('../shared/store/reference-store.ts');
  const counters = new CoverageStore(table);
  if (line.recount) {
    const registerTable = target.tables.register;
    if (!registerTable) {
      console.error('--recount --aws needs DANCU_TABLE_REGISTER (the stack output RegisterTableName)');
      return 64;
    }
    const { CoverageSources } = await import('../shared/store/coverage-sources.ts');
    const { RegisterScan } = await import('../shared/store/register-scan.ts');
    const { WorkFiles } = await import('../shared/store/work-files.ts');
    const { recount } = await import('../shared/coverage/recount.ts');
    const sources = new CoverageSources(
      table,
      new RegisterScan(registerTable),
      new WorkFiles(target.bucket),
      counters,
    );
    return runRecount(
      line.recount.write,
      () => recount(sources),
      (items) => counters.overwrite(items),
      { out: (text) => console.log(text) },
    );
  }
  const reads = { counters, references: new ReferenceStore(table) };
  return runCoverage(line, reads, unitRegistry, {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  });
}

process.exitCode = await main();
