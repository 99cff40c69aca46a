// GET /persons/{key}/history (issue 19): the changes made to a person, oldest first, with the values the caller's
// agency did not supply masked as review items mask them. A person the agency neither registered nor changed is
// answered as unknown: its existence is not revealed.
import { ApiError } from '../../shared/api/errors.ts';
import { PersonKeyParam } from '../../shared/api/schemas.ts';
import { historyView } from '../../shared/ingest/history-view.ts';
import { landedChanges } from '../../shared/ingest/person-history.ts';
import type { AgencyLookup, PersonHistory, Register } from '../../shared/model/ports.ts';
import { type HttpEvent, json, parameter } from '../commons/http.ts';
import { callerAgency } from './acting.ts';

export interface HistoryReadDeps {
  agencies: AgencyLookup;
  register: Pick<Register, 'getPerson'>;
  history: PersonHistory;
}

export async function getPersonHistory({ agencies, register, history }: HistoryReadDeps, event: HttpEvent) {
  const agency = await callerAgency(event, agencies, 'GET /persons/{key}/history');
  const key = parameter(PersonKeyParam, event.pathParameters?.key, 'PERSON_KEY_INVALID');
  const person = await register.getPerson(key);
  const changes = person && landedChanges(key, await history.list(key), person);
  const view = changes && historyView(changes, agency, person.agencyCode);
  if (!view) throw new ApiError('PERSON_NOT_FOUND');
  return json({ personKey: key, changes: view });
}
