// The expected residents in memory, implementing ReferencePopulations as shared/store/reference-store.ts does on
// DynamoDB: one version per province per (as-of date, upload time), the newest the greatest of those.
import type { Vintage } from '../../shared/domain/units.ts';
import type { ProvinceReference, ReferencePopulations } from '../../shared/model/coverage.ts';

export class MemoryReferences implements ReferencePopulations {
  /** every version put, by `{vintage}#{province}#{asOf}#{uploadedAt}` (a put of the same key replaces it) */
  readonly items = new Map<string, ProvinceReference>();

  async put(reference: ProvinceReference): Promise<void> {
    const { vintage, province, asOf, uploadedAt } = reference;
    this.items.set(`${vintage}#${province}#${asOf}#${uploadedAt}`, structuredClone(reference));
  }

  async newest(vintage: Vintage, province: string): Promise<ProvinceReference | undefined> {
    const versions = [...this.items.entries()]
      .filter(([, reference]) => reference.vintage === vintage && reference.province === province)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return versions.at(-1)?.[1];
  }
}
