// `npm run rekey` over the register table (docs/operations.md, "Re-keying the register"): a parallel Scan, and for each
// item holding a legacy key the same item under sealed keys (rekey-item.ts). An item under new keys is written first,
// on condition that nothing holds them, then the old one is deleted; an item kept under its keys is written on
// condition that it has not changed since it was read. A crash between the two writes is met again by the next run:
// the new item is there and identical, and the old one is deleted then. Each segment's position is saved after each
// page, so a stopped run resumes where it was.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { documents } from '../aws/dynamodb.ts';
import type { BatchStore } from './batch-store.ts';
import { landed } from './conditions.ts';
import type { LinkPassStore } from './link-pass-store.ts';
import {
  ITEM_KINDS,
  type ItemKind,
  type Rekeying,
  rekeyItem,
  type StoredItem,
  sealedElsewhere,
} from './rekey-item.ts';

/** A write found its item changed: read again, this many times at most. */
const MAX_ATTEMPTS = 8;
/** Items written at once per segment. */
const CONCURRENCY = 8;
/** Collisions listed by key in the counts (all are counted). */
const COLLISIONS_LISTED = 100;

export interface RekeyOptions {
  table: string;
  keyer: PersonKeyer;
  segments: number;
  /** count what there is to do, write nothing */
  dryRun?: boolean;
  /** where each segment's position is saved after each page (not in a dry run); removed once the Scan is done */
  stateFile?: string;
  /** start from the top even when the state file says where a run stopped */
  restart?: boolean;
  /** items per Scan page (DynamoDB's 1 MB when unset) */
  pageSize?: number;
  /** stop at the end of the page that reaches this many items (a trial run; tests) */
  limit?: number;
  /** stops at the end of the pages being written */
  signal?: AbortSignal;
  onPage?: (counts: RekeyCounts) => void;
}

export interface RekeyCounts {
  scanned: number;
  /** items re-keyed (in a dry run: to re-key), by kind */
  rekeyed: Record<ItemKind, number>;
  /** items that hold no legacy key: sealed before, or written by this run and met again by its Scan */
  sealed: number;
  /** legacy items left in place because their sealed keys hold a different item */
  collisions: number;
  collided: { kind: ItemKind; key: { pk: string; sk: string } }[];
  /** items deleted by someone else between the Scan and the write */
  gone: number;
  /** whether the Scan reached the end of the table (not stopped by `limit` or `signal`) */
  complete: boolean;
}

/** Where each segment of a run has got to: its last key, `done`, or null before its first page. */
interface RekeyState {
  table: string;
  segments: number;
  positions: (Record<string, unknown> | 'done' | null)[];
}

/**
 * A register holding keys sealed under another secret than the one given (or another version of it). The page that
 * showed it is not written; a run that finds it only after some pages has sealed those under the wrong secret, which
 * is why a dry run, which reads every item, comes first (docs/operations.md).
 */
export class ForeignSecretError extends Error {
  constructor(readonly key: { pk: string; sk: string }) {
    super(
      'Sổ đăng ký có khoá được niêm phong bằng một bí mật khác với bí mật đã cho (hoặc một phiên bản khác): ' +
        'kiểm tra bí mật khoá người mà hàm register đọc (PERSON_KEY_SECRET). / ' +
        'The register holds a key sealed under another secret than the one given (or another version of it): ' +
        'check the person-key secret (the register function reads PERSON_KEY_SECRET).',
    );
  }
}

const keyOf = (item: StoredItem) => ({ pk: item.pk, sk: item.sk });
/** the attributes a write may change on an item meanwhile: a write conditional on them finds it as read */
const GUARDED = ['version', 'mergedInto', 'keptApart', 'personKey', 'candidatePersonKey', 'resolution'];

/** A condition that holds while the item is still as `item` was read. */
function unchanged(item: StoredItem) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = ['attribute_exists(pk)'];
  GUARDED.forEach((name, i) => {
    names[`#g${i}`] = name;
    if (item[name] === undefined) parts.push(`attribute_not_exists(#g${i})`);
    else {
      values[`:g${i}`] = item[name];
      parts.push(`#g${i} = :g${i}`);
    }
  });
  return {
    ConditionExpression: parts.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
  };
}

export function emptyCounts(): RekeyCounts {
  return {
    scanned: 0,
    rekeyed: Object.fromEntries(ITEM_KINDS.map((kind) => [kind, 0])) as Record<ItemKind, number>,
    sealed: 0,
    collisions: 0,
    collided: [],
    gone: 0,
    complete: false,
  };
}

type Outcome = 'rekeyed' | 'sealed' | 'collision' | 'gone';

class RegisterRekey {
  constructor(private readonly table: string) {}

  private get(key: { pk: string; sk: string }) {
    return documents
      .send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }))
      .then(({ Item }) => Item as StoredItem | undefined);
  }

  private put(item: StoredItem, condition: ReturnType<typeof unchanged> | 'absent') {
    const expression =
      condition === 'absent' ? { ConditionExpression: 'attribute_not_exists(pk)' } : condition;
    return landed(documents.send(new PutCommand({ TableName: this.table, Item: item, ...expression })));
  }

  private delete(item: StoredItem) {
    return landed(
      documents.send(new DeleteCommand({ TableName: this.table, Key: keyOf(item), ...unchanged(item) })),
    );
  }

  /** One item re-keyed; read again and done over when somebody changed it since it was read. */
  async rekey(scanned: StoredItem, keyer: PersonKeyer): Promise<Outcome> {
    let current = scanned;
    let written: StoredItem | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const plan = rekeyItem(current, keyer);
      if (!plan) return written ? 'rekeyed' : 'sealed';
      if (!plan.deleteKey) {
        if (await this.put(plan.put, unchanged(current))) return 'rekeyed';
      } else {
        if (!written || !isDeepStrictEqual(written, plan.put)) {
          // a put of the item as it is now over the one this call wrote from an older read
          if (!(await this.put(plan.put, written ? unchanged(written) : 'absent'))) {
            // a run that stopped between its two writes left this very item: go on to the delete
            const held = await this.get(keyOf(plan.put));
            if (held && !isDeepStrictEqual(held, plan.put)) return 'collision';
            if (!held) continue;
          }
          written = plan.put;
        }
        if (await this.delete(current)) return 'rekeyed';
      }
      const fresh = await this.get(keyOf(current));
      if (!fresh) return written ? 'rekeyed' : 'gone';
      current = fresh;
    }
    throw new Error(`an item kept changing while it was re-keyed (${MAX_ATTEMPTS} attempts)`);
  }

  /** One segment's items, page by page, from `from` on. */
  async *scan(segment: number, segments: number, from: Record<string, unknown> | null, pageSize?: number) {
    let start = from ?? undefined;
    do {
      const page = await documents.send(
        new ScanCommand({
          TableName: this.table,
          Segment: segment,
          TotalSegments: segments,
          ExclusiveStartKey: start,
          Limit: pageSize,
        }),
      );
      start = page.LastEvaluatedKey;
      yield { items: (page.Items ?? []) as StoredItem[], next: start };
    } while (start);
  }
}

async function readState(options: RekeyOptions): Promise<RekeyState> {
  const fresh: RekeyState = {
    table: options.table,
    segments: options.segments,
    positions: Array(options.segments).fill(null),
  };
  if (!options.stateFile || options.restart || options.dryRun) return fresh;
  let text: string;
  try {
    text = await readFile(options.stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fresh;
    throw error;
  }
  const state = JSON.parse(text) as RekeyState;
  if (state.table !== options.table || state.segments !== options.segments)
    throw new Error(
      `${options.stateFile} is a run over ${state.table} in ${state.segments} segments: resume it with ` +
        `--segments ${state.segments}, or start again with --restart`,
    );
  return state;
}

/**
 * What must end before a re-key: batches in flight and a running link pass carry legacy keys in their work files, and
 * would write them back into the register after it.
 */
export async function workInFlight(
  batches: Pick<BatchStore, 'listUnfinished'>,
  passes: Pick<LinkPassStore, 'running'>,
): Promise<string[]> {
  const [unfinished, pass] = await Promise.all([batches.listUnfinished(), passes.running()]);
  return [
    ...unfinished.map((batch) => `batch ${batch.batchId} (${batch.objectKey}) is ${batch.status}`),
    ...(pass ? [`link pass ${pass} is running`] : []),
  ];
}

/** Re-keys the register table, or counts what there is to re-key (`dryRun`). */
export async function rekeyRegister(options: RekeyOptions): Promise<RekeyCounts> {
  const { keyer, dryRun, stateFile } = options;
  const store = new RegisterRekey(options.table);
  const state = await readState(options);
  const counts = emptyCounts();
  const stop = new AbortController();
  const stopping = () => stop.signal.aborted || options.signal?.aborted === true;
  let saving = Promise.resolve();
  const save = () => {
    if (!stateFile || dryRun) return saving;
    const text = `${JSON.stringify(state)}\n`;
    saving = saving.then(async () => {
      await writeFile(`${stateFile}.tmp`, text);
      await rename(`${stateFile}.tmp`, stateFile);
    });
    return saving;
  };

  const count = (outcome: Outcome, plan?: Rekeying) => {
    if (!plan || outcome === 'sealed') counts.sealed += 1;
    else if (outcome === 'rekeyed') counts.rekeyed[plan.kind] += 1;
    else if (outcome === 'gone') counts.gone += 1;
    else {
      counts.collisions += 1;
      // the sealed key the legacy item could not move to: it names no ID
      if (counts.collided.length < COLLISIONS_LISTED)
        counts.collided.push({ kind: plan.kind, key: keyOf(plan.put) });
    }
  };

  const segment = async (index: number) => {
    const position = state.positions[index];
    if (position === 'done') return;
    for await (const { items, next } of store.scan(
      index,
      options.segments,
      position ?? null,
      options.pageSize,
    )) {
      // nothing of a page is written if any item of it shows another secret
      const foreign = items.find((item) => sealedElsewhere(item, keyer));
      if (foreign) throw new ForeignSecretError(keyOf(foreign));
      const pending = [...items];
      const worker = async () => {
        for (let item = pending.shift(); item; item = pending.shift()) {
          const plan = rekeyItem(item, keyer);
          if (!plan || dryRun) count('rekeyed', plan);
          else count(await store.rekey(item, keyer), plan);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      counts.scanned += items.length;
      state.positions[index] = next ?? 'done';
      await save();
      options.onPage?.(counts);
      if (options.limit !== undefined && counts.scanned >= options.limit) stop.abort();
      if (stopping()) return;
    }
  };

  const results = await Promise.allSettled(
    Array.from({ length: options.segments }, (_, i) =>
      segment(i).catch((error: unknown) => {
        stop.abort();
        throw error;
      }),
    ),
  );
  await saving;
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  counts.complete = state.positions.every((position) => position === 'done');
  if (counts.complete && stateFile && !dryRun) await rm(stateFile, { force: true });
  return counts;
}
