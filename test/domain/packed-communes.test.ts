import { describe, expect, it } from 'vitest';
import communes from '../../shared/data/communes.json' with { type: 'json' };
import packed from '../../shared/data/communes.packed.json' with { type: 'json' };
import { communeIndex, packCommunes, unpackCommunes } from '../../shared/data/packed-communes.ts';

const byCode = (entries: string[]) => [...entries].sort();

describe('packed commune lists', () => {
  it('unpack to the same codes, provinces and successors as communes.json', () => {
    const unpacked = unpackCommunes(packed);
    expect(unpacked.source).toBe(communes.source);
    expect(byCode(unpacked.communes2020)).toEqual(byCode(communes.communes2020));
    expect(byCode(unpacked.communes2025)).toEqual(byCode(communes.communes2025));
    expect(unpacked.successor2025).toEqual(communes.successor2025);
  });

  it('are the packing of communes.json as it is now (re-run shared/data/import.ts after editing it)', () => {
    expect(packCommunes(communes)).toEqual(packed);
  });

  it('round-trip lists with long gaps, no successors and successors other than the previous one', () => {
    const lists = {
      source: 's',
      communes2020: ['00001:01', '00004:01', '09000:02', '09003:02', '99999:96'],
      communes2025: ['00004:01', '09003:02', '90000:96'],
      successor2025: { '00001': '00004', '00004': '00004', '09000': '09003', '99999': '90000' },
    };
    expect(unpackCommunes(packCommunes(lists))).toEqual(lists);
  });
});

describe('the commune index validation reads', () => {
  it('holds the codes of each vintage and the successors of communes.json', () => {
    const index = communeIndex(packed);
    expect([...index.codes2020].sort()).toEqual(communes.communes2020.map((e) => e.slice(0, 5)).sort());
    expect([...index.codes2025].sort()).toEqual(communes.communes2025.map((e) => e.slice(0, 5)).sort());
    expect(Object.fromEntries(index.successor2025)).toEqual(communes.successor2025);
  });
});
