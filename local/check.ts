// Pre-upload check: `npm run check -- FILE [--out DIR] [--agency CODE] [--person-key SECRET]`. Runs the readers
// and validation on a local file, no AWS, and writes summary.json and outcomes.csv. Exit 0: every row accepted;
// 1: some rows rejected; 2: the file cannot be used at all (missing or unreadable: no report written, an earlier
// one kept; not text, no header, …: a failed report); 64: bad usage; 70: the check itself failed (a bug).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BatchFailedError } from '#domain/errors.ts';
import { type PersonKeySecret, readPersonKeySecret } from '../shared/aws/person-key-secret.ts';
import { checkFile } from './check-file.ts';

const USAGE = 'usage: npm run check -- FILE [--out DIR] [--agency CODE] [--person-key FILE|ARN]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'check-report' },
      agency: { type: 'string', default: 'local' },
      // the secret a register's keys are sealed under (.dancu/person-key.json, or the stack's secret ARN)
      'person-key': { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error(USAGE);
    return 64;
  }
  const outDir = resolve(values.out);
  const secret = values['person-key'];
  let personKey: PersonKeySecret | undefined;
  try {
    personKey = secret
      ? await readPersonKeySecret(/^arn:|^file:/.test(secret) ? secret : pathToFileURL(resolve(secret)).href)
      : undefined;
  } catch (error) {
    console.error(`cannot read the person-key secret ${secret}: ${(error as Error).message}`);
    return 64;
  }
  console.error(
    secret
      ? `person keys: sealed under ${secret}, as the register holding it would seal them`
      : 'person keys: sealed under a throwaway secret made for this run (keys begin p0:): the same person has ' +
          'the same key within this report, and no key can be matched to another run or to the register',
  );
  let summary: Awaited<ReturnType<typeof checkFile>>;
  try {
    summary = await checkFile(file, outDir, { agencyCode: values.agency, progress: true, personKey });
  } catch (error) {
    if (!(error instanceof BatchFailedError)) throw error;
    console.error(`${error.message}\nno report written; ${outDir} is as it was`);
    return 2;
  }
  console.log(JSON.stringify(summary, null, 2));
  console.error(`report written to ${outDir}`);
  if (summary.kind === 'corrections')
    console.error(
      'a correction file (DC02): applied and pending_approval are what each row gets if the register holds its ' +
        'old value (only the register can tell); rejected rows are refused whatever it holds',
    );
  if (summary.failure) {
    console.error(summary.failure.message);
    return 2;
  }
  return (summary.outcomes.rejected ?? 0) > 0 ? 1 : 0;
}

process.exitCode = await main().catch((error: unknown) => {
  // not a row's or the file's fault: an exit code of its own, never 1 ("rows rejected") or 2
  console.error('the check failed / kiểm tra bị lỗi:', error);
  return 70;
});
