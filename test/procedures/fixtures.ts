// Procedure events for tests (the applications table in memory: test/fakes/applications.ts).

import type { ProcedureEventInput } from '../../shared/procedures/event.ts';

export const CODE = '000.00.12.H21-250115-0001';

export function procedureEvent(
  sequence: number,
  status: number,
  extra: Partial<ProcedureEventInput> = {},
): ProcedureEventInput {
  return {
    applicationCode: CODE,
    procedureCode: '1.012784.H21',
    procedureName: 'Đăng ký khai sinh',
    agencyCode: '000.00.12.H21',
    agencyName: 'UBND phường Hội Thương',
    status,
    sequence,
    occurredAt: new Date(Date.UTC(2025, 0, 15, 8, sequence % 60_000)).toISOString(),
    ...extra,
  };
}
