// A hash table from a 64-bit fingerprint to three 32-bit values, in one typed array: what the pre-upload check
// holds per person of a file. Hand-written (open addressing, linear probing) because a Map of a million
// string keys costs about 130 bytes an entry plus the garbage collector's time walking it; this costs
// 20 bytes a slot and holds no object per person (docs/benchmarks.md, "The pre-upload check").

const WORDS = 5; // key high, key low, first, second and third value

export class FingerprintTable {
  /** the share of slots held before the table doubles */
  static readonly MAX_LOAD = 0.75;
  private slots: Uint32Array;
  /** how many slots: any number, not a power of two, so that a table sized for a file takes no more than it needs */
  private capacity: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    this.capacity = Math.max(16, Math.ceil(capacity));
    this.slots = new Uint32Array(this.capacity * WORDS);
  }

  /** Where key (high, keyLow) is looked for first: its hash scaled to the capacity (multiply, not a mask). */
  private home(high: number, keyLow: number): number {
    return Math.floor((((high ^ Math.imul(keyLow, 0x9e3779b1)) >>> 0) * this.capacity) / 0x100000000);
  }

  /**
   * The slot holding key (high, low), or when there is none, the empty slot where it would go as `-slot - 1`.
   * A key of (0, 0) marks an empty slot, so that key is stored as (0, 1).
   */
  find(high: number, low: number): number {
    const keyLow = high === 0 && low === 0 ? 1 : low;
    const slots = this.slots;
    const capacity = this.capacity;
    for (let slot = this.home(high, keyLow); ; slot = slot + 1 === capacity ? 0 : slot + 1) {
      const at = slot * WORDS;
      const h = slots[at] as number;
      const l = slots[at + 1] as number;
      if (h === high && l === keyLow) return slot;
      if (h === 0 && l === 0) return -slot - 1;
    }
  }

  /** The first word of the slot where key (high, low) would be looked for first: a read, to bring it to the cache. */
  peek(high: number, low: number): number {
    const keyLow = high === 0 && low === 0 ? 1 : low;
    return this.slots[this.home(high, keyLow) * WORDS] as number;
  }

  /** Puts a new key in the empty slot `find` gave (as -slot - 1) with its three values. */
  insert(found: number, high: number, low: number, first: number, second: number, third: number): void {
    const at = (-found - 1) * WORDS;
    this.slots[at] = high;
    this.slots[at + 1] = high === 0 && low === 0 ? 1 : low;
    this.slots[at + 2] = first;
    this.slots[at + 3] = second;
    this.slots[at + 4] = third;
    this.size += 1;
    if (this.size > this.capacity * FingerprintTable.MAX_LOAD) this.grow();
  }

  first(slot: number): number {
    return this.slots[slot * WORDS + 2] as number;
  }

  second(slot: number): number {
    return this.slots[slot * WORDS + 3] as number;
  }

  third(slot: number): number {
    return this.slots[slot * WORDS + 4] as number;
  }

  setSecond(slot: number, value: number): void {
    this.slots[slot * WORDS + 3] = value;
  }

  private grow(): void {
    const old = this.slots;
    this.capacity *= 2;
    this.slots = new Uint32Array(this.capacity * WORDS);
    for (let at = 0; at < old.length; at += WORDS) {
      const high = old[at] as number;
      const low = old[at + 1] as number;
      if (high === 0 && low === 0) continue;
      const to = (-this.find(high, low) - 1) * WORDS;
      this.slots[to] = high;
      this.slots[to + 1] = low;
      this.slots[to + 2] = old[at + 2] as number;
      this.slots[to + 3] = old[at + 3] as number;
      this.slots[to + 4] = old[at + 4] as number;
    }
  }
}
