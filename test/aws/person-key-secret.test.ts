import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { hmacKeyer } from '#domain/person-keyer.ts';
import { loadPersonKeyer, personKeyerFromEnvironment } from '../../shared/aws/person-key-secret.ts';

const VALUE = { version: 4, secret: 'the deployed secret, 32 bytes at least' };
const secrets = mockClient(SecretsManagerClient);
afterEach(() => {
  secrets.reset();
  delete process.env.PERSON_KEY_SECRET;
});

describe('the person-key secret', () => {
  it('reads Secrets Manager once per container, however many keys are sealed', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(VALUE) });
    process.env.PERSON_KEY_SECRET = 'arn:aws:secretsmanager:ap-southeast-1:111122223333:secret:person-keys';
    const keyer = personKeyerFromEnvironment();
    const first = await keyer();
    for (let i = 0; i < 5; i++) expect(await keyer()).toBe(first);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input.SecretId).toBe(
      process.env.PERSON_KEY_SECRET,
    );
    expect(first.seal('id:064090123456')).toBe(hmacKeyer(VALUE.secret, 4).seal('id:064090123456'));
  });

  it('tries again after a failed read, and never puts the value in an error', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: JSON.stringify({ version: 1, secret: 'short' }) });
    process.env.PERSON_KEY_SECRET = 'person-keys';
    const keyer = personKeyerFromEnvironment();
    await expect(keyer()).rejects.toThrow('throttled');
    const refused = await keyer().catch((error: Error) => error.message);
    expect(refused).toMatch(/is not \{version, secret\}/);
    expect(refused).not.toContain('short');
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
