// The six random digits of a personal ID (issue 20, docs/ids.md): which of the 10^6 are ever issued, and in what order.
// Like MOSIP's ID generator, a number a person could mistake for another, or guess, is filtered out: no run of three
// digits each one up or one down from the last (123, 987), no digit three times in a row (000), no block of two or
// more digits repeated at once (1212, 123123). The ones left are issued in the order of a permutation keyed per prefix
// (a Feistel network over the index, HMAC-SHA-256 rounds, cycle-walked into range): consecutive allocations look
// unrelated, and neither the order nor the count of the numbers issued can be read from them.
import { createHmac } from 'node:crypto';

const SIX_DIGITS = 1_000_000;

/** Whether six digits may end a personal ID. */
export function isAllowedSuffix(digits: string): boolean {
  if (!/^\d{6}$/.test(digits)) return false;
  for (let i = 2; i < 6; i++) {
    const a = digits.charCodeAt(i - 2);
    const b = digits.charCodeAt(i - 1);
    const c = digits.charCodeAt(i);
    // a run up or down by one, or one digit three times
    if (b - a === c - b && Math.abs(b - a) <= 1) return false;
  }
  for (let size = 2; size <= 3; size++) {
    for (let at = 0; at + 2 * size <= 6; at++) {
      if (digits.slice(at, at + size) === digits.slice(at + size, at + 2 * size)) return false;
    }
  }
  return true;
}

let allowed: Uint32Array | undefined;

/** Every allowed suffix, ascending (computed once, 4 bytes each). */
export function allowedSuffixes(): Uint32Array {
  if (allowed) return allowed;
  const kept = new Uint32Array(SIX_DIGITS);
  let count = 0;
  for (let n = 0; n < SIX_DIGITS; n++) {
    if (isAllowedSuffix(String(n).padStart(6, '0'))) kept[count++] = n;
  }
  allowed = kept.slice(0, count);
  return allowed;
}

/**
 * A keyed permutation of [0, size): a balanced Feistel network of six HMAC-SHA-256 rounds over the smallest even
 * number of bits that holds `size`, walked along its cycle until the value falls in range (on average under 2
 * steps, as the bit space is less than 4 × size).
 */
export class KeyedPermutation {
  private readonly half: number;
  private readonly mask: number;

  constructor(
    private readonly key: Uint8Array,
    readonly size: number,
    private readonly rounds = 6,
  ) {
    if (!Number.isInteger(size) || size < 2 || size > 2 ** 40) throw new Error(`no permutation of ${size}`);
    const bits = Math.ceil(Math.log2(size));
    this.half = Math.max(1, Math.ceil(bits / 2));
    this.mask = 2 ** this.half - 1;
  }

  private round(round: number, value: number): number {
    const digest = createHmac('sha256', this.key).update(`${round}:${value}`).digest();
    return digest.readUInt32BE(0) & this.mask;
  }

  private once(value: number): number {
    let left = Math.floor(value / 2 ** this.half);
    let right = value & this.mask;
    for (let r = 0; r < this.rounds; r++) {
      const next = (left ^ this.round(r, right)) & this.mask;
      left = right;
      right = next;
    }
    return left * 2 ** this.half + right;
  }

  /** The index's place in the permuted order. */
  at(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`index ${index}`);
    let value = this.once(index);
    while (value >= this.size) value = this.once(value);
    return value;
  }
}
