// Opaque person keys (issue 16): a key is an HMAC of the person's identity under a secret only dancu's functions
// hold, so a key printed in a report, a review item or a log reveals no ID, no order, no count and no agency.
// HMAC with a secret, not a digest: a plain digest of a 12-digit ID is undone by hashing every ID.
import { createHmac, hash, randomBytes } from 'node:crypto';
import { personKeys } from '../keys.ts';

/** Seals an identity (`personIdentity` in identity.ts) into the register's key for that person. */
export interface PersonKeyer {
  /** the secret's version, carried in every key it seals (`p1:…`) so that a rotation can find what to re-key */
  readonly version: number;
  seal(identity: string): string;
  /**
   * A keyed digest of a blocking basis under the same secret (issue 22: an ID with digits masked, so that IDs one
   * keystroke apart share a key): base64url, no ID readable from it, none recomputable without the secret.
   */
  digest(basis: string): string;
}

/** The version of a throwaway secret (`throwawayKeyer`): its keys begin `p0:`, and no register holds them. */
export const THROWAWAY_VERSION = 0;

// HMAC-SHA-256 (RFC 2104) as two one-shot `crypto.hash` calls over buffers that already hold the padded key:
// a `createHmac` object costs about 1 µs a call before it hashes anything, and the pre-upload check seals one key
// a row (docs/benchmarks.md, "The pre-upload check"). The test holds it equal to `createHmac` byte for byte.
const BLOCK = 64;
/** room for an identity of up to 64 UTF-16 units (3 bytes each at most); a longer one goes through createHmac */
const MAX_IDENTITY_BYTES = 192;

/** A keyer under `secret` (at least 32 bytes), whose keys carry `version`. */
export function hmacKeyer(secret: string | Uint8Array, version: number): PersonKeyer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < 32) throw new Error('a person-key secret has at least 32 bytes');
  if (!Number.isInteger(version) || version < 0) throw new Error('a person-key version is a whole number');
  const key = bytes.length > BLOCK ? hash('sha256', bytes, 'buffer') : bytes;
  const inner = Buffer.alloc(BLOCK + MAX_IDENTITY_BYTES);
  const outer = Buffer.alloc(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = (key[i] ?? 0) ^ 0x36;
    outer[i] = (key[i] ?? 0) ^ 0x5c;
  }
  const mac = (identity: string): string => {
    if (identity.length * 3 > MAX_IDENTITY_BYTES)
      return createHmac('sha256', bytes).update(identity).digest('base64url');
    const length = inner.write(identity, BLOCK, 'utf8');
    const innerDigest = hash('sha256', inner.subarray(0, BLOCK + length), 'binary');
    outer.write(innerDigest, BLOCK, 'latin1');
    return hash('sha256', outer, 'base64url');
  };
  return {
    version,
    // a basis never begins like an identity (id:… or nk:…), so a digest is never a person key's MAC
    digest: (basis) => mac(`blocking|${basis}`),
    seal(identity) {
      if (!personKeys.isLegacy(identity)) throw new Error('only an identity (id:… or nk:…) is sealed');
      return personKeys.sealed(version, identity, mac(identity).slice(0, 22));
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
