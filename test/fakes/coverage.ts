// The coverage counters and expected residents in memory, implementing the ports as shared/store/coverage-store.ts and
// reference-store.ts do on DynamoDB: a move lands once per item, forgetting it lets it land again, a province reads
// its items with every counter, the recount's overwrite zeroes what it was not given.
import type { Vintage } from '#domain/units.ts';
import { reviewId, worklistKeys } from '../../shared/keys.ts';
import {
  COUNTERS,
  type CounterDelta,
  type CounterItem,
  type CounterPlace,
  type CoverageCounters,
  type ListedForm,
  type ProvinceReference,
  type Recollections,
  type ReferencePopulations,
  type RejectedForm,
  type WorklistItem,
  type WorklistLines,
  type Worklists,
  zeroCounts,
} from '../../shared/model/coverage.ts';

const idOf = (place: CounterPlace) =>
  `${place.vintage}/${place.province}/${place.kind === 'unplaced' ? `unplaced:${place.agencyUnit}` : `${place.kind}:${place.code}`}`;

export class MemoryCoverage implements CoverageCounters, ReferencePopulations {
  readonly items = new Map<string, CounterItem & { applied: Set<string> }>();
  readonly references: ProvinceReference[] = [];

  async apply(moveId: string, deltas: readonly CounterDelta[]): Promise<number> {
    const moved = new Set<string>();
    for (const { place, counts } of deltas) {
      if (!COUNTERS.some((counter) => (counts[counter] ?? 0) !== 0)) continue;
      const id = idOf(place);
      const item = this.items.get(id) ?? { place, counts: zeroCounts(), applied: new Set<string>() };
      if (item.applied.has(moveId) && !moved.has(id)) continue;
      for (const counter of COUNTERS) item.counts[counter] += counts[counter] ?? 0;
      item.applied.add(moveId);
      moved.add(id);
      this.items.set(id, item);
    }
    return moved.size;
  }

  async forget(moveId: string, places: readonly CounterPlace[]): Promise<void> {
    for (const place of places) this.items.get(idOf(place))?.applied.delete(moveId);
  }

  async province(vintage: Vintage, province: string): Promise<CounterItem[]> {
    return [...this.items.values()]
      .filter(({ place }) => place.vintage === vintage && place.province === province)
      .map(({ place, counts }) => ({ place: { ...place }, counts: { ...counts } }));
  }

  async overwrite(items: readonly CounterItem[]): Promise<void> {
    const provinces = new Set(items.map(({ place }) => `${place.vintage}/${place.province}`));
    for (const item of this.items.values()) {
      if (provinces.has(`${item.place.vintage}/${item.place.province}`)) item.counts = zeroCounts();
    }
    for (const { place, counts } of items) {
      const applied = this.items.get(idOf(place))?.applied ?? new Set<string>();
      this.items.set(idOf(place), { place, counts: { ...counts }, applied });
    }
  }

  async put(reference: ProvinceReference): Promise<void> {
    this.references.push(structuredClone(reference));
  }

  async newest(vintage: Vintage, province: string): Promise<ProvinceReference | undefined> {
    return this.references
      .filter((reference) => reference.vintage === vintage && reference.province === province)
      .sort((a, b) => `${a.asOf}#${a.uploadedAt}`.localeCompare(`${b.asOf}#${b.uploadedAt}`))
      .at(-1);
  }

  /** the two ports as the agency function takes them */
  reads() {
    return { counters: this, references: this };
  }
}

/**
 * An agency's rejected forms in memory, as shared/store/recollect-store.ts keeps them (its conditions included), and
 * the communes' worklists they make (worklist-store.ts): a form not taken, listed under its commune of each vintage,
 * in key order (agency, batch, row).
 */
export class MemoryRecollections implements Recollections, Worklists, WorklistLines {
  readonly items = new Map<string, RejectedForm & { agencyCode: string; expiresAt: number }>();

  async open(agencyCode: string, batchId: string): Promise<Map<string, string>> {
    const open = new Map<string, string>();
    for (const item of this.items.values()) {
      if (item.agencyCode !== agencyCode || item.batchId === batchId) continue;
      if (item.consumedBy && item.consumedBy !== batchId) continue;
      for (const match of item.matches) open.set(match, item.key);
    }
    return open;
  }

  async keep(agencyCode: string, forms: readonly RejectedForm[], expiresAt: number): Promise<void> {
    for (const form of forms) {
      const id = `${agencyCode}/${form.key}`;
      const held = this.items.get(id);
      if (held && !(held.consumedBy && held.batchId !== form.batchId)) continue;
      this.items.set(id, { ...form, agencyCode, expiresAt });
    }
  }

  async take(agencyCode: string, key: string, batchId: string): Promise<boolean> {
    const held = this.items.get(`${agencyCode}/${key}`);
    if (!held || (held.consumedBy && held.consumedBy !== batchId)) return false;
    held.consumedBy = batchId;
    return true;
  }

  /** the lines the register step put, by partition and sort key */
  readonly lines = new Map<string, WorklistItem & { pk: string; sk: string; personKey: string }>();
  /** whether a duplicate's or a conflict's line was decided (the store reads the register) */
  decided: (item: WorklistItem, personKey: string) => Promise<boolean> = async () => false;

  async put(agencyCode: string, batchId: string, forms: readonly ListedForm[], _expiresAt: number) {
    for (const { lists, person, ...form } of forms) {
      for (const pk of lists) {
        const { sk } = worklistKeys.line(pk, agencyCode, batchId, form.row);
        this.lines.set(`${pk}/${sk}`, {
          pk,
          sk,
          kind: form.kind,
          agencyCode,
          batchId,
          row: form.row,
          formId: form.formId,
          codes: form.codes,
          communes: form.communes,
          personKey: form.personKey,
          ...(form.kind === 'duplicate' ? { reviewId: reviewId({ batchId, row: form.row }) } : {}),
          ...(person ? { person } : {}),
        });
      }
    }
  }

  async list(partition: string, limit: number, nextToken?: string) {
    const rejected = [...this.items.values()].flatMap((item) =>
      ([2020, 2025] as const).flatMap((vintage, at) => {
        const commune = item.communes?.[at];
        if (item.consumedBy || !commune || worklistKeys.communePartition(vintage, commune) !== partition)
          return [];
        const line: WorklistItem = {
          kind: 'rejected',
          agencyCode: item.agencyCode,
          batchId: item.batchId,
          row: item.row,
          formId: item.key.startsWith('F') ? item.key.slice(1) : '',
          codes: item.codes ?? [],
          communes: item.communes ?? ['', ''],
          ...(item.person ? { person: item.person } : {}),
        };
        return [
          {
            sk: worklistKeys.line(partition, item.agencyCode, item.batchId, item.row).sk,
            line,
            personKey: '',
          },
        ];
      }),
    );
    const others = [...this.lines.values()]
      .filter((line) => line.pk === partition)
      .map(({ pk: _pk, sk, personKey, ...line }) => ({ sk, line: line as WorklistItem, personKey }));
    const listed = [...rejected, ...others].sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
    const after = nextToken === undefined ? undefined : Buffer.from(nextToken, 'base64url').toString();
    const from = after === undefined ? 0 : listed.findIndex(({ sk }) => sk === after) + 1;
    if (nextToken !== undefined && from === 0) return undefined;
    const page = listed.slice(from, from + limit);
    const decided = await Promise.all(page.map(({ line, personKey }) => this.decided(line, personKey)));
    const items = page.filter((_, at) => !decided[at]).map(({ line }) => line);
    return from + limit < listed.length
      ? { items, nextToken: Buffer.from(page.at(-1)?.sk ?? '').toString('base64url') }
      : { items };
  }
}
