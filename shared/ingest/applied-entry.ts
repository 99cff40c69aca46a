// A person's `applied` entries: what each row (or merge) decided on the person, kept on the person item so that a
// redelivered row decides the same, and a form seen before is known again whatever has changed since.
// `{tag}:{outcome}[|score[|candidate]][~digest[~changed[~moved]]]`: the digest of the form's content (formDigest), for
// an update the fields it changed, one base-36 character each (their index in RECORD_KEYS), and, when the update
// moved the person to other communes, where from and to (`{places}>{places}`, shared/coverage/places.ts), so that a
// redelivered row moves the coverage counters as the first attempt did. No SDK here.
import type { Outcome } from '#batch/ledger.ts';
import { RECORD_KEYS } from '#domain/record.ts';
import { rowOfEntry } from '../keys.ts';

export interface AppliedEntry {
  /** `{batchId}#{row}` for a row; `review#{id}` or `link#{passId}#{key}` for a merge */
  tag: string;
  /** an Outcome for a row; `merged` for a merge */
  outcome: Outcome | 'merged';
  score?: number;
  /** the person a probable duplicate was linked to */
  candidate?: string;
  /** formDigest of the row's form (entries written before issue 21 have none) */
  digest?: string;
  /** for an update: the fields it changed */
  changed?: string[];
  /** for an update that moved the person: `{from places}>{to places}` */
  moved?: string;
}

/** What an entry names: a row of a batch, or a merge of two persons (a reviewer's or a link pass's). */
export type EntryRef = { batchId: string; row: number } | { merged: true };

// one character per field: the schema must stay within base 36 for this encoding
if (RECORD_KEYS.length > 36) throw new Error('RECORD_KEYS no longer fits one base-36 character per field');
const fieldIndex = new Map<string, number>(RECORD_KEYS.map((field, i) => [field, i]));

/** Outcomes whose row's content became (part of) the person's record. */
const CONTENT: ReadonlySet<string> = new Set(['new', 'updated', 'probable_duplicate', 'merged']);

export function formatEntry(entry: AppliedEntry): string {
  let text = `${entry.tag}:${entry.outcome}`;
  if (entry.score !== undefined) text += `|${entry.score.toFixed(2)}`;
  if (entry.candidate) text += `${entry.score === undefined ? '|' : ''}|${entry.candidate}`;
  // a merge's entry has no digest, and may have a move
  if (entry.digest || entry.moved) {
    text += `~${entry.digest ?? ''}`;
    const changed = (entry.changed ?? []).map((field) => fieldIndex.get(field)?.toString(36) ?? '').join('');
    if (changed || entry.moved) text += `~${changed}`;
    if (entry.moved) text += `~${entry.moved}`;
  }
  return text;
}

/** The entry as written by formatEntry, or by any earlier version of it (no digest, no changed fields). */
export function parseEntry(text: string): AppliedEntry {
  const [head = '', digest, changed, moved] = text.split('~');
  const [decided = '', score, candidate] = head.split('|');
  // a merge's tag may hold a person key, with colons: the outcome is what follows the last one
  const colon = decided.lastIndexOf(':');
  const entry: AppliedEntry = {
    tag: decided.slice(0, colon),
    outcome: decided.slice(colon + 1) as AppliedEntry['outcome'],
  };
  if (score) entry.score = Number(score);
  if (candidate) entry.candidate = candidate;
  if (digest) entry.digest = digest;
  if (changed) entry.changed = [...changed].map((c) => RECORD_KEYS[Number.parseInt(c, 36)] ?? c);
  if (moved) entry.moved = moved;
  return entry;
}

export function entryRef(entry: AppliedEntry): EntryRef {
  return rowOfEntry(`${entry.tag}:`) ?? { merged: true };
}

/** The earliest kept entry whose form had this content: the form a duplicate is a copy of. */
export function sameForm(entries: readonly AppliedEntry[], digest: string): AppliedEntry | undefined {
  return entries.find((entry) => entry.digest === digest);
}

/** The latest entry that changed the person's record: what the record as held was last made of. */
export function lastContent(entries: readonly AppliedEntry[]): AppliedEntry | undefined {
  return entries.findLast((entry) => CONTENT.has(entry.outcome));
}

/** The entry that created the person, while it is kept: where its identity (name, date of birth, sex) comes from. */
export function creation(entries: readonly AppliedEntry[]): AppliedEntry | undefined {
  const first = entries[0];
  return first && (first.outcome === 'new' || first.outcome === 'probable_duplicate') ? first : undefined;
}
