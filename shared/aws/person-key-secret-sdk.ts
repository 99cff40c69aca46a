// The person-key secret as an operator's tool reads it (the local stack's start, `npm run rekey -- --aws`): a file, or
// Secrets Manager through the SDK with the operator's credentials. The functions read it through the Lambda extension
// (person-key-secret.ts), with no SDK client in their bundles.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { requestHandlerOptions } from './env.ts';
import { loadPersonKeyer } from './person-key-secret.ts';

async function sdkSecretString(secretId: string): Promise<string> {
  const client = new SecretsManagerClient({ requestHandler: requestHandlerOptions() });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`the person-key secret ${secretId} holds no string`);
    return SecretString;
  } finally {
    client.destroy();
  }
}

/** The keyer of a `file:` reference, or of a Secrets Manager secret read with the SDK. */
export function loadPersonKeyerWithSdk(reference: string): Promise<PersonKeyer> {
  return loadPersonKeyer(reference, sdkSecretString);
}
