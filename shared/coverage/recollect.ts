// Re-collected forms (issue 18): a rejected form later followed by an accepted one of the same person, matched by
// the form id or the person's ID (its sealed key). Finalize keeps each rejected row's keys, and takes an open
// rejection when a later accepted row of the agency carries one of them; the row then counts as re-collected, once,
// where it places. Kept per agency: a form is re-collected by the agency that collected it. docs/coverage.md.
import type { Recollections, RejectedForm, WorklistPerson } from '../model/coverage.ts';

const byForm = (formId: string) => `F${formId}`;
const byPerson = (personKey: string) => `K${personKey}`;

export class BatchRecollection {
  /** this batch's own rejections, each match → the rejection */
  private readonly own = new Map<string, RejectedForm>();
  private readonly rejected: RejectedForm[] = [];
  private readonly taking: Promise<void>[] = [];

  private constructor(
    private readonly store: Recollections,
    private readonly agencyCode: string,
    private readonly batchId: string,
    private readonly open: Map<string, string>,
  ) {}

  static async start(store: Recollections, agencyCode: string, batchId: string): Promise<BatchRecollection> {
    return new BatchRecollection(store, agencyCode, batchId, await store.open(agencyCode, batchId));
  }

  /**
   * A rejected row: its form id, its person key when its ID could be read, its communes, codes and personal fields
   * (worklists).
   */
  reject(
    row: number,
    formId: string | undefined,
    personKey: string | undefined,
    communes: [string, string],
    codes: string[],
    person?: WorklistPerson,
  ): void {
    const matches = [formId && byForm(formId), personKey && byPerson(personKey)].filter(Boolean) as string[];
    const key = matches[0];
    if (!key) return;
    const form: RejectedForm = { key, matches, batchId: this.batchId, row, communes, codes, person };
    this.rejected.push(form);
    for (const match of matches) this.own.set(match, form);
  }

  /**
   * An accepted row: `count` is called when it re-collects a rejection, of an earlier row of this batch (at once) or of
   * an earlier batch (once the store has let this batch take it; `settle` waits for that).
   */
  accept(formId: string | undefined, personKey: string | undefined, count: () => void): void {
    const matches = [formId && byForm(formId), personKey && byPerson(personKey)].filter(Boolean) as string[];
    for (const match of matches) {
      const mine = this.own.get(match);
      if (mine && !mine.consumedBy) {
        mine.consumedBy = this.batchId;
        count();
        return;
      }
    }
    for (const match of matches) {
      const key = this.open.get(match);
      if (key === undefined) continue;
      // taken once: its other match must not count again
      for (const [other, of] of this.open) if (of === key) this.open.delete(other);
      this.taking.push(
        this.store.take(this.agencyCode, key, this.batchId).then((taken) => {
          if (taken) count();
        }),
      );
      return;
    }
  }

  /** Keeps this batch's rejections (those it re-collected itself, as taken). */
  async settle(expiresAt: number): Promise<void> {
    await Promise.all(this.taking);
    if (this.rejected.length > 0) await this.store.keep(this.agencyCode, this.rejected, expiresAt);
  }
}
