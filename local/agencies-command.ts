// The operator command `npm run agencies` (local/agencies.ts runs it): its command line, and what each verb does
// with the agencies table, on the Agencies port so that a test runs it on the fake.
import { parseArgs } from 'node:util';
import { isRole, PERSONAL_DATA_ROLES, ROLES } from '../shared/domain/roles.ts';
import type { Agency } from '../shared/model/agency.ts';
import type { Agencies } from '../shared/model/ports.ts';
import {
  type AgencyFileProblem,
  checkAgency,
  describeCode,
  describeProblem,
  parseAgencyFile,
} from './agencies-file.ts';
import { type AccessCode, describeAccessCode, type UserPool } from './user-pool.ts';

export const AGENCIES_USAGE = [
  'usage: npm run agencies -- import FILE | add --code C --name N --kind K --unit U --vintage V |',
  '       disable CODE | enable CODE | list [--json] |',
  '       add-client CODE [--name NAME] | remove-client CODE CLIENT_ID |',
  '       add-person CODE EMAIL --role R [--role R…] | remove-person EMAIL | set-roles EMAIL --role R [--role R…]',
  '       [--aws [--table T] [--user-pool POOL_ID]] [--by NAME] [--dir DIR]',
  `roles: ${ROLES.join(', ')}`,
].join('\n');

export type AgencyCommand =
  | { verb: 'import'; file: string }
  | { verb: 'add'; fields: Record<string, string> }
  | { verb: 'disable' | 'enable'; code: string }
  | { verb: 'list'; json: boolean }
  | { verb: 'add-client'; code: string; name: string }
  | { verb: 'remove-client'; code: string; clientId: string }
  | { verb: 'add-person'; code: string; email: string; roles: string[] }
  | { verb: 'remove-person'; email: string }
  | { verb: 'set-roles'; email: string; roles: string[] };

/** The verbs that change who gets in; with --aws they need the user pool. */
export const POOL_VERBS: ReadonlySet<AgencyCommand['verb']> = new Set([
  'add-client',
  'remove-client',
  'add-person',
  'remove-person',
  'set-roles',
]);

export interface AgencyCommandLine {
  command: AgencyCommand;
  aws: boolean;
  /** the table's name, instead of local.json's or DANCU_TABLE_AGENCIES */
  table?: string;
  /** the people's user pool (stack output UserPoolId), from --user-pool or DANCU_USER_POOL_ID */
  userPool?: string;
  /** the hosted sign-in's address (stack output SignInUrl), from DANCU_SIGN_IN_URL, for the token line */
  signInUrl?: string;
  /** who made the change (updatedBy) */
  by: string;
  dir: string;
}

/** A machine client's name after `agency-{CODE}-`: Cognito's ClientName allows these (128 in all). */
const CLIENT_NAME = /^[\w+=,.@-]{1,64}$/;
/** Enough of an e-mail address to refuse a slip (an agency code, a role) before Cognito sees it. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DEFAULT_CLIENT_NAME = 'system';

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
  const [verb, ...operands] = positionals;
  const [first, second] = operands;
  const fields = { code: values.code, name: values.name, kind: values.kind, unit_code: values.unit };
  const anyField = Object.values(fields).some((value) => value !== undefined) || values.vintage !== undefined;
  const anyFieldButName = [values.code, values.kind, values.unit, values.vintage].some(
    (v) => v !== undefined,
  );
  // roles as given (each --role, or a comma-separated list); an unknown one is refused with its code when run
  const roles = [
    ...new Set((values.role ?? []).flatMap((role) => role.split(',')).map((role) => role.trim())),
  ];
  const one = operands.length === 1 && first !== undefined;
  const two = operands.length === 2 && first !== undefined && second !== undefined;
  let command: AgencyCommand | undefined;
  if (verb === 'import' && one && !anyField) command = { verb, file: first };
  else if (verb === 'add' && operands.length === 0) {
    const given = { ...fields, vintage: values.vintage };
    if (Object.values(given).some((value) => value === undefined)) return undefined;
    command = { verb, fields: given as Record<string, string> };
  } else if ((verb === 'disable' || verb === 'enable') && one && !anyField) command = { verb, code: first };
  else if (verb === 'list' && operands.length === 0 && !anyField) command = { verb, json: values.json };
  else if (verb === 'add-client' && one && !anyFieldButName) {
    const name = values.name ?? DEFAULT_CLIENT_NAME;
    if (CLIENT_NAME.test(name)) command = { verb, code: first, name };
  } else if (verb === 'remove-client' && two && !anyField) command = { verb, code: first, clientId: second };
  else if (verb === 'add-person' && two && !anyField && EMAIL.test(second) && roles.length > 0)
    command = { verb, code: first, email: second, roles };
  else if (verb === 'remove-person' && one && !anyField && EMAIL.test(first))
    command = { verb, email: first };
  else if (verb === 'set-roles' && one && !anyField && EMAIL.test(first) && roles.length > 0)
    command = { verb, email: first, roles };
  if (!command) return undefined;
  if (values.json && command.verb !== 'list') return undefined;
  if (values.role && command.verb !== 'add-person' && command.verb !== 'set-roles') return undefined;
  const userPool = values['user-pool'] ?? env.DANCU_USER_POOL_ID;
  return {
    command,
    aws: values.aws,
    ...(values.table ? { table: values.table } : {}),
    ...(userPool ? { userPool } : {}),
    ...(env.DANCU_SIGN_IN_URL ? { signInUrl: env.DANCU_SIGN_IN_URL } : {}),
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
      role: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      aws: { type: 'boolean', default: false },
      table: { type: 'string' },
      'user-pool': { type: 'string' },
      by: { type: 'string' },
      dir: { type: 'string', default: '.dancu' },
    },
  });
}

export interface AgencyCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  read: (file: string) => Promise<string>;
}

/**
 * Runs a command against the agencies table; what it prints goes to `out`, problems to `err`. Its exit code. `pool`
 * is the people's user pool of a deployed stage (--aws); without it the verbs that let machines and people in act
 * as the local stack does (its sign-in stand-in: conventional machine clients, no people held).
 */
export async function runAgencyCommand(
  line: Pick<AgencyCommandLine, 'command' | 'by'> & Partial<Pick<AgencyCommandLine, 'signInUrl'>>,
  agencies: Agencies,
  io: AgencyCommandIo,
  pool?: UserPool,
): Promise<number> {
  const { command, by } = line;
  switch (command.verb) {
    case 'add-client':
    case 'remove-client':
    case 'add-person':
    case 'remove-person':
    case 'set-roles':
      return runAccessCommand({ ...line, command }, agencies, io, pool);
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

type AccessCommand = Extract<
  AgencyCommand,
  { verb: 'add-client' | 'remove-client' | 'add-person' | 'remove-person' | 'set-roles' }
>;

/** The conventional machine client of an agency on the local stack (local/runtime/sign-in.ts). */
export const localMachineClient = (code: string) => ({
  clientId: `dancu-local-machine-${code}`,
  clientSecret: `local-secret-${code}`,
});

const signInLine = (code: string, roles: readonly string[]) =>
  `npm run -s sign-in -- --agency ${code} ${roles.map((role) => `--role ${role}`).join(' ')}`;

/** An agency that may act, or the code that refuses it. */
async function actingAgency(agencies: Agencies, code: string): Promise<Agency | AccessCode> {
  const agency = await agencies.get(code);
  if (!agency) return 'AGENCY_UNKNOWN';
  return agency.active ? agency : 'AGENCY_DISABLED';
}

/**
 * The refusals of roles for an agency, as shared/domain/jurisdiction.ts would refuse them at every call: no such
 * role; `platform` outside the platform agency; a personal-data role inside it.
 */
export function roleRefusals(roles: readonly string[], agency?: Pick<Agency, 'kind'>) {
  const refusals: { role: string; code: AccessCode }[] = [];
  for (const role of roles) {
    if (!isRole(role)) refusals.push({ role, code: 'ROLE_UNKNOWN' });
    else if (agency && role === 'platform' && agency.kind !== 'platform')
      refusals.push({ role, code: 'PLATFORM_ROLE_OUTSIDE_PLATFORM' });
    else if (agency?.kind === 'platform' && PERSONAL_DATA_ROLES.has(role))
      refusals.push({ role, code: 'PLATFORM_NO_PERSONAL_DATA' });
  }
  return refusals;
}

async function runAccessCommand(
  {
    command,
    by,
    signInUrl,
  }: Pick<AgencyCommandLine, 'by'> &
    Partial<Pick<AgencyCommandLine, 'signInUrl'>> & {
      command: AccessCommand;
    },
  agencies: Agencies,
  io: AgencyCommandIo,
  pool: UserPool | undefined,
): Promise<number> {
  const refuse = (who: string, code: AccessCode) => {
    io.err(`${who}: ${describeAccessCode(code)}`);
    return 1;
  };
  const refuseRoles = (who: string, refusals: { role: string; code: AccessCode }[]) => {
    for (const { role, code } of refusals) io.err(`${who}, role ${role}: ${describeAccessCode(code)}`);
    return refusals.length > 0 ? 1 : 0;
  };
  switch (command.verb) {
    case 'add-client': {
      const { code } = command;
      const agency = await actingAgency(agencies, code);
      if (typeof agency === 'string') return refuse(code, agency);
      if (!pool) {
        const { clientId, clientSecret } = localMachineClient(code);
        const outcome = await agencies.addMachineClient(code, clientId, by);
        if (outcome === 'agency-unknown' || outcome === 'other-agency')
          return refuse(code, outcome === 'agency-unknown' ? 'AGENCY_UNKNOWN' : 'CLIENT_OTHER_AGENCY');
        io.out(
          `${code}: machine client ${outcome === 'added' ? 'registered' : 'already registered'} (local stack)`,
        );
        io.out(`client id:     ${clientId}`);
        io.out(`client secret: ${clientSecret}   (the local stand-in's convention, not a secret)`);
        io.out(`token:         npm run -s sign-in -- --client ${clientId} --secret ${clientSecret}`);
        return 0;
      }
      const clientName = `agency-${code}-${command.name}`;
      const { clientId, clientSecret } = await pool.createMachineClient(clientName);
      const outcome = await agencies.addMachineClient(code, clientId, by);
      if (outcome === 'agency-unknown' || outcome === 'other-agency') {
        // the client Cognito just made is no one's: not left in the pool
        await pool.deleteMachineClient(clientId);
        return refuse(code, outcome === 'agency-unknown' ? 'AGENCY_UNKNOWN' : 'CLIENT_OTHER_AGENCY');
      }
      const tokenUrl = `${signInUrl ?? '$SIGN_IN_URL'}/oauth2/token`;
      io.out(`${code}: machine client ${clientName} added; admitted within a minute`);
      io.out(`client id:     ${clientId}`);
      io.out(`client secret: ${clientSecret}`);
      io.out(
        'The secret is shown here once and kept nowhere else (Cognito does not show it again): hand it to the ' +
          "agency's system now. Lost: remove-client, then add-client.",
      );
      io.out(
        `token:         curl -u ${clientId}:$CLIENT_SECRET -d grant_type=client_credentials ${tokenUrl}` +
          (signInUrl ? '' : '   (SIGN_IN_URL: the stack output SignInUrl)'),
      );
      io.out(
        'then:          Authorization: Bearer $ACCESS_TOKEN on MachineApiUrl (POST /uploads, GET /batches)',
      );
      return 0;
    }
    case 'remove-client': {
      const { code, clientId } = command;
      const outcome = await agencies.removeMachineClient(code, clientId, by);
      if (outcome === 'agency-unknown') return refuse(code, 'AGENCY_UNKNOWN');
      // a client the agency does not list is left in the pool: it may be another agency's (a mistyped code)
      if (outcome === 'not-listed') return refuse(`${code} ${clientId}`, 'CLIENT_UNKNOWN');
      io.out(`${code}: machine client ${clientId} removed; refused within a minute`);
      if (!pool) {
        io.out(
          'locally the sign-in stand-in still issues its tokens and the local server does not read the table',
        );
        return 0;
      }
      const deleted = await pool.deleteMachineClient(clientId);
      io.out(
        deleted
          ? `${clientId}: deleted from the user pool; it gets no new token`
          : `${clientId}: not in the user pool (already deleted)`,
      );
      return 0;
    }
    case 'add-person': {
      const { code, email, roles } = command;
      const agency = await actingAgency(agencies, code);
      if (typeof agency === 'string') return refuse(code, agency);
      if (refuseRoles(code, roleRefusals(roles, agency))) return 1;
      if (!pool) {
        io.out(`${code}: the local stack holds no people; its sign-in stand-in signs in as this person:`);
        io.out(signInLine(code, roles));
        return 0;
      }
      const created = await pool.createPerson(email, code);
      let sub = created?.sub;
      if (!created) {
        const held = await pool.getPerson(email);
        if (!held) throw new Error('Cognito says the person exists but does not find them');
        if (held.agency !== code) return refuse(code, 'PERSON_OTHER_AGENCY');
        if (!held.enabled) return refuse(code, 'PERSON_DISABLED');
        sub = held.sub;
      }
      for (const role of roles) await pool.addToGroup(email, role);
      io.out(
        created
          ? `${code}: person ${sub} added with roles ${roles.join(', ')}. Cognito e-mails them a temporary ` +
              'password; their first sign-in sets a password and an authenticator app (MFA is required).'
          : `${code}: person ${sub} already held; roles ${roles.join(', ')} given (others kept: set-roles replaces)`,
      );
      return 0;
    }
    case 'remove-person': {
      if (!pool) {
        io.out(
          'the local stack holds no people: nothing to remove (its sign-in stand-in signs in whoever asks)',
        );
        return 0;
      }
      const held = await pool.getPerson(command.email);
      if (!held || !(await pool.disablePerson(command.email))) return refuse('person', 'PERSON_UNKNOWN');
      // disabled, not deleted: the audit trail (who uploaded, reviewed, approved) names people by their sub, which
      // a deleted user's e-mail could later be given again under a new one; a disabled user keeps it, and cannot
      // sign in or refresh a token
      io.out(
        `person ${held.sub}${held.agency ? ` (${held.agency})` : ''}: disabled and signed out everywhere; ` +
          'tokens already issued expire within the hour. Kept, not deleted: the audit trail names them by this sub.',
      );
      return 0;
    }
    case 'set-roles': {
      const { email, roles } = command;
      if (refuseRoles('person', roleRefusals(roles))) return 1;
      if (!pool) {
        io.out('the local stack holds no people; sign in with the roles you want:');
        io.out(signInLine('CODE', roles));
        return 0;
      }
      const held = await pool.getPerson(email);
      if (!held) return refuse('person', 'PERSON_UNKNOWN');
      const agency = held.agency === undefined ? undefined : await agencies.get(held.agency);
      if (!agency) return refuse(`person ${held.sub}`, 'AGENCY_UNKNOWN');
      if (refuseRoles(`person ${held.sub}`, roleRefusals(roles, agency))) return 1;
      const added = roles.filter((role) => !held.groups.includes(role));
      // only the groups that are roles: any other group of the pool is not this command's
      const removed = held.groups.filter((group) => isRole(group) && !roles.includes(group));
      for (const role of added) await pool.addToGroup(email, role);
      for (const role of removed) await pool.removeFromGroup(email, role);
      io.out(
        `person ${held.sub} (${agency.code}): roles ${roles.join(', ')} (added: ${added.join(', ') || 'none'}; ` +
          `removed: ${removed.join(', ') || 'none'}); tokens already issued keep the old roles until they expire`,
      );
      return 0;
    }
  }
}
