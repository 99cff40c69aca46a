// `npm run agencies -- COMMAND [--aws] [--table T] [--by NAME] [--dir DIR]`: the agencies table, changed with no deploy
// (issue 17; docs/operations.md, "Agencies as data").
//   import FILE                     CSV (code,name,kind,unit_code,vintage) or JSON; each bad row reported with its code
//   add --code C --name N --kind K --unit U --vintage V
//   disable CODE | enable CODE      its uploads and calls refused (AGENCY_DISABLED), or admitted again
//   list [--json]
// Who gets in (docs/operations.md, "Who gets in: agencies, machines, people"):
//   add-client CODE [--name NAME]   an OAuth client (client credentials, scopes dancu/upload dancu/read) for the
//                                   agency's system; its id and secret printed once. Locally: dancu-local-machine-CODE
//   remove-client CODE CLIENT_ID    off the agency (refused within a minute), then out of the user pool
//   add-person CODE EMAIL --role R [--role R…]   a person of the agency (Cognito e-mails a temporary password; the
//                                   first sign-in sets an authenticator app). Locally: the sign-in line that stands in
//   remove-person EMAIL             disabled (not deleted: the audit trail keeps the sub) and signed out everywhere
//   set-roles EMAIL --role R [--role R…]   the person's groups made to match
//   roles: uploader, reviewer, approver, viewer, platform (docs/jurisdiction.md)
// Locally the table of `npm start` (.dancu/local.json); with --aws the stack output AgenciesTableName, from --table or
// DANCU_TABLE_AGENCIES, and for the verbs of who gets in the stack output UserPoolId, from --user-pool or
// DANCU_USER_POOL_ID (DANCU_SIGN_IN_URL, the output SignInUrl, completes the token line), with the usual AWS
// credentials. The functions see a change within a minute (their cache).
// Exit 0: done; 1: done, with rows refused or held otherwise (conflicts), or refused with a code; 64: bad usage.
import { readFile } from 'node:fs/promises';
import { AGENCIES_USAGE, POOL_VERBS, parseAgencyCommand, runAgencyCommand } from './agencies-command.ts';
import { resolveTarget, useLocalStack } from './target.ts';

async function main(): Promise<number> {
  const line = parseAgencyCommand(process.argv.slice(2));
  if (!line) {
    console.error(AGENCIES_USAGE);
    return 64;
  }
  const target = resolveTarget({ aws: line.aws, bucket: line.aws ? 'n/a' : undefined, dir: line.dir });
  const table = line.table ?? target.tables.agencies;
  if (!table) {
    console.error(
      line.aws
        ? '--aws needs --table or DANCU_TABLE_AGENCIES (the stack output AgenciesTableName)'
        : `no agencies table in ${line.dir}/local.json: restart \`npm start\``,
    );
    return 64;
  }
  const needsPool = line.aws && POOL_VERBS.has(line.command.verb);
  if (needsPool && !line.userPool) {
    console.error(
      '--aws needs --user-pool or DANCU_USER_POOL_ID (the stack output UserPoolId) for this verb',
    );
    return 64;
  }
  if (target.kind === 'local') useLocalStack(target);
  // after the environment is set: the store's client reads it as it loads
  const { AgencyStore } = await import('../shared/store/agency-store.ts');
  const pool =
    needsPool && line.userPool
      ? new (await import('./user-pool.ts')).CognitoUserPool(line.userPool)
      : undefined;
  return runAgencyCommand(
    line,
    new AgencyStore(table),
    {
      out: (text) => console.log(text),
      err: (text) => console.error(text),
      read: (file) => readFile(file, 'utf8'),
    },
    pool,
  );
}

process.exitCode = await main();
