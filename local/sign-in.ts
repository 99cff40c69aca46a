// `npm run -s sign-in -- --agency CODE --role ROLE [--role ROLE…] [--subject SUB]`: signs a person in to the
// running local stack (the PKCE flow of its sign-in stand-in) and prints the ID token, for
// `curl -H "Authorization: Bearer $(npm run -s sign-in -- …)"`. With `--client ID --secret S [--scope S…]`: a
// machine's client-credentials access token instead. Exit 0 with the token on stdout, 1 when refused, 64 on
// bad usage. `--url` names the server (default: the local stack's, from .dancu/local.json).
import { parseArgs } from 'node:util';
import { ROLES, rolesOf } from '../shared/api/caller.ts';
import { clientCredentials, SignInError, signInAs } from './runtime/sign-in-client.ts';
import { localStackInfo } from './target.ts';

const USAGE =
  'usage: npm run -s sign-in -- --agency CODE --role ROLE [--role ROLE…] [--subject SUB] [--url URL]\n' +
  '       npm run -s sign-in -- --client ID --secret SECRET [--scope SCOPE…] [--url URL]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      agency: { type: 'string' },
      role: { type: 'string', multiple: true },
      subject: { type: 'string' },
      client: { type: 'string' },
      secret: { type: 'string' },
      scope: { type: 'string', multiple: true },
      url: { type: 'string' },
    },
  });
  const url = values.url ?? localStackInfo()?.endpoints.http;
  if (!url) {
    console.error('no local stack: start it with `npm start`, or name a server with --url');
    return 64;
  }
  if (values.client) {
    if (!values.secret) {
      console.error(USAGE);
      return 64;
    }
    const { accessToken } = await clientCredentials(url, {
      clientId: values.client,
      clientSecret: values.secret,
      ...(values.scope ? { scopes: values.scope } : {}),
    });
    console.log(accessToken);
    return 0;
  }
  const names = (values.role ?? []).flatMap((role) => role.split(','));
  const roles = rolesOf(names);
  if (!values.agency || roles.length === 0 || roles.length !== new Set(names).size) {
    console.error(USAGE);
    console.error(`roles: ${ROLES.join(', ')}`);
    return 64;
  }
  const { idToken } = await signInAs(url, {
    agency: values.agency,
    roles,
    ...(values.subject ? { subject: values.subject } : {}),
  });
  console.log(idToken);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof SignInError) console.error(error.message);
    else console.error(`sign-in failed: ${(error as Error).message} (is the local stack running? npm start)`);
    process.exit(1);
  },
);
