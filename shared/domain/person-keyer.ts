// Opaque person keys (issue 16): a key is an HMAC of the person's identity under a secret only dancu's functions
// hold, so a key printed in a report, a review item or a log reveals no ID, no order, no count and no agency.
// HMAC with a secret, not a digest: a plain digest of a 12-digit ID is undone by hashing every ID.
import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { personKeys } from '../keys.ts';

/** Seals an identity (`personIdentity` in identity.ts) into the register's key for that person. */
export interface PersonKeyer {
  /** the secret's version, carried in every key it seals (`p1:…`) so that a rotation can find what to re-key */
  readonly version: number;
  seal(identity: string): string;
}

/** The version of a throwaway secret (`throwawayKeyer`): its keys begin `p0:`, and no register holds them. */
export const THROWAWAY_VERSION = 0;

/** A keyer under `secret` (at least 32 bytes), whose keys carry `version`. */
export function hmacKeyer(secret: string | Uint8Array, version: number): PersonKeyer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < 32) throw new Error('a person-key secret has at least 32 bytes');
  if (!Number.isInteger(version) || version < 0) throw new Error('a person-key version is a whole number');
  const key: KeyObject = createSecretKey(bytes);
  return {
    version,
    seal(identity) {
      if (!personKeys.isLegacy(identity)) throw new Error('only an identity (id:… or nk:…) is sealed');
      const mac = createHmac('sha256', key).update(identity).digest('base64url').slice(0, 22);
      return personKeys.sealed(version, identity, mac);
    },
  };
}

/**
 * A keyer under a random secret that lives as long as the process: its keys are consistent within one run and
 * unlinkable to any other run or to the register (`npm run check` uses it when given no secret).
 */
export function throwawayKeyer(): PersonKeyer {
  return hmacKeyer(randomBytes(32), THROWAWAY_VERSION);
}
