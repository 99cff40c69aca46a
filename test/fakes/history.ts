// The history table in memory, implementing the PersonHistory port as shared/store/history-store.ts does on DynamoDB
// (test/contracts holds both to the same contract): a put never replaces an item already there.
import { historyKeys } from '../../shared/keys.ts';
import type { ChangeDraft, PersonChange } from '../../shared/model/history.ts';
import type { PersonHistory } from '../../shared/model/ports.ts';

export class MemoryHistory implements PersonHistory {
  /** every item, by `{personKey} {sortKey}` */
  readonly items = new Map<string, PersonChange & { sk: string }>();
  /** how many puts were asked for, and how many of them found their item there already (a retry's) */
  puts = 0;
  repeats = 0;
  /** throws once from the next put, before it is kept: a crash between a person's write and its history item */
  crashOnPut = false;

  async put(change: ChangeDraft): Promise<string> {
    this.puts++;
    if (this.crashOnPut) {
      this.crashOnPut = false;
      throw new Error('injected crash');
    }
    const { pk, sk } = historyKeys.change(change.personKey, change.version, change.change);
    const id = `${pk} ${sk}`;
    if (this.items.has(id)) this.repeats++;
    else this.items.set(id, { ...structuredClone(change), at: new Date().toISOString(), sk });
    return sk;
  }

  async list(personKey: string): Promise<(PersonChange & { sk: string })[]> {
    return [...this.items.values()]
      .filter((item) => item.personKey === personKey)
      .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0))
      .map((item) => structuredClone(item));
  }

  /** the items of one person, as `{version}#{change} {outcome}` */
  of(personKey: string): string[] {
    return [...this.items.values()]
      .filter((item) => item.personKey === personKey)
      .map((item) => `${item.sk} ${item.outcome}`)
      .sort();
  }
}

/** Each fake register's history table, made on first use: the tests that only care for the register ask for it so. */
const histories = new WeakMap<object, MemoryHistory>();
export function historyOf(register: object): MemoryHistory {
  const history = histories.get(register) ?? new MemoryHistory();
  histories.set(register, history);
  return history;
}

/** A signed-in reviewer, as the history names who decided. */
export const REVIEWER = { by: { kind: 'person' as const, id: 'reviewer-sub' } };
