import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hmacKeyer } from '#domain/person-keyer.ts';
import { loadPersonKeyer, personKeyerFromEnvironment } from '../../shared/aws/person-key-secret.ts';
import { loadPersonKeyerWithSdk } from '../../shared/aws/person-key-secret-sdk.ts';

const VALUE = { version: 4, secret: 'the deployed secret, 32 bytes at least' };
const secrets = mockClient(SecretsManagerClient);
/** The Parameters and Secrets extension as a Lambda function's layer runs it: answers, and what it was asked. */
let extension: Server;
const asked: IncomingMessage[] = [];
let answers: { status: number; body: string }[] = [];
beforeAll(async () => {
  extension = createServer((request, response) => {
    asked.push(request);
    const { status, body } = answers.shift() ?? { status: 500, body: '' };
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => extension.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => extension.close(() => resolve())));
beforeEach(() => {
  process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String((extension.address() as AddressInfo).port);
  process.env.AWS_SESSION_TOKEN = 'the-session-token';
});
afterEach(() => {
  secrets.reset();
  asked.length = 0;
  answers = [];
  delete process.env.PERSON_KEY_SECRET;
  delete process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT;
  delete process.env.AWS_SESSION_TOKEN;
});

describe('the person-key secret', () => {
  it('reads the secret through the Lambda extension once per container, however many keys are sealed', async () => {
    answers = [{ status: 200, body: JSON.stringify({ SecretString: JSON.stringify(VALUE) }) }];
    process.env.PERSON_KEY_SECRET = 'arn:aws:secretsmanager:ap-southeast-1:111122223333:secret:person-keys';
    const keyer = personKeyerFromEnvironment();
    const first = await keyer();
    for (let i = 0; i < 5; i++) expect(await keyer()).toBe(first);
    expect(asked).toHaveLength(1);
    const url = new URL(asked[0]?.url ?? '', 'http://localhost');
    expect(url.pathname).toBe('/secretsmanager/get');
    expect(url.searchParams.get('secretId')).toBe(process.env.PERSON_KEY_SECRET);
    // the extension refuses a call without the function's session token
    expect(asked[0]?.headers['x-aws-parameters-secrets-token']).toBe('the-session-token');
    expect(first.seal('id:064090123456')).toBe(hmacKeyer(VALUE.secret, 4).seal('id:064090123456'));
    // no Secrets Manager client in a function: the SDK is the operator's tools' alone
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('tries again after a failed read, and never puts the value in an error', async () => {
    answers = [
      { status: 400, body: 'the extension could not read it' },
      {
        status: 200,
        body: JSON.stringify({ SecretString: JSON.stringify({ version: 1, secret: 'short' }) }),
      },
    ];
    process.env.PERSON_KEY_SECRET = 'person-keys';
    const keyer = personKeyerFromEnvironment();
    await expect(keyer()).rejects.toThrow(/person-keys: the extension answered 400/);
    const refused = await keyer().catch((error: Error) => error.message);
    expect(refused).toMatch(/is not \{version, secret\}/);
    expect(refused).not.toContain('short');
  });

  it('reads Secrets Manager with the SDK in an operator’s tool', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(VALUE) });
    const keyer = await loadPersonKeyerWithSdk('person-keys');
    expect(keyer.version).toBe(4);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input.SecretId).toBe('person-keys');
    expect(asked).toHaveLength(0);
  });

  it('reads the local stack’s file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'dancu-key-')), 'person-key.json');
    await writeFile(file, JSON.stringify(VALUE));
    const keyer = await loadPersonKeyer(pathToFileURL(file).href);
    expect(keyer.version).toBe(4);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('fails clearly without the variable', async () => {
    await expect(personKeyerFromEnvironment()()).rejects.toThrow(/PERSON_KEY_SECRET is not set/);
  });
});
