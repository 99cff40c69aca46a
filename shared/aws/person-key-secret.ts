// dancu's person-key secret (issue 16), read once per container by the function that seals person keys (the
// register). In AWS PERSON_KEY_SECRET names a Secrets Manager secret encrypted with a KMS key only that function may
// use; locally it is `file:` and the path of the secret the local stack made on its first start (.dancu/).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
// zod/mini: classic zod would add 430 KB to the bundle of the function that reads it (docs/benchmarks.md)
import * as z from 'zod/mini';
import { hmacKeyer, type PersonKeyer } from '#domain/person-keyer.ts';
import { env, requestHandlerOptions } from './env.ts';

/** The secret's value: the version its keys carry (`p1:`) and the secret itself. */
export const PersonKeySecret = z.strictObject({
  version: z.int().check(z.minimum(1)),
  secret: z.string().check(z.minLength(32)),
});
export type PersonKeySecret = z.infer<typeof PersonKeySecret>;

/** The secret a reference names: `file:` and a path, or a Secrets Manager secret's ARN or name. */
export async function readPersonKeySecret(reference: string): Promise<PersonKeySecret> {
  const text = reference.startsWith('file:')
    ? await readFile(fileURLToPath(reference), 'utf8')
    : await secretString(reference);
  const parsed = PersonKeySecret.safeParse(JSON.parse(text));
  // never the value in the message: it is the secret
  if (!parsed.success) throw new Error(`the person-key secret ${reference} is not {version, secret}`);
  return parsed.data;
}

async function secretString(secretId: string): Promise<string> {
  const client = new SecretsManagerClient({ requestHandler: requestHandlerOptions() });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`the person-key secret ${secretId} holds no string`);
    return SecretString;
  } finally {
    client.destroy();
  }
}

export async function loadPersonKeyer(reference: string): Promise<PersonKeyer> {
  const { version, secret } = await readPersonKeySecret(reference);
  return hmacKeyer(secret, version);
}

/**
 * The keyer of PERSON_KEY_SECRET, read on first use and kept for the container's life: one Secrets Manager call
 * (and one KMS decrypt behind it) per container, never one per key. A failed read is tried again next time.
 */
export function personKeyerFromEnvironment(): () => Promise<PersonKeyer> {
  let loading: Promise<PersonKeyer> | undefined;
  return () => {
    loading ??= (async () => loadPersonKeyer(env('PERSON_KEY_SECRET')))().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
