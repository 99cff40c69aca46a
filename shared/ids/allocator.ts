// dancu's own ID allocator (issue 20, docs/ids.md). A number is its prefix (place, century and sex, year) and the
// allowed six-digit suffix at the prefix's next index in the prefix's keyed order: the counter never gives an index
// twice and the order is a bijection, so two allocations never collide, under any concurrency, without a lock.
// One number per purpose: the issuance record is put on the purpose's key, once; a redelivered event finds it, and
// a retry after a crash between the claim and the record claims afresh, the first index left unused for ever (a gap,
// never a number issued twice). A number the register already holds (issued before dancu, by another authority) is
// skipped the same way.

import type { PersonKeyer } from '../domain/person-keyer.ts';
import { personKeys } from '../keys.ts';
import type {
  IdAllocator,
  IdCounters,
  IssuedIds,
  IssueRecord,
  IssueRequest,
  IssueResult,
} from '../model/ids.ts';
import type { Register } from '../model/ports.ts';
import { idPrefix } from './prefix.ts';
import { allowedSuffixes, KeyedPermutation } from './suffixes.ts';

export interface AllocatorDeps {
  counters: IdCounters;
  issued: IssuedIds;
  /** whether a person of the register holds `number` already (issued elsewhere) */
  held: (number: string) => Promise<boolean>;
  /** the principal recorded as the issuer */
  issuedBy: string;
  /** the indices a prefix may give: all its allowed suffixes, or fewer (a test's small space) */
  spaceLimit?: number;
  now?: () => Date;
}

/** Skips in a row before an allocation gives up (each a number the register held): a sign of a wrong prefix. */
const MAX_SKIPS = 16;

function prefixSpace(limit?: number): number {
  const all = allowedSuffixes().length;
  return limit && limit > 0 ? Math.min(limit, all) : all;
}

/** The number at `index` of a prefix's order under `orderKey`. */
function numberAt(prefix: string, index: number, orderKey: Uint8Array, size: number): string {
  const suffix = allowedSuffixes()[new KeyedPermutation(orderKey, size).at(index)] ?? 0;
  return `${prefix}${String(suffix).padStart(6, '0')}`;
}

/**
 * `held` as the functions answer it: whether the register holds a person (or an alias) under the number's ID key, a
 * number issued before dancu, by another authority.
 */
export function heldInRegister(
  register: Pick<Register, 'getPerson'>,
  keyer: () => Promise<Pick<PersonKeyer, 'seal'>>,
): AllocatorDeps['held'] {
  return async (number) =>
    Boolean(await register.getPerson((await keyer()).seal(personKeys.identityById(number))));
}

export function createAllocator(deps: AllocatorDeps): IdAllocator {
  const size = prefixSpace(deps.spaceLimit);
  const now = deps.now ?? (() => new Date());
  return {
    async issue(request: IssueRequest): Promise<IssueResult> {
      const existing = await deps.issued.get(request.purpose);
      if (existing) return { status: 'already', record: existing };
      const prefix = idPrefix(request);
      if (!prefix) {
        return {
          status: 'refused',
          code: /^\d{3}$/.test(request.placeCode) ? 'ID_YEAR_UNSUPPORTED' : 'ID_PLACE_UNKNOWN',
        };
      }
      for (let skips = 0; skips <= MAX_SKIPS; skips++) {
        const claim = await deps.counters.claim(prefix, size);
        if (!claim) return { status: 'full', prefix };
        const number = numberAt(prefix, claim.index, claim.orderKey, claim.size);
        if (await deps.held(number)) continue;
        const record: IssueRecord = {
          number,
          purpose: request.purpose,
          issuedFor: request.issuedFor,
          issuedBy: deps.issuedBy,
          issuedAt: now().toISOString(),
          why: request.why,
          ...(request.formId ? { formId: request.formId } : {}),
        };
        const kept = await deps.issued.record(record);
        // a concurrent delivery of the same purpose recorded first: its number holds, this index stays unused
        return { status: kept.number === number ? 'issued' : 'already', record: kept };
      }
      throw new Error(`${MAX_SKIPS} numbers in a row of prefix ${prefix} are held already`);
    },
  };
}
