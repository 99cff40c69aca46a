// Identifiers for synthetic persons: 12-digit personal IDs (PPP G YY RRRRRR, docs/validation.md), unique
// by construction, old 9-digit CMND numbers, and Vietnamese mobile numbers.
import type { Sex } from '#domain/record.ts';
import { type Rng, Weighted } from './rng.ts';

/** The century/sex digit G: 0/1 for the 1900s (male/female), 2/3 for the 2000s, … */
export function centurySexDigit(sex: Sex, birthYear: number): number {
  return (Math.floor(birthYear / 100) - 19) * 2 + (sex === 'female' ? 1 : 0);
}

const RANDOM_SPACE = 1_000_000;

/**
 * Hands out personal IDs that never repeat: within each (place, G, YY) bucket the n-th ID's six random digits
 * are a keyed 20-bit Feistel permutation of n, walked until it falls below 10^6. No set of issued IDs is kept.
 */
export class PersonalIdAllocator {
  private readonly keys: number[];
  private readonly issued = new Map<number, number>();

  constructor(rng: Rng) {
    this.keys = [rng.uint32(), rng.uint32(), rng.uint32(), rng.uint32()];
  }

  private permute(n: number, tweak: number): number {
    let x = n;
    do {
      let left = x >>> 10;
      let right = x & 0x3ff;
      for (const key of this.keys) {
        let h = Math.imul(right ^ key ^ tweak, 0x9e3779b1);
        h ^= h >>> 15;
        h = Math.imul(h, 0x85ebca77);
        h ^= h >>> 13;
        const next = left ^ (h & 0x3ff);
        left = right;
        right = next;
      }
      x = (left << 10) | right;
    } while (x >= RANDOM_SPACE);
    return x;
  }

  /** A fresh ID for a person whose birth was registered under `placeCode` (province 0xx or country 1xx–2xx). */
  allocate(placeCode: string, sex: Sex, birthYear: number): string {
    const g = centurySexDigit(sex, birthYear);
    const yy = birthYear % 100;
    const bucket = Number(placeCode) * 1000 + g * 100 + yy;
    const n = this.issued.get(bucket) ?? 0;
    if (n >= RANDOM_SPACE) throw new Error(`personal ID bucket ${placeCode}-${g}-${yy} is exhausted`);
    this.issued.set(bucket, n + 1);
    const random = this.permute(n, Math.imul(bucket, 0x27d4eb2d));
    return `${placeCode}${g}${String(yy).padStart(2, '0')}${String(random).padStart(6, '0')}`;
  }
}

/** An old 9-digit CMND: Gia Lai's series began 23 (230…, 231…). */
export function oldIdNumber(rng: Rng): string {
  return `23${rng.int(2)}${rng.digits(6)}`;
}

// Mobile prefixes in use since the 2018 renumbering (Viettel, MobiFone, VinaPhone, Vietnamobile, Gmobile).
const MOBILE_PREFIXES = new Weighted<string>([
  ['086', 4],
  ['096', 8],
  ['097', 10],
  ['098', 10],
  ['032', 4],
  ['033', 4],
  ['034', 4],
  ['035', 4],
  ['036', 4],
  ['037', 4],
  ['038', 4],
  ['039', 4],
  ['089', 2],
  ['090', 5],
  ['093', 4],
  ['070', 2],
  ['076', 2],
  ['077', 2],
  ['078', 2],
  ['079', 2],
  ['088', 2],
  ['091', 5],
  ['094', 4],
  ['081', 2],
  ['082', 2],
  ['083', 2],
  ['084', 2],
  ['085', 2],
  ['092', 1],
  ['056', 1],
  ['058', 1],
  ['099', 1],
  ['059', 1],
]);

/** A 10-digit mobile number in the national form (0 and 9 digits). */
export function mobileNumber(rng: Rng): string {
  return `${MOBILE_PREFIXES.pick(rng)}${rng.digits(7)}`;
}
