// The link pass: record linkage over the whole register at once, instead of row by row as forms arrive. The
// register is read once (a parallel scan), every person is written out under each of its blocking keys into
// partitions by key, each partition is grouped by key and the pairs in a group are scored, and each person keeps
// its best candidate. No blocking item is stored, so a person costs no write unit for being findable
// (docs/linkage.md, "The link pass"). Pure: the steps that read and write live in shared/ingest/link-pass.ts.
import { personKeys } from '../keys.ts';
import { filingKeys, idVariantKeys, type KeyDigest } from './blocking.ts';
import { COMPARED_FIELDS, type LinkableRecord } from './compare.ts';
import {
  decidePair,
  LINK_THRESHOLDS,
  type LinkDecision,
  type LinkThresholds,
  scoreBelow,
  scoreMatch,
} from './score.ts';

/**
 * The largest group a key's pairs are scored in, so that one group step stays within its time (docs/benchmarks.md,
 * "Figures behind choices in the code"). A national `familyDate` group (one family name, sex and birthday) holds
 * about a thousand; only a placeholder date or name fills more.
 */
export const MAX_GROUP = 5000;

/** A person as the scan hands it over: its key, the compared fields, and whom a reviewer kept it apart from. */
export interface PassPerson {
  key: string;
  record: LinkableRecord;
  keptApart?: readonly string[];
}

/** One line of a scan file: a blocking key and a person filed under it (the compared fields as values). */
export type PassLine = [
  blockingKey: string,
  personKey: string,
  fields: (string | null)[],
  keptApart?: string[],
];

/** The best candidate a person found: the person it would join (`match`) or be reviewed against (`review`). */
export interface PassCandidate {
  person: string;
  candidate: string;
  score: number;
  decision: Exclude<LinkDecision, 'distinct'>;
}

/** FNV-1a: a partition from a key, stable across processes (the keys are digests or IDs, so spread evenly). */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/**
 * Persons with an ID rank first, then by key. A person is compared only with those ranked before it, and
 * merges into them: merges point one way, so two persons never merge into each other.
 */
export function ranksBefore(a: string, b: string): boolean {
  const aId = personKeys.isById(a);
  const bId = personKeys.isById(b);
  if (aId !== bId) return aId;
  return a < b;
}

/**
 * The scan's lines for one person: one per blocking key of every kind (six at most), and with `digest` (an HMAC
 * under the person-key secret) one per variant key of its ID (six: IDs one keystroke apart share one). The pass
 * files nothing in DynamoDB, so it can afford every kind the online register leaves out to save write units.
 */
export function passLines(person: PassPerson, digest?: KeyDigest): PassLine[] {
  const fields = COMPARED_FIELDS.map((field) => person.record[field] ?? null);
  const keys = [
    ...filingKeys(person.record, 'all'),
    ...(digest ? idVariantKeys(person.record.personalId, digest) : []),
  ];
  return keys.map((key) =>
    person.keptApart?.length ? [key, person.key, fields, [...person.keptApart]] : [key, person.key, fields],
  );
}

export function personOfLine([, key, fields, keptApart]: PassLine): PassPerson {
  const record: Record<string, string> = {};
  COMPARED_FIELDS.forEach((field, i) => {
    const value = fields[i];
    if (value !== null && value !== undefined) record[field] = value;
  });
  return { key, record: record as unknown as LinkableRecord, ...(keptApart ? { keptApart } : {}) };
}

function better(a: PassCandidate, b: PassCandidate | undefined): boolean {
  return !b || a.score > b.score || (a.score === b.score && a.candidate < b.candidate);
}

/** A reviewer kept the two apart: never proposed again. */
function keptApart(a: PassPerson, b: PassPerson): boolean {
  return a.keptApart?.includes(b.key) === true || b.keptApart?.includes(a.key) === true;
}

/**
 * One partition of the scan: its lines grouped by blocking key and, for each person, the best candidate ranked
 * before it among the persons sharing any of its keys here, as `linkRecord` picks one (highest score, then the
 * smaller key). Person by person, so a pair sharing two keys is scored once and the memory is the groups alone (a
 * national `familyDate` group of one Nguyễn birthday holds hundreds). Candidates below the review threshold are
 * dropped: they could not be any person's decision.
 */
export function bestInPartition(lines: Iterable<PassLine>, thresholds?: LinkThresholds): PassCandidate[] {
  const groups = new Map<string, PassPerson[]>();
  const persons = new Map<string, { person: PassPerson; keys: string[] }>();
  for (const line of lines) {
    const [key, personKey] = line;
    let entry = persons.get(personKey);
    if (!entry) {
      entry = { person: personOfLine(line), keys: [] };
      persons.set(personKey, entry);
    }
    if (entry.keys.includes(key)) continue;
    entry.keys.push(key);
    const group = groups.get(key);
    if (group) group.push(entry.person);
    else groups.set(key, [entry.person]);
  }
  const found: PassCandidate[] = [];
  const floor = (thresholds ?? LINK_THRESHOLDS).lower;
  // a key that files a crowd tells nothing (a placeholder birthday, a blank-looking name): its pairs are left to the
  // person's other keys, or to nobody, rather than holding up the whole partition
  for (const [key, group] of groups) if (group.length > MAX_GROUP) groups.delete(key);
  for (const { person, keys } of persons.values()) {
    const seen = new Set<string>();
    let best: PassCandidate | undefined;
    for (const key of keys) {
      for (const other of groups.get(key) ?? []) {
        if (seen.has(other.key) || !ranksBefore(other.key, person.key)) continue;
        seen.add(other.key);
        if (keptApart(person, other) || scoreBelow(person.record, other.record, floor)) continue;
        const scored = scoreMatch(person.record, other.record);
        const { score } = scored;
        const decision = decidePair(scored, person.record, other.record, thresholds);
        if (decision === 'distinct') continue;
        const candidate: PassCandidate = { person: person.key, candidate: other.key, score, decision };
        if (better(candidate, best)) best = candidate;
      }
    }
    if (best) found.push(best);
  }
  return found;
}

/** Each person's best candidate over every partition's (a person's keys fall in several). */
export function bestOverall(candidates: Iterable<PassCandidate>): PassCandidate[] {
  const best = new Map<string, PassCandidate>();
  for (const found of candidates) if (better(found, best.get(found.person))) best.set(found.person, found);
  return [...best.values()].sort((a, b) => (a.person < b.person ? -1 : a.person > b.person ? 1 : 0));
}
