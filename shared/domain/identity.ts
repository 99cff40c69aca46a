// Who a record is: its person key, and how it relates to a record already held for the same key.
import { createHash, hash } from 'node:crypto';
import { personKeys } from '../keys.ts';
import { looseKey, nameKey } from './normalize.ts';
import type { PersonKeyer } from './person-keyer.ts';
import { IDENTITY_FIELDS, type PopulationRecord, RECORD_KEYS } from './record.ts';

export type MatchOutcome = 'duplicate' | 'updated' | 'conflict';

/**
 * Who a record is, before it is sealed into a key: the personal ID when the form has a valid one; otherwise a
 * digest of the normalised name, date of birth, sex and birth-registration place. It never leaves dancu's
 * functions: reports, review items and logs show the key `personKey` seals from it.
 */
export function personIdentity(record: PopulationRecord): string {
  if (record.personalId) return personKeys.identityById(record.personalId);
  const basis = [
    nameKey(record.fullName),
    record.dateOfBirth,
    record.sex,
    looseKey(record.birthRegistrationPlace),
  ].join('|');
  // one-shot: a hash object costs about 1 µs before it hashes anything (the pre-upload check asks once a row)
  return personKeys.identityByDigest(hash('sha256', basis, 'base64url').slice(0, 22));
}

/** The register key of a record: its identity sealed under dancu's secret (shared/domain/person-keyer.ts). */
export function personKey(record: PopulationRecord, keyer: PersonKeyer): string {
  return keyer.seal(personIdentity(record));
}

/**
 * The content of a form, as a short digest: every field as validated, the form's serial aside (the same form
 * written again is the same content). 48 bits: a person keeps at most a few dozen, so two that differ never meet.
 */
export function formDigest(record: PopulationRecord): string {
  const values = RECORD_KEYS.map((field) => (field === 'formId' ? null : (record[field] ?? null)));
  return createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 8);
}

/** The identity fields (name, date of birth, sex) on which two records differ. */
export function identityDifferences(
  a: PopulationRecord,
  b: PopulationRecord,
): (typeof IDENTITY_FIELDS)[number][] {
  return IDENTITY_FIELDS.filter((field) =>
    field === 'fullName' ? nameKey(a.fullName) !== nameKey(b.fullName) : a[field] !== b[field],
  );
}

function sameIdentity(a: PopulationRecord, b: PopulationRecord): boolean {
  return identityDifferences(a, b).length === 0;
}

const IGNORED = new Set<string>([...IDENTITY_FIELDS, 'formId']);

/** Fields the incoming record states and the held record lacks or holds differently (identity aside). */
function changedFields(held: PopulationRecord, incoming: PopulationRecord): (keyof PopulationRecord)[] {
  const changed: (keyof PopulationRecord)[] = [];
  for (const [field, value] of Object.entries(incoming) as [keyof PopulationRecord, string | undefined][]) {
    if (value === undefined || IGNORED.has(field)) continue;
    if (held[field] !== value) changed.push(field);
  }
  return changed;
}

/**
 * How an incoming record relates to the one held under the same key: a conflict when the identity
 * (name, date of birth, sex) differs; else updated when it states something new; else a duplicate.
 */
export function matchHeldRecord(
  held: PopulationRecord,
  incoming: PopulationRecord,
): { outcome: MatchOutcome; changed: (keyof PopulationRecord)[] } {
  if (!sameIdentity(held, incoming)) return { outcome: 'conflict', changed: [] };
  const changed = changedFields(held, incoming);
  return { outcome: changed.length > 0 ? 'updated' : 'duplicate', changed };
}

/** The held record after an update: the newer values win, absent ones keep what was held. */
export function mergeRecords(held: PopulationRecord, incoming: PopulationRecord): PopulationRecord {
  const merged: Record<string, unknown> = { ...held };
  for (const [field, value] of Object.entries(incoming)) {
    if (value !== undefined && !IDENTITY_FIELDS.includes(field as (typeof IDENTITY_FIELDS)[number])) {
      merged[field] = value;
    }
  }
  return merged as PopulationRecord;
}

/**
 * A record that record linkage joined to a held person whose identity it writes differently (a slip, no
 * diacritics): it fills what the held record lacks and updates the other fields, but never rewrites `kept`
 * (the compared fields, where the two differ by noise, not by news). Updated when it changed anything.
 */
export function joinLinkedRecord(
  held: PopulationRecord,
  incoming: PopulationRecord,
  kept: readonly string[],
): { outcome: 'duplicate' | 'updated'; changed: (keyof PopulationRecord)[]; merged: PopulationRecord } {
  const changed: (keyof PopulationRecord)[] = [];
  for (const [field, value] of Object.entries(incoming) as [keyof PopulationRecord, string | undefined][]) {
    if (value === undefined || field === 'formId' || held[field] === value) continue;
    if (held[field] === undefined || !kept.includes(field)) changed.push(field);
  }
  const merged: Record<string, unknown> = { ...held };
  for (const field of changed) merged[field] = incoming[field];
  return {
    outcome: changed.length > 0 ? 'updated' : 'duplicate',
    changed,
    merged: merged as PopulationRecord,
  };
}
