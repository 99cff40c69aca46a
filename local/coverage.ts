// `npm run coverage -- --unit CODE [--vintage 2020|2025] [--json] [--aws [--table T]] [--dir DIR]`: a unit's
// coverage (issue 18; docs/coverage.md, "The numbers out"): persons collected against expected residents, forms and
// unplaced forms, one line per unit below and the unit's total, as GET /coverage answers it. Locally the batches
// table of `npm start` (.dancu/local.json); with --aws the stack output BatchesTableName, from --table or
// DANCU_TABLE_BATCHES, with the usual AWS credentials. Exit 0: printed; 1: no such unit; 64: bad usage.
import { unitRegistry } from '../shared/domain/units.ts';
import { COVERAGE_USAGE, parseCoverageCommand, runCoverage } from './coverage-command.ts';
import { resolveTarget, useLocalStack } from './target.ts';

async function main(): Promise<number> {
  const line = parseCoverageCommand(process.argv.slice(2));
  if (!line) {
    console.error(COVERAGE_USAGE);
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
  const reads = { counters: new CoverageStore(table), references: new ReferenceStore(table) };
  return runCoverage(line, reads, unitRegistry, {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  });
}

process.exitCode = await main();
