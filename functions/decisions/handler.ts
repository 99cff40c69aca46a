// Decisions on the register that a second pair of eyes makes (issue 19): the identity corrections waiting for an
// approver (GET /corrections, POST /corrections/{id}), and the conflicts waiting for a reviewer (GET /conflicts,
// POST /conflicts/{id}: keep the held value, take the incoming one as pending corrections, or different persons).
// Its own function, beside the agency one: it alone may put a corrected ID's alias on a person, and it bundles the
// correction rules the agency function has no room for.
// Who approves a correction: a signed-in person (never a machine, whose session names are its own to choose) holding
// the approver role in the submitting agency or in an agency of a unit above it, who is not the submitter.
import { callerOf } from '../../shared/api/caller.ts';
import { DecisionError } from '../../shared/api/decision-errors.ts';
import {
  ConflictDecisionBody,
  ConflictStatusParam,
  CorrectionDecisionBody,
  CorrectionIdParam,
  CorrectionStatusParam,
} from '../../shared/api/decision-schemas.ts';
import { ApiError } from '../../shared/api/errors.ts';
import { type AgencyRouteKey, authorizeRoute } from '../../shared/api/permissions.ts';
import { AgencyParam, LimitParam, ReviewIdParam } from '../../shared/api/schemas.ts';
import { env } from '../../shared/aws/env.ts';
import { type ApprovalDeps, decidePending } from '../../shared/corrections/approval.ts';
import { sideBySideConflict } from '../../shared/corrections/conflict-view.ts';
import { type ConflictDeps, decideConflict } from '../../shared/corrections/resolve-conflict.ts';
import { unitRegistry } from '../../shared/domain/units.ts';
import { findPerson } from '../../shared/ingest/register-correction.ts';
import { actingAgency } from '../../shared/model/acting-agency.ts';
import type { StoredConflict } from '../../shared/model/conflict.ts';
import type { StoredCorrection } from '../../shared/model/correction.ts';
import type { AgencyBatches, AgencyLookup } from '../../shared/model/ports.ts';
import { cachedAgencies } from '../../shared/store/agency-reads.ts';
import { BatchReads } from '../../shared/store/batch-reads.ts';
import { ConflictListStore } from '../../shared/store/conflict-lists.ts';
import { CorrectionListStore } from '../../shared/store/correction-lists.ts';
import { HistoryStore } from '../../shared/store/history-store.ts';
import { RegisterStore } from '../../shared/store/register-store.ts';
import { ResolvedConflictCounts } from '../../shared/store/resolved-conflicts.ts';
import { actingCaller } from '../agency/acting.ts';
import { type HttpEvent, httpApi, json, parameter } from '../commons/http.ts';

export interface DecisionDeps extends ApprovalDeps, Omit<ConflictDeps, 'register' | 'corrections'> {
  agencies: AgencyLookup;
  batches: Pick<AgencyBatches, 'get'>;
  register: ApprovalDeps['register'] & ConflictDeps['register'];
}

/** How a unit above reaches an agency's unit: below it, the whole country, or a unit of the other vintage within it. */
const ABOVE = new Set(['below', 'country', 'held-whole']);

/**
 * The caller, acting on `route` over agency `target`: its own agency, or one whose unit lies below the caller's
 * (an agency of the same unit is another agency, and not the caller's to act for).
 */
async function actingOver(event: HttpEvent, deps: DecisionDeps, route: AgencyRouteKey, target: string) {
  const acting = await actingCaller(event, deps.agencies, route);
  if (target === acting.caller.agency) return acting;
  const other = await deps.agencies.get(target);
  if (!other) throw new ApiError('AGENCY_FORBIDDEN');
  const { unit, vintage } = actingAgency(other);
  const actor = { agency: actingAgency(acting.agency), roles: acting.caller.roles };
  const decision = authorizeRoute(actor, route, { code: unit, vintage }, unitRegistry);
  if (!decision.allowed) throw new ApiError(decision.code);
  if (!ABOVE.has(decision.basis)) throw new ApiError('AGENCY_FORBIDDEN');
  return acting;
}

/** A correction as the API shows it: without its agency's key partition or the values as read for the rules. */
function correctionView({ values: _values, aliasKey: _alias, ...correction }: StoredCorrection) {
  return correction;
}

async function listCorrections(deps: DecisionDeps, event: HttpEvent) {
  const agency = await listedAgency(deps, event, 'GET /corrections');
  const query = event.queryStringParameters ?? {};
  const status =
    query.status === undefined ? undefined : parameter(CorrectionStatusParam, query.status, 'QUERY_INVALID');
  const limit = parameter(LimitParam, query.limit, 'QUERY_INVALID');
  const nextToken =
    query.nextToken === undefined
      ? undefined
      : parameter(CorrectionIdParam, query.nextToken, 'QUERY_INVALID');
  const page = await deps.corrections.listCorrections(agency, {
    ...(status ? { status } : {}),
    ...(limit ? { limit } : {}),
    ...(nextToken ? { nextToken } : {}),
  });
  return json({
    agencyCode: agency,
    items: page.items.map(correctionView),
    nextToken: page.nextToken ?? null,
  });
}

function bodyOf(event: HttpEvent, code: 'CORRECTION_BODY_INVALID' | 'CONFLICT_BODY_INVALID'): unknown {
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString() : event.body;
    return JSON.parse(text ?? '');
  } catch {
    throw new DecisionError(code);
  }
}

async function decideCorrection(deps: DecisionDeps, event: HttpEvent) {
  const id = parameter(
    CorrectionIdParam,
    event.pathParameters?.id,
    new DecisionError('CORRECTION_ID_INVALID'),
  );
  const { decision } = parameter(
    CorrectionDecisionBody,
    bodyOf(event, 'CORRECTION_BODY_INVALID'),
    new DecisionError('CORRECTION_BODY_INVALID'),
  );
  // a system's token names whoever it likes: the maker-checker rule holds only between two people
  const caller = callerOf(event);
  if (!caller) throw new ApiError('CALLER_NOT_AGENCY');
  if (caller.kind !== 'person') throw new DecisionError('CORRECTION_APPROVER_NOT_PERSON');
  // the correction is on its batch's agency's list; a batch or item the caller may not see is not found
  const batch = await deps.batches.get(id.slice(0, id.indexOf('.')));
  const correction = batch && (await deps.corrections.getCorrection(batch.agencyCode, id));
  await actingOver(event, deps, 'POST /corrections/{id}', batch?.agencyCode ?? caller.agency);
  if (!correction) throw new DecisionError('CORRECTION_NOT_FOUND');
  if (correction.submittedBy === caller.subject) throw new DecisionError('CORRECTION_SELF_APPROVAL');
  const request = event.requestContext?.requestId ?? 'unknown';
  const result = await decidePending(deps, correction, decision, { id: caller.subject, request });
  if (result.status === 'alreadyDecided') throw new DecisionError('CORRECTION_ALREADY_DECIDED');
  if (result.status === 'stale') throw new DecisionError('CORRECTION_STALE');
  return json(correctionView(result.correction));
}

/** The agency whose list `query.agency` names, or the caller's own; the caller acting on `route` over it. */
async function listedAgency(
  deps: DecisionDeps,
  event: HttpEvent,
  route: 'GET /conflicts' | 'GET /corrections',
) {
  const query = event.queryStringParameters ?? {};
  const agency =
    query.agency === undefined
      ? (callerOf(event)?.agency ?? '')
      : parameter(AgencyParam, query.agency, 'AGENCY_CODE_INVALID');
  await actingOver(event, deps, route, agency);
  return agency;
}

/** A conflict as a reviewer sees it, beside the person the ID's key names now (a merge since moves it). */
async function conflictView(deps: DecisionDeps, conflict: StoredConflict) {
  return sideBySideConflict(conflict, (await findPerson(deps.register, conflict.personKey))?.held);
}

async function listConflicts(deps: DecisionDeps, event: HttpEvent) {
  const agency = await listedAgency(deps, event, 'GET /conflicts');
  const query = event.queryStringParameters ?? {};
  const status =
    query.status === undefined ? undefined : parameter(ConflictStatusParam, query.status, 'QUERY_INVALID');
  const limit = parameter(LimitParam, query.limit, 'QUERY_INVALID');
  const nextToken =
    query.nextToken === undefined ? undefined : parameter(ReviewIdParam, query.nextToken, 'QUERY_INVALID');
  const page = await deps.conflicts.listConflicts(agency, {
    ...(status ? { status } : {}),
    ...(limit ? { limit } : {}),
    ...(nextToken ? { nextToken } : {}),
  });
  return json({
    agencyCode: agency,
    items: await Promise.all(page.items.map((conflict) => conflictView(deps, conflict))),
    nextToken: page.nextToken ?? null,
  });
}

async function resolveConflict(deps: DecisionDeps, event: HttpEvent) {
  const id = parameter(ReviewIdParam, event.pathParameters?.id, new DecisionError('CONFLICT_ID_INVALID'));
  const request = parameter(
    ConflictDecisionBody,
    bodyOf(event, 'CONFLICT_BODY_INVALID'),
    new DecisionError('CONFLICT_BODY_INVALID'),
  );
  const caller = callerOf(event);
  if (!caller) throw new ApiError('CALLER_NOT_AGENCY');
  // the conflict is on its batch's agency's list; a batch or item the caller may not see is not found
  const batch = await deps.batches.get(id.slice(0, id.indexOf('.')));
  const conflict = batch && (await deps.conflicts.getConflict(batch.agencyCode, id));
  await actingOver(event, deps, 'POST /conflicts/{id}', batch?.agencyCode ?? caller.agency);
  if (!conflict) throw new DecisionError('CONFLICT_NOT_FOUND');
  // taking the incoming identity puts corrections in a person's name for a second officer: a system's token names
  // whoever it likes, so the maker of a correction is a person, as its checker is
  if (request.decision === 'take' && caller.kind !== 'person')
    throw new DecisionError('CONFLICT_TAKER_NOT_PERSON');
  const decider = {
    id: caller.subject,
    kind: caller.kind,
    request: event.requestContext?.requestId ?? 'unknown',
  };
  const result = await decideConflict(deps, conflict, request, decider);
  if (result.status === 'alreadyDecided') throw new DecisionError('CONFLICT_ALREADY_DECIDED');
  if (result.status === 'refused') throw new DecisionError(result.code);
  return json(await conflictView(deps, result.conflict));
}

export function decisionsHandler(deps: DecisionDeps) {
  return httpApi([
    { method: 'GET', path: '/corrections', handler: (event: HttpEvent) => listCorrections(deps, event) },
    {
      method: 'POST',
      path: '/corrections/{id}',
      handler: (event: HttpEvent) => decideCorrection(deps, event),
    },
    { method: 'GET', path: '/conflicts', handler: (event: HttpEvent) => listConflicts(deps, event) },
    {
      method: 'POST',
      path: '/conflicts/{id}',
      handler: (event: HttpEvent) => resolveConflict(deps, event),
    },
  ]);
}

export function decisionsDeps(overrides: Partial<DecisionDeps> = {}): DecisionDeps {
  return {
    agencies: cachedAgencies(env('AGENCIES_TABLE')),
    batches: new BatchReads(env('BATCHES_TABLE')),
    corrections: new CorrectionListStore(env('REGISTER_TABLE')),
    conflicts: new ConflictListStore(env('REGISTER_TABLE')),
    resolved: new ResolvedConflictCounts(env('BATCHES_TABLE')),
    register: new RegisterStore(env('REGISTER_TABLE')),
    history: new HistoryStore(env('HISTORY_TABLE'), Number(env('HISTORY_DAYS'))),
    ...overrides,
  };
}

export const handler = decisionsHandler(decisionsDeps());
