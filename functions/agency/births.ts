// GET /births/{registrationId} (issue 20, docs/ids.md): a birth the caller's agency registered, with the number
// issued to the child. Another agency's registration is answered as unknown: its existence is not revealed, nor the
// number. The child's register key is never shown.
import { ApiError } from '../../shared/api/errors.ts';
import { RegistrationIdParam } from '../../shared/api/schemas.ts';
import type { Births } from '../../shared/model/ids.ts';
import type { AgencyLookup } from '../../shared/model/ports.ts';
import { type HttpEvent, json, parameter } from '../commons/http.ts';
import { callerAgency } from './acting.ts';

export interface BirthReadDeps {
  agencies: AgencyLookup;
  births: Pick<Births, 'get'>;
}

export async function getBirth({ agencies, births }: BirthReadDeps, event: HttpEvent) {
  const agency = await callerAgency(event, agencies, 'GET /births/{registrationId}');
  const id = parameter(RegistrationIdParam, event.pathParameters?.registrationId, 'BIRTH_ID_INVALID');
  const birth = await births.get(id);
  if (!birth || birth.registeringAgency !== agency) throw new ApiError('BIRTH_NOT_FOUND');
  const { personKey: _key, ...view } = birth;
  return json({ ...view, status: 'registered' });
}
