// Re-keying one register item (issue 16). A register from before it holds each person's identity itself as its key
// (`personKeys.isLegacy`); the keyer seals an identity into exactly the key the register now gives that person, so an item
// is re-keyed on its own, with no lookup. Plain functions over one item as the document client returns it: the Scan
// and the writes are register-rekey.ts, the reports rekey-csv.ts.
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { formatEntry, parseEntry } from '../ingest/applied-entry.ts';
import { personKeys, registerKeys, rowTag } from '../keys.ts';
import { unpackRecord } from '../model/person-record.ts';

/** A register item as the document client returns it. */
export type StoredItem = Record<string, unknown> & { pk: string; sk: string };

/** What a re-key counts items by. */
export const ITEM_KINDS = [
  'personById',
  'personByDigest',
  'alias',
  'history',
  'conflict',
  'blocking',
  'review',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** An item to write: under new keys (the old item deleted once the new one is written), or in place. */
export interface Rekeying {
  kind: ItemKind;
  /** the item with every legacy key sealed, the rest as it was */
  put: StoredItem;
  /** the old item's key, when its pk or sk changed */
  deleteKey?: { pk: string; sk: string };
}

// the sort-key prefixes of history and conflict items, as the keys module builds them
const NO_ROW = { batchId: '', row: 0 };
const skPrefix = (sk: string) => sk.slice(0, sk.length - rowTag(NO_ROW).length);
/** what the sk of a register history item from before issue 19 begins with (`npm run history -- migrate`) */
export const HISTORY = skPrefix(registerKeys.history('', NO_ROW).sk);
/** what the sk of a conflict kept under its person before issue 19's conflict lists begins with */
const CONFLICT = skPrefix(registerKeys.personConflict('', NO_ROW).sk);

/** A legacy key inside a longer text: `id:` and the 12-digit ID, or `nk:` and the 22-character digest. */
const LEGACY_KEY = `(?:${personKeys.identityById('')}\\d{12}|${personKeys.identityByDigest('')}[A-Za-z0-9_-]{22})`;

/** Every legacy key in a text, between what `before` and `after` (regular expressions) match. */
export function legacyKeysBetween(before: string, after: string): RegExp {
  return new RegExp(`(?<=${before})${LEGACY_KEY}(?=${after})`, 'gu');
}

/** A link pass's merge names the person merged in its tag: `link#{passId}#{key}` (shared/ingest/applied-entry.ts). */
const MERGE_TAG_KEY = legacyKeysBetween('^link#[^#]*#', '$');

/**
 * An `applied` entry (or a blocking item's `created`, a copy of one) with its keys sealed: a probable duplicate's
 * candidate, and the person a link pass merged. Read and written back by applied-entry.ts, so the re-key follows the
 * entry's format wherever it goes; an entry that names no legacy key is returned as it was.
 */
function sealEntry(text: string, seal: (key: string) => string): string {
  const entry = parseEntry(text);
  const candidate = entry.candidate && seal(entry.candidate);
  const tag = entry.tag.replace(MERGE_TAG_KEY, seal);
  if (candidate === entry.candidate && tag === entry.tag) return text;
  return formatEntry({ ...entry, tag, ...(candidate ? { candidate } : {}) });
}

const isPersonKey = (value: string) =>
  personKeys.isLegacy(value) || personKeys.versionOf(value) !== undefined;

export function itemKind(item: StoredItem): ItemKind | undefined {
  if (item.sk === registerKeys.personSortKey) {
    if (item.mergedInto !== undefined && item.record === undefined) return 'alias';
    return personKeys.isById(item.pk) ? 'personById' : 'personByDigest';
  }
  if (item.sk.startsWith(HISTORY)) return 'history';
  if (item.sk.startsWith(CONFLICT) || registerKeys.isConflictList(item.pk)) return 'conflict';
  if (registerKeys.isReviewList(item.pk)) return 'review';
  if (isPersonKey(item.sk)) return 'blocking';
  return undefined;
}

/** The item with every legacy key sealed; undefined when it holds none (already sealed, or never held a key). */
export function rekeyItem(item: StoredItem, keyer: PersonKeyer): Rekeying | undefined {
  const kind = itemKind(item);
  if (!kind) return undefined;
  const seal = (key: string) => (personKeys.isLegacy(key) ? keyer.seal(key) : key);
  const put: StoredItem = { ...item, pk: seal(item.pk), sk: seal(item.sk) };
  let changed = put.pk !== item.pk || put.sk !== item.sk;
  const replace = (name: string, value: unknown, sealed: unknown) => {
    put[name] = sealed;
    changed ||= sealed !== value;
  };
  // a conflict's `apartKey`: the key its form would have without the ID (register-row.ts)
  for (const name of ['mergedInto', 'personKey', 'candidatePersonKey', 'apartKey']) {
    const value = item[name];
    if (typeof value === 'string') replace(name, value, seal(value));
  }
  if (item.keptApart instanceof Set) {
    const keys = [...(item.keptApart as Set<string>)];
    if (keys.some(personKeys.isLegacy)) replace('keptApart', item.keptApart, new Set(keys.map(seal)));
  }
  if (Array.isArray(item.applied)) {
    const entries = (item.applied as string[]).map((entry) => sealEntry(entry, seal));
    if (entries.some((entry, i) => entry !== (item.applied as string[])[i]))
      replace('applied', item.applied, entries);
  }
  if (typeof item.created === 'string') replace('created', item.created, sealEntry(item.created, seal));
  if (!changed) return undefined;
  const moved = put.pk !== item.pk || put.sk !== item.sk;
  return moved ? { kind, put, deleteKey: { pk: item.pk, sk: item.sk } } : { kind, put };
}

/**
 * Whether the item shows that its keys were sealed under another secret than the keyer's: a key of another version,
 * or a person by ID whose key is not its ID sealed by this keyer. Re-keying legacy keys under a wrong secret would
 * part every person from the rows the register seals from now on.
 */
export function sealedElsewhere(item: StoredItem, keyer: PersonKeyer): boolean {
  for (const key of [item.pk, item.sk]) {
    const version = personKeys.versionOf(key);
    if (version !== undefined && version !== keyer.version) return true;
  }
  if (item.sk !== registerKeys.personSortKey || personKeys.isLegacy(item.pk) || !personKeys.isById(item.pk))
    return false;
  if (typeof item.record !== 'string' && !(item.record instanceof Uint8Array)) return false;
  const { personalId } = unpackRecord(item.record);
  return personalId !== undefined && keyer.seal(personKeys.identityById(personalId)) !== item.pk;
}
