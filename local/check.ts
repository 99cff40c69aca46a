// Pre-upload check: `npm run check -- FILE [--out DIR] [--agency CODE]`. Runs the readers and validation on
// a local file, no AWS, and writes summary.json and outcomes.csv. Exit 0: every row accepted; 1: some rows
// rejected; 2: the file cannot be read at all; 64: bad usage.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkFile } from './check-file.ts';

const USAGE = 'usage: npm run check -- FILE [--out DIR] [--agency CODE]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'check-report' },
      agency: { type: 'string', default: 'local' },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error(USAGE);
    return 64;
  }
  const outDir = resolve(values.out);
  const summary = await checkFile(file, outDir, { agencyCode: values.agency, progress: true });
  console.log(JSON.stringify(summary, null, 2));
  console.error(`report written to ${outDir}`);
  if (summary.status === 'failed') return 2;
  return summary.outcomes.rejected > 0 ? 1 : 0;
}

process.exitCode = await main();
