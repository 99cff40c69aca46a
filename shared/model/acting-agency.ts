// An agency of the agencies table as the jurisdiction rule reads it (shared/domain/jurisdiction.ts `ActingAgency`).
import type { ActingAgency } from '../domain/jurisdiction.ts';
import type { Agency } from './agency.ts';

export function actingAgency(agency: Agency): ActingAgency {
  return {
    code: agency.code,
    unit: agency.unit.code,
    vintage: agency.unit.vintage,
    kind: agency.kind,
    active: agency.active,
  };
}
