import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { personIdentity, personKey } from '#domain/identity.ts';
import { hmacKeyer, throwawayKeyer } from '#domain/person-keyer.ts';
import { personKeys } from '../../shared/keys.ts';
import { ranksBefore } from '../../shared/linkage/pass.ts';
import { PERSON } from '../fixtures/person.ts';

const SECRET = 'a secret for these tests, at least 32 bytes';
const keyer = hmacKeyer(SECRET, 1);
const withId = { ...PERSON, personalId: '064090123456' };

describe('person keys', () => {
  it('seals the same identity to the same key, and shows neither the ID nor the identity', () => {
    const key = personKey(withId, keyer);
    expect(key).toMatch(/^p1:id:[\w-]{22}$/);
    expect(personKey({ ...withId }, hmacKeyer(SECRET, 1))).toBe(key);
    expect(key).not.toContain('064090123456');
    const idless = personKey(PERSON, keyer);
    expect(idless).toMatch(/^p1:nk:[\w-]{22}$/);
    expect(idless).not.toContain(personIdentity(PERSON).slice(3));
  });

  it('seals with HMAC-SHA-256 of the identity, as createHmac computes it', () => {
    const secrets = [SECRET, randomBytes(32), randomBytes(64), randomBytes(100), 'ş'.repeat(40)];
    const identities = [
      'id:064090123456',
      'nk:AbCdEfGhIjKlMnOpQrStUv',
      'id:',
      `nk:${'x'.repeat(63)}`,
      `nk:${'é'.repeat(80)}`,
    ];
    for (const secret of secrets) {
      const sealer = hmacKeyer(secret, 3);
      for (const identity of identities) {
        // twice: the second seal reuses buffers the first wrote a longer identity into
        for (const _ of [1, 2]) {
          const mac = createHmac('sha256', typeof secret === 'string' ? Buffer.from(secret) : secret)
            .update(identity)
            .digest('base64url')
            .slice(0, 22);
          expect(sealer.seal(identity)).toBe(personKeys.sealed(3, identity, mac));
        }
      }
      expect(sealer.seal('id:1')).toBe(sealer.seal('id:1'));
    }
  });

  it('gives another key under another secret, and carries the secret’s version', () => {
    const other = hmacKeyer(`${SECRET}!`, 1);
    expect(other.seal('id:064090123456')).not.toBe(keyer.seal('id:064090123456'));
    const next = hmacKeyer(SECRET, 2).seal('id:064090123456');
    expect(next).toMatch(/^p2:id:/);
    expect(personKeys.versionOf(next)).toBe(2);
    expect(personKeys.versionOf(keyer.seal('id:064090123456'))).toBe(1);
    expect(personKeys.versionOf('id:064090123456')).toBeUndefined();
  });

  it('reveals no order: consecutive IDs do not sort as their keys do', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `0640901${String(i).padStart(5, '0')}`);
    const keys = ids.map((id) => keyer.seal(`id:${id}`));
    const sorted = [...keys].sort();
    expect(sorted).not.toEqual(keys);
    // roughly half of neighbours swap order, as random keys would
    const kept = keys.slice(1).filter((key, i) => (keys[i] as string) < key).length;
    expect(kept).toBeGreaterThan(70);
    expect(kept).toBeLessThan(130);
  });

  it('tells a person with an ID apart in either form, and ranks such persons first', () => {
    const byId = keyer.seal('id:064090123456');
    const byDigest = keyer.seal('nk:AAAAAAAAAAAAAAAAAAAAAA');
    expect(personKeys.isById(byId)).toBe(true);
    expect(personKeys.isById('id:064090123456')).toBe(true);
    expect(personKeys.isById(byDigest)).toBe(false);
    expect(personKeys.isById('nk:AAAA')).toBe(false);
    expect(ranksBefore(byId, byDigest)).toBe(true);
    expect(ranksBefore(byDigest, byId)).toBe(false);
    expect(personKeys.isLegacy(byId)).toBe(false);
    expect(personKeys.isLegacy('nk:AAAA')).toBe(true);
  });

  it('seals identities only, and refuses a short secret', () => {
    expect(() => keyer.seal(keyer.seal('id:064090123456'))).toThrow(/identity/);
    expect(() => keyer.seal('bg:abc')).toThrow(/identity/);
    expect(() => hmacKeyer('too short', 1)).toThrow(/32 bytes/);
  });

  it('seals under a throwaway secret: version 0, and another secret each time', () => {
    const a = throwawayKeyer();
    const b = throwawayKeyer();
    expect(a.seal('id:064090123456')).toMatch(/^p0:id:/);
    expect(a.seal('id:064090123456')).toBe(a.seal('id:064090123456'));
    expect(a.seal('id:064090123456')).not.toBe(b.seal('id:064090123456'));
  });
});
