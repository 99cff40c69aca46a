// dancu's person-key secret (issue 16), read once per container by the functions that seal person keys (the
// register; finalize, a rejected row's ID). In AWS PERSON_KEY_SECRET names a Secrets Manager secret encrypted with a
// KMS key only those functions may use, read through AWS's Parameters and Secrets Lambda extension (a layer of each,
// infra/constructs/dancu-function.ts): an HTTP call on localhost, as AWS recommends for Lambda, so that no function
// bundles the Secrets Manager client (27 KB). Locally it is `file:` and the path of the secret the local stack made on
// its first start (.dancu/). An operator's tools read it with the SDK (person-key-secret-sdk.ts).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
// zod/mini: classic zod would add 430 KB to the bundle of the function that reads it (docs/benchmarks.md)
import * as z from 'zod/mini';
import { hmacKeyer, type PersonKeyer } from '#domain/person-keyer.ts';
import { env } from './env.ts';

/** The secret's value: the version its keys carry (`p1:`) and the secret itself. */
export const PersonKeySecret = z.strictObject({
  version: z.int().check(z.minimum(1)),
  secret: z.string().check(z.minLength(32)),
});
export type PersonKeySecret = z.infer<typeof PersonKeySecret>;

/** The value of the secret, checked; never the value in the message of a refusal: it is the secret. */
export function parsePersonKeySecret(text: string, reference: string): PersonKeySecret {
  const parsed = PersonKeySecret.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`the person-key secret ${reference} is not {version, secret}`);
  return parsed.data;
}

/** A secret's string, as the reference names it: `file:` and a path, or a secret's ARN or name and a reader of it. */
export async function readPersonKeySecret(
  reference: string,
  secretString: (secretId: string) => Promise<string> = extensionSecretString,
): Promise<PersonKeySecret> {
  const text = reference.startsWith('file:')
    ? await readFile(fileURLToPath(reference), 'utf8')
    : await secretString(reference);
  return parsePersonKeySecret(text, reference);
}

/** The extension's port in a Lambda function with its layer (its default unless the variable sets another). */
const EXTENSION_PORT = () => process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';

/**
 * A secret's string from the Parameters and Secrets extension: GET on localhost with the function's session token
 * (the extension refuses a call without it), answered as Secrets Manager's GetSecretValue.
 */
export async function extensionSecretString(secretId: string): Promise<string> {
  const url = `http://localhost:${EXTENSION_PORT()}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
  const response = await fetch(url, {
    headers: { 'X-Aws-Parameters-Secrets-Token': env('AWS_SESSION_TOKEN') },
    signal: AbortSignal.timeout(10_000),
  });
  // the status and the secret's name: never the body, which may hold the value
  if (!response.ok)
    throw new Error(`the person-key secret ${secretId}: the extension answered ${response.status}`);
  const { SecretString } = (await response.json()) as { SecretString?: string };
  if (!SecretString) throw new Error(`the person-key secret ${secretId} holds no string`);
  return SecretString;
}

export async function loadPersonKeyer(
  reference: string,
  secretString?: (secretId: string) => Promise<string>,
): Promise<PersonKeyer> {
  const { version, secret } = await readPersonKeySecret(reference, secretString);
  return hmacKeyer(secret, version);
}

/**
 * The keyer of PERSON_KEY_SECRET, read on first use and kept for the container's life: one call of the extension (one
 * Secrets Manager call and one KMS decrypt behind it) per container, never one per key. A failed read is tried again
 * next time.
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
