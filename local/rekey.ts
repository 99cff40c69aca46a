// `npm run rekey -- [--dry-run] [--restart] [--segments N] [--force] [--dir DIR] [--state FILE]
//   [--aws [--register-table T] [--batches-table T] [--bucket B] [--person-key-secret ARN]]`
// Seals the person keys of a register written before issue 16, and of its reports (docs/operations.md, "Re-keying
// the register"). Locally it needs `npm start` running and reads the stack's own secret (.dancu/person-key.json);
// with --aws the stack outputs and the register function's PERSON_KEY_SECRET from the environment or the flags.
// Exit 0: done (or a dry run); 1: done, with items left in place or a run stopped half-way; 2: refused (work in
// flight, a secret that is not the register's); 64: bad usage.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPersonKeyerWithSdk } from '../shared/aws/person-key-secret-sdk.ts';
import { PERSON_KEY_FILE } from './runtime/person-key.ts';
import { resolveTarget, useLocalStack } from './target.ts';

const USAGE =
  'usage: npm run rekey -- [--dry-run] [--restart] [--segments N] [--force] [--dir DIR] [--state FILE] ' +
  '[--aws [--register-table T] [--batches-table T] [--bucket B] [--person-key-secret ARN]]';
const DEFAULT_SEGMENTS = 4;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      restart: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      segments: { type: 'string', default: String(DEFAULT_SEGMENTS) },
      dir: { type: 'string', default: '.dancu' },
      state: { type: 'string' },
      aws: { type: 'boolean', default: false },
      'register-table': { type: 'string' },
      'batches-table': { type: 'string' },
      bucket: { type: 'string' },
      'person-key-secret': { type: 'string' },
    },
  });
  const segments = Number(values.segments);
  if (positionals.length > 0 || !Number.isInteger(segments) || segments < 1 || segments > 1000000) {
    console.error(USAGE);
    return 64;
  }
  const target = resolveTarget({ aws: values.aws, bucket: values.bucket, dir: values.dir });
  const registerTable = values['register-table'] ?? target.tables.register;
  const batchesTable = values['batches-table'] ?? target.tables.batches;
  const localSecret = join(values.dir, PERSON_KEY_FILE);
  const secret = values.aws
    ? (values['person-key-secret'] ?? process.env.DANCU_PERSON_KEY_SECRET)
    : existsSync(localSecret)
      ? pathToFileURL(resolve(localSecret)).href
      : undefined;
  if (!registerTable || !batchesTable || !secret) {
    console.error(
      values.aws
        ? '--aws needs the register and batches tables (DANCU_TABLE_REGISTER, DANCU_TABLE_BATCHES or the flags) ' +
            'and the register function’s PERSON_KEY_SECRET (DANCU_PERSON_KEY_SECRET or --person-key-secret)'
        : `no person-key secret at ${localSecret}: start the local stack once (npm start) with this version`,
    );
    console.error(USAGE);
    return 64;
  }
  if (target.kind === 'local') useLocalStack(target);
  const stateFile = resolve(values.state ?? join(values.dir, 'rekey-state.json'));
  await mkdir(dirname(stateFile), { recursive: true });
  // the stores build their SDK clients as they load: only now that the environment says where to
  const [{ rekeyStack, WorkInFlightError }, { ForeignSecretError }] = await Promise.all([
    import('./rekey-stack.ts'),
    import('../shared/store/register-rekey.ts'),
  ]);
  const keyer = await loadPersonKeyerWithSdk(secret);
  const stop = new AbortController();
  // Ctrl-C: finish the pages being written, save where each segment got to, and stop
  process.once('SIGINT', () => stop.abort());
  console.error(
    `re-keying ${target.kind === 'local' ? 'the local stack' : 'AWS'}: register ${registerTable}, ` +
      `reports in ${target.bucket}, under person-key secret version ${keyer.version}`,
  );
  try {
    const { register, reports } = await rekeyStack({
      registerTable,
      batchesTable,
      bucket: target.bucket,
      keyer,
      segments,
      stateFile,
      dryRun: values['dry-run'],
      restart: values.restart,
      force: values.force,
      signal: stop.signal,
      log: (line) => console.log(line),
    });
    const finished = register.complete && reports?.complete === true;
    return finished && register.collisions === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof WorkInFlightError || error instanceof ForeignSecretError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
