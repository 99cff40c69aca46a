// The verbs of `npm run agencies` that let machines and people in (add-client, remove-client, add-person,
// remove-person, set-roles): their command lines, and what each does on the fake agencies table and the fake user
// pool (--aws) or as the local stack's sign-in stand-in (no pool); bad usage exits 64, as a process.
import { describe, expect, it } from 'vitest';
import { parseAgencyCommand, runAgencyCommand } from '../../local/agencies-command.ts';
import { ACCESS_CODES } from '../../local/user-pool.ts';
import { MemoryAgencies } from '../fakes/agencies.ts';
import { MemoryUserPool } from '../fakes/user-pool.ts';
import { runScript } from '../fixtures/script.ts';

const ENV = { USER: 'lan' };
const EMAIL = 'can.bo@pleiku.example.vn';

describe('the command lines', () => {
  it.each([
    [['add-client', 'CA-X'], { command: { verb: 'add-client', code: 'CA-X', name: 'system' }, aws: false }],
    [
      ['add-client', 'CA-X', '--name', 'hk-app', '--aws', '--user-pool', 'ap-southeast-1_abc'],
      {
        command: { verb: 'add-client', code: 'CA-X', name: 'hk-app' },
        aws: true,
        userPool: 'ap-southeast-1_abc',
      },
    ],
    [
      ['remove-client', 'CA-X', 'abc123'],
      { command: { verb: 'remove-client', code: 'CA-X', clientId: 'abc123' } },
    ],
    [
      ['add-person', 'CA-X', EMAIL, '--role', 'reviewer', '--role', 'viewer,reviewer'],
      { command: { verb: 'add-person', code: 'CA-X', email: EMAIL, roles: ['reviewer', 'viewer'] } },
    ],
    [['remove-person', EMAIL], { command: { verb: 'remove-person', email: EMAIL } }],
    [
      ['set-roles', EMAIL, '--role', 'viewer'],
      { command: { verb: 'set-roles', email: EMAIL, roles: ['viewer'] } },
    ],
    // an unknown role is not a usage error: it is refused with its code when run
    [
      ['set-roles', EMAIL, '--role', 'admin'],
      { command: { verb: 'set-roles', email: EMAIL, roles: ['admin'] } },
    ],
  ])('%j', (args, expected) => {
    expect(parseAgencyCommand(args, ENV)).toMatchObject(expected);
  });

  it('takes the pool and the sign-in address from the environment', () => {
    const env = { ...ENV, DANCU_USER_POOL_ID: 'pool-env', DANCU_SIGN_IN_URL: 'https://x.auth.example' };
    expect(parseAgencyCommand(['remove-person', EMAIL, '--aws'], env)).toMatchObject({
      userPool: 'pool-env',
      signInUrl: 'https://x.auth.example',
    });
    expect(parseAgencyCommand(['remove-person', EMAIL, '--user-pool', 'p'], env)?.userPool).toBe('p');
  });

  it.each([
    [['add-client']],
    [['add-client', 'CA-X', 'more']],
    [['add-client', 'CA-X', '--name', 'has space']],
    [['add-client', 'CA-X', '--kind', 'police']],
    [['add-client', 'CA-X', '--role', 'uploader']],
    [['remove-client', 'CA-X']],
    [['remove-client', 'CA-X', 'abc', 'def']],
    [['add-person', 'CA-X', EMAIL]],
    [['add-person', EMAIL, '--role', 'viewer']],
    [['add-person', 'CA-X', 'not-an-email', '--role', 'viewer']],
    [['add-person', 'CA-X', EMAIL, '--role', 'viewer', '--json']],
    [['remove-person']],
    [['remove-person', 'CA-X']],
    [['remove-person', EMAIL, '--role', 'viewer']],
    [['set-roles', EMAIL]],
    [['set-roles', 'CA-X', EMAIL, '--role', 'viewer']],
    [['disable', 'CA-X', '--role', 'viewer']],
  ])('refuses %j', (args) => {
    expect(parseAgencyCommand(args, ENV)).toBeUndefined();
  });

  it('exits 64 with its usage on a bad command line, and when --aws has no user pool', async () => {
    const bad = await runScript('local/agencies.ts', ['add-person', 'CA-X', EMAIL]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('add-person CODE EMAIL --role R');
    const noPool = await runScript('local/agencies.ts', ['remove-person', EMAIL, '--aws', '--table', 'T']);
    expect(noPool.code).toBe(64);
    expect(noPool.stderr).toContain('--user-pool or DANCU_USER_POOL_ID');
  });
});

describe('the verbs', () => {
  const run = async (args: string[], agencies: MemoryAgencies, pool?: MemoryUserPool) => {
    const out: string[] = [];
    const err: string[] = [];
    const line = parseAgencyCommand(args, ENV);
    if (!line) throw new Error(`not a command: ${args.join(' ')}`);
    const code = await runAgencyCommand(
      line,
      agencies,
      { out: (text) => out.push(text), err: (text) => err.push(text), read: async () => '' },
      pool,
    );
    return { code, out, err };
  };
  const codeOf = (line: string | undefined) => line?.split(': ')[1]?.split(' ')[0];
  const world = () => ({
    agencies: MemoryAgencies.of(
      { code: 'CA-PLEIKU' },
      { code: 'CA-OLD', active: false },
      { code: 'NEN-TANG', kind: 'platform' },
    ),
    pool: new MemoryUserPool(),
  });

  describe('add-client and remove-client', () => {
    it('with --aws: makes the Cognito client, lists it, prints its secret once; the lookup admits it', async () => {
      const { agencies, pool } = world();
      const { code, out, err } = await run(
        ['add-client', 'CA-PLEIKU', '--name', 'hk', '--aws'],
        agencies,
        pool,
      );
      expect([code, err]).toEqual([0, []]);
      const [clientId, made] = [...pool.clients.entries()][0] ?? [];
      expect(made?.clientName).toBe('agency-CA-PLEIKU-hk');
      expect(out.filter((text) => text.includes(made?.clientSecret ?? '?'))).toHaveLength(1);
      expect(out.join('\n')).toContain('kept nowhere else');
      expect(out.join('\n')).toContain(
        `curl -u ${clientId}:$CLIENT_SECRET -d grant_type=client_credentials $SIGN_IN_URL/oauth2/token`,
      );
      expect((await agencies.get('CA-PLEIKU'))?.machineClients).toEqual([clientId]);
      expect(await agencies.machineClient(clientId ?? '')).toEqual({
        clientId,
        agency: 'CA-PLEIKU',
        active: true,
      });
    });

    it('refuses an unknown or disabled agency before Cognito makes anything', async () => {
      const { agencies, pool } = world();
      const unknown = await run(['add-client', 'CA-NOWHERE', '--aws'], agencies, pool);
      const disabled = await run(['add-client', 'CA-OLD', '--aws'], agencies, pool);
      expect([unknown.code, codeOf(unknown.err[0])]).toEqual([1, 'AGENCY_UNKNOWN']);
      expect([disabled.code, codeOf(disabled.err[0])]).toEqual([1, 'AGENCY_DISABLED']);
      expect(pool.clients.size).toBe(0);
    });

    it('locally: registers the conventional client, idempotently', async () => {
      const { agencies } = world();
      const first = await run(['add-client', 'CA-PLEIKU'], agencies);
      const again = await run(['add-client', 'CA-PLEIKU'], agencies);
      expect([first.code, again.code]).toEqual([0, 0]);
      expect(first.out[0]).toBe('CA-PLEIKU: machine client registered (local stack)');
      expect(again.out[0]).toBe('CA-PLEIKU: machine client already registered (local stack)');
      expect(first.out).toContain('client id:     dancu-local-machine-CA-PLEIKU');
      expect(first.out.join('\n')).toContain(
        '--client dancu-local-machine-CA-PLEIKU --secret local-secret-CA-PLEIKU',
      );
      expect((await agencies.get('CA-PLEIKU'))?.machineClients).toEqual(['dancu-local-machine-CA-PLEIKU']);
    });

    it('removes: the lookup no longer admits it, Cognito deletes it; a client the agency does not list is left', async () => {
      const { agencies, pool } = world();
      await run(['add-client', 'CA-PLEIKU', '--aws'], agencies, pool);
      const [clientId] = [...pool.clients.keys()];
      const other = await run(['remove-client', 'NEN-TANG', clientId ?? '', '--aws'], agencies, pool);
      expect([other.code, codeOf(other.err[0])]).toEqual([1, 'CLIENT_UNKNOWN']);
      expect(pool.clients.has(clientId ?? '')).toBe(true);

      const removed = await run(['remove-client', 'CA-PLEIKU', clientId ?? '', '--aws'], agencies, pool);
      expect(removed.code).toBe(0);
      expect(await agencies.machineClient(clientId ?? '')).toBeUndefined();
      expect(pool.clients.size).toBe(0);
      const unknown = await run(['remove-client', 'CA-NOWHERE', 'x', '--aws'], agencies, pool);
      expect([unknown.code, codeOf(unknown.err[0])]).toEqual([1, 'AGENCY_UNKNOWN']);
    });
  });

  describe('add-person', () => {
    it('with --aws: creates the person with their agency, in one group per role', async () => {
      const { agencies, pool } = world();
      const { code, out } = await run(
        ['add-person', 'CA-PLEIKU', EMAIL, '--role', 'reviewer', '--role', 'approver', '--aws'],
        agencies,
        pool,
      );
      expect(code).toBe(0);
      expect(pool.people.get(EMAIL)).toMatchObject({
        agency: 'CA-PLEIKU',
        enabled: true,
        groups: ['reviewer', 'approver'],
      });
      // the person is named by their sub, never by their e-mail
      expect(out.join('\n')).not.toContain(EMAIL);
      expect(out[0]).toMatch(/^CA-PLEIKU: person sub-\d+ added with roles reviewer, approver\. /);
    });

    it('again: the roles added to; refused for a person of another agency, or disabled', async () => {
      const { agencies, pool } = world();
      await run(['add-person', 'CA-PLEIKU', EMAIL, '--role', 'viewer', '--aws'], agencies, pool);
      const again = await run(
        ['add-person', 'CA-PLEIKU', EMAIL, '--role', 'reviewer', '--aws'],
        agencies,
        pool,
      );
      expect(again.code).toBe(0);
      expect(pool.people.get(EMAIL)?.groups).toEqual(['viewer', 'reviewer']);
      await agencies.put(
        { code: 'CA-ANKHE', name: 'A', kind: 'police', unit: { code: '623', vintage: 2020 } },
        'x',
      );
      const other = await run(['add-person', 'CA-ANKHE', EMAIL, '--role', 'viewer', '--aws'], agencies, pool);
      expect([other.code, codeOf(other.err[0])]).toEqual([1, 'PERSON_OTHER_AGENCY']);
      await run(['remove-person', EMAIL, '--aws'], agencies, pool);
      const disabled = await run(
        ['add-person', 'CA-PLEIKU', EMAIL, '--role', 'viewer', '--aws'],
        agencies,
        pool,
      );
      expect([disabled.code, codeOf(disabled.err[0])]).toEqual([1, 'PERSON_DISABLED']);
      expect(pool.people.get(EMAIL)?.groups).toEqual(['viewer', 'reviewer']);
    });

    it.each([
      [['CA-NOWHERE', '--role', 'viewer'], ['AGENCY_UNKNOWN']],
      [['CA-OLD', '--role', 'viewer'], ['AGENCY_DISABLED']],
      [
        ['CA-PLEIKU', '--role', 'admin', '--role', 'viewer', '--role', 'boss'],
        ['ROLE_UNKNOWN', 'ROLE_UNKNOWN'],
      ],
      [['CA-PLEIKU', '--role', 'platform'], ['PLATFORM_ROLE_OUTSIDE_PLATFORM']],
      [['NEN-TANG', '--role', 'platform,uploader'], ['PLATFORM_NO_PERSONAL_DATA']],
    ])('refuses %j with %j, locally and with --aws, and creates no one', async (args, codes) => {
      const { agencies, pool } = world();
      const [agency, ...roles] = args as [string, ...string[]];
      for (const aws of [[], ['--aws']]) {
        const { code, err } = await run(['add-person', agency, EMAIL, ...roles, ...aws], agencies, pool);
        expect(code).toBe(1);
        expect(err.map(codeOf)).toEqual(codes);
        for (const line of err) expect(line).not.toContain(EMAIL);
      }
      expect(pool.people.size).toBe(0);
    });

    it('locally: prints the sign-in line that stands in for the person', async () => {
      const { agencies } = world();
      const { code, out } = await run(
        ['add-person', 'CA-PLEIKU', EMAIL, '--role', 'uploader,viewer'],
        agencies,
      );
      expect(code).toBe(0);
      expect(out).toContain('npm run -s sign-in -- --agency CA-PLEIKU --role uploader --role viewer');
    });
  });

  describe('remove-person and set-roles', () => {
    it('remove-person disables and signs out, keeping the person (and their sub)', async () => {
      const { agencies, pool } = world();
      await run(['add-person', 'CA-PLEIKU', EMAIL, '--role', 'viewer', '--aws'], agencies, pool);
      const { code, out } = await run(['remove-person', EMAIL, '--aws'], agencies, pool);
      expect(code).toBe(0);
      expect(pool.people.get(EMAIL)).toMatchObject({ enabled: false, signedOut: true });
      expect(out[0]).toContain('the audit trail names them by this sub');
      const none = await run(['remove-person', 'nobody@example.vn', '--aws'], agencies, pool);
      expect([none.code, codeOf(none.err[0])]).toEqual([1, 'PERSON_UNKNOWN']);
    });

    it('set-roles adds and removes groups to match, leaving groups that are not roles', async () => {
      const { agencies, pool } = world();
      await run(['add-person', 'CA-PLEIKU', EMAIL, '--role', 'viewer,uploader', '--aws'], agencies, pool);
      pool.people.get(EMAIL)?.groups.push('beta-testers');
      const { code, out } = await run(
        ['set-roles', EMAIL, '--role', 'reviewer,viewer', '--aws'],
        agencies,
        pool,
      );
      expect(code).toBe(0);
      expect(pool.people.get(EMAIL)?.groups.sort()).toEqual(['beta-testers', 'reviewer', 'viewer']);
      expect(out[0]).toMatch(/added: reviewer; removed: uploader\)/);
    });

    it('set-roles refuses an unknown role, a role the agency may not hold, and an unknown person', async () => {
      const { agencies, pool } = world();
      await run(['add-person', 'CA-PLEIKU', EMAIL, '--role', 'viewer', '--aws'], agencies, pool);
      const unknown = await run(['set-roles', EMAIL, '--role', 'admin', '--aws'], agencies, pool);
      const platform = await run(['set-roles', EMAIL, '--role', 'platform', '--aws'], agencies, pool);
      const nobody = await run(
        ['set-roles', 'nobody@example.vn', '--role', 'viewer', '--aws'],
        agencies,
        pool,
      );
      expect([unknown, platform, nobody].map(({ code, err }) => [code, codeOf(err[0])])).toEqual([
        [1, 'ROLE_UNKNOWN'],
        [1, 'PLATFORM_ROLE_OUTSIDE_PLATFORM'],
        [1, 'PERSON_UNKNOWN'],
      ]);
      expect(pool.people.get(EMAIL)?.groups).toEqual(['viewer']);
    });

    it('locally: no people are held, so nothing is changed', async () => {
      const { agencies } = world();
      expect((await run(['remove-person', EMAIL], agencies)).code).toBe(0);
      const roles = await run(['set-roles', EMAIL, '--role', 'viewer'], agencies);
      expect(roles.out).toContain('npm run -s sign-in -- --agency CODE --role viewer');
    });
  });

  it('has a Vietnamese and an English message for every code', () => {
    for (const [code, { vi, en }] of Object.entries(ACCESS_CODES)) {
      expect(vi, code).toMatch(/\S/);
      expect(en, code).toMatch(/\S/);
      expect(vi, code).not.toBe(en);
    }
  });
});
