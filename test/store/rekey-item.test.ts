// Re-keying one register item (shared/store/rekey-item.ts): every item kind, every attribute that holds a person
// key, items that hold none, and the signs of a register sealed under another secret.
import { describe, expect, it } from 'vitest';
import { hmacKeyer } from '#domain/person-keyer.ts';
import { personKeys, registerKeys } from '../../shared/keys.ts';
import { packRecord } from '../../shared/model/person-record.ts';
import {
  itemKind,
  legacyKeysBetween,
  rekeyItem,
  type StoredItem,
  sealedElsewhere,
} from '../../shared/store/rekey-item.ts';
import { testKeyer } from '../fakes/keyer.ts';
import { PERSON } from '../fixtures/person.ts';

const ID = '064190123456';
const OTHER_ID = '079085000111';
const byId = personKeys.identityById(ID);
const otherById = personKeys.identityById(OTHER_ID);
const byDigest = personKeys.identityByDigest('AbCdEfGhIjKlMnOpQrSt_-');
const seal = (identity: string) => testKeyer.seal(identity);
const origin = { batchId: 'Bq3cVb1mXk2Lp9Qz8Rw4sT', row: 7 };
const record = packRecord({ ...PERSON, personalId: ID });

const person = (pk: string, extra: Record<string, unknown> = {}): StoredItem => ({
  ...registerKeys.person(pk),
  record,
  version: 3,
  applied: [`${origin.batchId}#7:new`],
  agencyCode: 'CA-PLEIKU',
  ...extra,
});

describe('itemKind', () => {
  it('tells every kind of register item by its keys', () => {
    expect(itemKind(person(byId))).toBe('personById');
    expect(itemKind(person(byDigest))).toBe('personByDigest');
    expect(itemKind(person(seal(byId)))).toBe('personById');
    expect(itemKind({ ...registerKeys.person(byId), mergedInto: byDigest })).toBe('alias');
    // a merged person keeps its record: still a person
    expect(itemKind(person(byId, { mergedInto: byDigest }))).toBe('personById');
    expect(itemKind({ ...registerKeys.history(byId, origin) })).toBe('history');
    expect(itemKind({ ...registerKeys.personConflict(byId, origin) })).toBe('conflict');
    expect(itemKind({ ...registerKeys.conflict('CA-PLEIKU', '1.2'), personKey: byId })).toBe('conflict');
    expect(itemKind({ ...registerKeys.blocking(personKeys.blocking('bg', 'x'.repeat(16)), byDigest) })).toBe(
      'blocking',
    );
    expect(itemKind({ ...registerKeys.review('CA-PLEIKU', '1.2') })).toBe('review');
    expect(itemKind({ pk: 'SOMETHING', sk: 'ELSE' })).toBeUndefined();
  });
});

describe('rekeyItem', () => {
  it('moves a person by ID and by digest to their sealed keys, the rest as it was', () => {
    const item = person(byId, { keptApart: new Set([byDigest, seal(otherById)]) });
    const plan = rekeyItem(item, testKeyer);
    expect(plan).toEqual({
      kind: 'personById',
      put: { ...item, pk: seal(byId), keptApart: new Set([seal(byDigest), seal(otherById)]) },
      deleteKey: { pk: byId, sk: 'PERSON' },
    });
    expect(rekeyItem(person(byDigest), testKeyer)?.put.pk).toBe(seal(byDigest));
  });

  it('seals an alias, and the person a merged person points to', () => {
    const alias = {
      ...registerKeys.person(byId),
      mergedInto: byDigest,
      version: 1,
      applied: ['b#1:duplicate|9.10'],
    };
    expect(rekeyItem(alias, testKeyer)).toMatchObject({
      kind: 'alias',
      put: { pk: seal(byId), mergedInto: seal(byDigest) },
    });
  });

  it('seals the person key of a conflict on an agency’s list, in place', () => {
    const key = registerKeys.conflict('CA-PLEIKU', '1.2');
    expect(rekeyItem({ ...key, personKey: byId, apartKey: byDigest, status: 'open' }, testKeyer)).toEqual({
      kind: 'conflict',
      put: { ...key, personKey: seal(byId), apartKey: seal(byDigest), status: 'open' },
    });
  });

  it('moves history and conflict items with their person', () => {
    for (const key of [registerKeys.history(byId, origin), registerKeys.personConflict(byId, origin)]) {
      const plan = rekeyItem({ ...key, ...origin, at: 'now' }, testKeyer);
      expect(plan?.put).toEqual({ pk: seal(byId), sk: key.sk, ...origin, at: 'now' });
      expect(plan?.deleteKey).toEqual(key);
    }
  });

  it('moves a blocking item to the sealed person, its blocking key and first entry kept but for the key', () => {
    const blocking = personKeys.blocking('bg', 'abcdefghijklmnop');
    const item = {
      ...registerKeys.blocking(blocking, byDigest),
      fields: record,
      agencyCode: 'CA-ANKHE',
      created: `${origin.batchId}#7:probable_duplicate|11.20|${byId}`,
    };
    expect(rekeyItem(item, testKeyer)).toEqual({
      kind: 'blocking',
      put: {
        ...item,
        sk: seal(byDigest),
        created: `${origin.batchId}#7:probable_duplicate|11.20|${seal(byId)}`,
      },
      deleteKey: { pk: blocking, sk: byDigest },
    });
  });

  it('rewrites a review item in place: its pair sealed', () => {
    const item = {
      ...registerKeys.review('CA-ANKHE', `${origin.batchId}.7`),
      personKey: byDigest,
      candidatePersonKey: byId,
      score: 11.2,
      resolution: 'keepApart',
    };
    expect(rekeyItem(item, testKeyer)).toEqual({
      kind: 'review',
      put: { ...item, personKey: seal(byDigest), candidatePersonKey: seal(byId) },
    });
  });

  it('seals the keys inside applied entries: a probable duplicate’s candidate and a link pass’s merged person', () => {
    const applied = [
      `${origin.batchId}#7:new`,
      `${origin.batchId}#8:probable_duplicate|11.20|${byId}`,
      `${origin.batchId}#9:duplicate|25.00`,
      `${origin.batchId}#10:probable_duplicate|9.10|${byDigest}~0mutojuR`,
      `review#${origin.batchId}.8:merged`,
      `link#pass-2026-12-07-1a2b3c4d#${byDigest}:merged`,
      `link#pass-2026-12-07-1a2b3c4d#${seal(otherById)}:merged`,
    ];
    const plan = rekeyItem(person(seal(byId), { applied }), testKeyer);
    expect(plan?.deleteKey).toBeUndefined();
    expect(plan?.put.applied).toEqual([
      applied[0],
      `${origin.batchId}#8:probable_duplicate|11.20|${seal(byId)}`,
      applied[2],
      `${origin.batchId}#10:probable_duplicate|9.10|${seal(byDigest)}~0mutojuR`,
      applied[4],
      `link#pass-2026-12-07-1a2b3c4d#${seal(byDigest)}:merged`,
      applied[6],
    ]);
  });

  it('leaves an item that holds no legacy key alone: a second run has nothing to do', () => {
    const item = person(byId, { mergedInto: byDigest, keptApart: new Set([otherById]) });
    const once = rekeyItem(item, testKeyer)?.put;
    expect(once).toBeDefined();
    expect(rekeyItem(once as StoredItem, testKeyer)).toBeUndefined();
    expect(
      rekeyItem({ ...registerKeys.review('CA-X', '1.2'), personKey: seal(byId) }, testKeyer),
    ).toBeUndefined();
    expect(rekeyItem({ pk: 'SOMETHING', sk: 'ELSE', note: byId }, testKeyer)).toBeUndefined();
  });
});

describe('legacyKeysBetween', () => {
  it('finds a legacy key only between the given neighbours, and only a whole one', () => {
    const found = (text: string) => text.match(legacyKeysBetween('person ', '$|[^A-Za-z0-9_-]')) ?? [];
    expect(found(`Joined person ${byId} by record linkage`)).toEqual([byId]);
    expect(found(`Joined person ${byDigest}`)).toEqual([byDigest]);
    expect(found(`Joined person id:1234567890123`)).toEqual([]);
    expect(found(`Joined person ${seal(byId)}`)).toEqual([]);
    expect(found(`some person's id:${ID}`)).toEqual([]);
  });
});

describe('sealedElsewhere', () => {
  const foreign = hmacKeyer('another stack’s secret, also 32 bytes or more', 1);

  it('is false for legacy items and for items sealed by the keyer', () => {
    expect(sealedElsewhere(person(byId), testKeyer)).toBe(false);
    expect(sealedElsewhere(person(seal(byId)), testKeyer)).toBe(false);
    expect(sealedElsewhere(person(seal(byDigest)), testKeyer)).toBe(false);
    expect(sealedElsewhere({ ...registerKeys.history(seal(byId), origin) }, testKeyer)).toBe(false);
  });

  it('sees a key of another version', () => {
    const v2 = hmacKeyer('a test secret, never a deployed one: 32+ bytes', 2);
    expect(sealedElsewhere({ ...registerKeys.history(v2.seal(byId), origin) }, testKeyer)).toBe(true);
    expect(sealedElsewhere({ ...registerKeys.blocking('bg:x', v2.seal(byDigest)) }, testKeyer)).toBe(true);
  });

  it('sees a person by ID whose key is not its ID sealed by this keyer', () => {
    expect(sealedElsewhere(person(foreign.seal(byId)), testKeyer)).toBe(true);
    // an alias has no record to tell by
    expect(sealedElsewhere({ ...registerKeys.person(foreign.seal(byId)), mergedInto: 'x' }, testKeyer)).toBe(
      false,
    );
  });
});
