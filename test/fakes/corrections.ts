// The agencies' correction lists in memory, as shared/store/correction-lists.ts keeps them in the register table.
import type { CorrectionDecisionRecord, StoredCorrection } from '../../shared/model/correction.ts';
import type { CorrectionLists } from '../../shared/model/ports.ts';

export class MemoryCorrections implements CorrectionLists {
  /** by `{agencyCode} {id}` */
  readonly items = new Map<string, StoredCorrection>();

  async putCorrection(correction: StoredCorrection) {
    const key = `${correction.agencyCode} ${correction.id}`;
    if (this.items.has(key)) return false;
    this.items.set(key, structuredClone(correction));
    return true;
  }

  async getCorrection(agencyCode: string, id: string) {
    const item = this.items.get(`${agencyCode} ${id}`);
    return item ? structuredClone(item) : undefined;
  }

  async listCorrections(
    agencyCode: string,
    options: { status?: StoredCorrection['status']; limit?: number; nextToken?: string } = {},
  ) {
    const all = [...this.items.values()]
      .filter((item) => item.agencyCode === agencyCode && (!options.status || item.status === options.status))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .filter((item) => options.nextToken === undefined || item.id > options.nextToken);
    const items = all.slice(0, options.limit ?? all.length).map((item) => structuredClone(item));
    const last = items.at(-1);
    return items.length < all.length && last ? { items, nextToken: last.id } : { items };
  }

  async moveCorrection(
    agencyCode: string,
    id: string,
    from: readonly StoredCorrection['status'][],
    to: StoredCorrection['status'],
    decision: CorrectionDecisionRecord,
  ) {
    const item = this.items.get(`${agencyCode} ${id}`);
    if (!item || !from.includes(item.status)) return false;
    item.status = to;
    item.decision = structuredClone(decision);
    return true;
  }
}
