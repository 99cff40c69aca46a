// An agency of the agencies table as the jurisdiction rule reads it (shared/domain/jurisdiction.ts `ActingAgency`).
import type { ActingAgency } from '../domain/jurisdiction.ts';
import type { AgencyKind } from '../domain/roles.ts';
import type { Agency } from './agency.ts';

// the table's kinds (shared/model/agency.ts) and the rule's (shared/domain/roles.ts) name the one-stop shop apart
const KIND: Record<Agency['kind'], AgencyKind> = {
  police: 'police',
  justice: 'justice',
  'one-stop-shop': 'one-stop',
  'post-office': 'post-office',
  platform: 'platform',
};

export function actingAgency(agency: Agency): ActingAgency {
  return {
    code: agency.code,
    unit: agency.unit.code,
    vintage: agency.unit.vintage,
    kind: KIND[agency.kind],
    active: agency.active,
  };
}
