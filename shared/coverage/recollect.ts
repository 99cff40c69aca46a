// Re-collected forms (issue 18): a rejected form later followed by an accepted one of the same person, matched by
// the form id or the person's ID (its sealed key). Finalize keeps each rejected row's keys, and takes an open
// rejection when a later accepted row of the agency carries one of them; the row then counts as re-collected, once,
// where it places. Kept per agency: a form is re-collected by the agency that collected it. docs/coverage.md.
import type { Recollections, RejectedForm } from '../model/coverage.ts';

const byForm = (formId: string) => `F${formId}`;
const byPerson = (personKey: string) => `K${personKey}`;

export class BatchRecollection {
  /** this batch's own rejections, key → the rejection, in row order */
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

  /** A rejected row: its form id, and its person key when its ID could be read. */
  reject(row: number, formId: string | undefined, personKey: string | undefined): void {
    const keys = [formId && byForm(formId), personKey && byPerson(personKey)].filter(Boolean) as string[];
    const primary = keys[0];
    if (!primary) return;
    for (const key of keys) {
      const form: RejectedForm = { key, primary, batchId: this.batchId, row };
      this.rejected.push(form);
      this.own.set(key, form);
    }
  }

  /**
   * An accepted row: `count` is called when it re-collects a rejection, of an earlier row of this batch (at once) or of
   * an earlier batch (once the store has let this batch take it; `settle` waits for that).
   */
  accept(formId: string | undefined, personKey: string | undefined, count: () => void): void {
    const keys = [formId && byForm(formId), personKey && byPerson(personKey)].filter(Boolean) as string[];
    for (const key of keys) {
      const mine = this.own.get(key);
      if (mine && !mine.consumedBy) {
        for (const form of this.rejected) if (form.primary === mine.primary) form.consumedBy = this.batchId;
        count();
        return;
      }
    }
    for (const key of keys) {
      const primary = this.open.get(key);
      if (primary === undefined) continue;
      // taken once: its other key must not count again
      for (const [other, of] of this.open) if (of === primary) this.open.delete(other);
      this.taking.push(
        this.store.take(this.agencyCode, primary, this.batchId).then((taken) => {
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
