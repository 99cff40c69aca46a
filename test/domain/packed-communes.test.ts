import { describe, expect, it } from 'vitest';
import communes from '../../shared/data/communes.json' with { type: 'json' };
import packed from '../../shared/data/communes.packed.json' with { type: 'json' };
import { communeIndex, packCommunes, unpackCommunes } from '../../shared/data/packed-communes.ts';

const byCode = (entries: string[]) => [...entries].sort();
const codesOf = (entries: string[]) => byCode(entries.map((entry) => entry.slice(0, 5)));

describe('packed commune lists', () => {
  it('unpack to the same codes and successors as communes.json', () => {
    const unpacked = unpackCommunes(packed);
    expect(unpacked.source).toBe(communes.source);
    expect(unpacked.codes2020).toEqual(codesOf(communes.communes2020));
    expect(unpacked.codesInterim).toEqual(codesOf(communes.communesInterim));
    expect(unpacked.codes2025).toEqual(codesOf(communes.communes2025));
    expect(unpacked.successor2025).toEqual(communes.successor2025);
  });

  it('are the packing of communes.json as it is now (re-run shared/data/import.ts after editing it)', () => {
    expect(packCommunes(communes)).toEqual(packed);
  });

  it('round-trip lists with long gaps, no successors and successors other than the previous one', () => {
    const lists = {
      source: 's',
      communes2020: ['00001:01', '00004:01', '09000:02', '99999:96'],
      communesInterim: ['09003:02'],
      communes2025: ['00004:01', '09003:02', '90000:96'],
      successor2025: { '00001': '00004', '00004': '00004', '09000': '09003', '99999': '90000' },
    };
    expect(unpackCommunes(packCommunes(lists))).toEqual({
      source: 's',
      codes2020: ['00001', '00004', '09000', '99999'],
      codesInterim: ['09003'],
      codes2025: ['00004', '09003', '90000'],
      successor2025: lists.successor2025,
    });
  });
});

describe('the commune index validation reads', () => {
  it('holds the codes of each vintage and the successors of communes.json, and nothing else', () => {
    const index = communeIndex(packed);
    const all = Array.from({ length: 100_000 }, (_, n) => String(n).padStart(5, '0'));
    expect(all.filter((c) => index.has2020(c))).toEqual(
      byCode([...communes.communes2020, ...communes.communesInterim].map((e) => e.slice(0, 5))),
    );
    expect(all.filter((c) => index.has2025(c))).toEqual(
      byCode(communes.communes2025.map((e) => e.slice(0, 5))),
    );
    const successors = Object.fromEntries(
      all.flatMap((c) => {
        const successor = index.successor2025(c);
        return successor === undefined ? [] : [[c, successor]];
      }),
    );
    expect(successors).toEqual(communes.successor2025);
  });

  it('finds nothing for what is not a 5-digit code', () => {
    const index = communeIndex(packed);
    const known = communes.communes2025[0]?.slice(0, 5) ?? '';
    expect(index.has2025(known)).toBe(true);
    for (const value of [
      '',
      known.slice(1),
      `${known}0`,
      ` ${known.slice(1)}`,
      `${known.slice(0, 4)}a`,
      '-0001',
    ]) {
      expect(index.has2020(value) || index.has2025(value), value).toBe(false);
      expect(index.successor2025(value), value).toBeUndefined();
    }
  });
});
