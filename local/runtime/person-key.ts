// The local stack's person-key secret: made once, on the first start, into `{dir}/person-key.json` (readable by
// its owner alone) and kept with the data, so the keys of a register stay the same across restarts. In AWS the
// secret lives in Secrets Manager (infra/constructs/person-key-secret.ts); PERSON_KEY_SECRET names either.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PersonKeySecret } from '../../shared/aws/person-key-secret.ts';

export const PERSON_KEY_FILE = 'person-key.json';

/** The reference PERSON_KEY_SECRET holds for `{dir}/person-key.json`, which is made when missing. */
export async function localPersonKeySecret(dir: string): Promise<string> {
  const file = resolve(join(dir, PERSON_KEY_FILE));
  await mkdir(dir, { recursive: true });
  const secret: PersonKeySecret = { version: 1, secret: randomBytes(48).toString('base64url') };
  try {
    // `wx`: never overwrite, a new secret would unlink every key the register holds
    await writeFile(file, `${JSON.stringify(secret)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return pathToFileURL(file).href;
}
