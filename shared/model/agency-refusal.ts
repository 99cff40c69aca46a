// Whether an agency may act, as the split (an upload's agency) and the agency routes (the caller's) decide it. A module
// of its own, without the schemas of agency.ts: the split bundles it.
import type { Agency } from './agency.ts';

/** Why an agency may not act: not in the agencies table, or disabled by an operator. */
export type AgencyRefusal = 'AGENCY_UNKNOWN' | 'AGENCY_DISABLED';

/** The refusal for an agency as read from the table (undefined: not there); undefined when it may act. */
export function agencyRefusal(agency: Pick<Agency, 'active'> | undefined): AgencyRefusal | undefined {
  if (!agency) return 'AGENCY_UNKNOWN';
  // strictly true: an item without its standing is not taken for an active agency
  return agency.active === true ? undefined : 'AGENCY_DISABLED';
}
