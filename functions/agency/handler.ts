// Agencies' routes of the people's and machines' HTTP APIs: upload URLs for their own prefix (uploads.ts), their own
// batches and review list only, and the coverage of the units within their own (coverage.ts). The API's authoriser has checked the token; acting.ts reads the caller from it, and
// asks that its agency be held and active and that it hold one of the route's roles.

import { ApiError } from '../../shared/api/errors.ts';
import type { AgencyRouteKey } from '../../shared/api/permissions.ts';
import {
  AgencyParam,
  BatchIdParam,
  LimitParam,
  NextTokenParam,
  ReviewIdParam,
  ReviewResolutionBody,
} from '../../shared/api/schemas.ts';
import { env } from '../../shared/aws/env.ts';
import { type MergeCounters, resolveReview } from '../../shared/ingest/resolve-review.ts';
import { ISSUED_IDS_REPORT, objectKeys, type ReportFile } from '../../shared/keys.ts';
import type { AgencyBatch } from '../../shared/model/batch.ts';
import type { AgencyBatches, AgencyLookup, Register, ReviewingRegister } from '../../shared/model/ports.ts';
import type { StoredReview } from '../../shared/model/register.ts';
import { cachedAgencies } from '../../shared/store/agency-reads.ts';
import { BatchReads } from '../../shared/store/batch-reads.ts';
import { CoverageMoves } from '../../shared/store/coverage-moves.ts';
import { CoverageStore } from '../../shared/store/coverage-store.ts';
import { HistoryStore } from '../../shared/store/history-store.ts';
import { BirthStore } from '../../shared/store/id-store.ts';
import { ReferenceStore } from '../../shared/store/reference-store.ts';
import { RegisterStore } from '../../shared/store/register-store.ts';
import { UploadUrls } from '../../shared/store/upload-urls.ts';
import { WorklistStore } from '../../shared/store/worklist-store.ts';
import { type HttpEvent, httpApi, json, parameter } from '../commons/http.ts';
import { actingCaller, callerAgency } from './acting.ts';
import { type BirthReadDeps, getBirth } from './births.ts';
import { type CoverageDeps, getCoverage } from './coverage.ts';
import { getPersonHistory, type HistoryReadDeps } from './history.ts';
import { getCoveragePage, pagesPolicy } from './pages.ts';
import { createUpload, type UploadDeps } from './uploads.ts';
import { getWorklist, type WorklistDeps } from './worklists.ts';

/**
 * What the agencies' routes read and write: their batches, the review lists in the register, who may act, and the
 * coverage counters.
 */
export interface AgencyDeps extends UploadDeps, CoverageDeps, WorklistDeps, BirthReadDeps, HistoryReadDeps {
  batches: AgencyBatches;
  register: ReviewingRegister & Pick<Register, 'listReviews'>;
  agencies: AgencyLookup;
  /** the coverage counters a reviewer's merge moves (issue 18) */
  mergeCounters?: MergeCounters;
}

/** The batch without its bucket; with the S3 URIs of its report once it has one. */
function batchView({ bucket, ...batch }: AgencyBatch) {
  if (batch.status !== 'completed' && batch.status !== 'failed') return batch;
  // where finalize (or a failed batch's report) wrote them
  const uri = (file: ReportFile) => `s3://${bucket}/${objectKeys.batchReport(batch, file)}`;
  return {
    ...batch,
    reports: {
      summary: uri('summary.json'),
      outcomes: uri('outcomes.csv'),
      workbook: uri('outcomes.xlsx'),
      review: uri('review.csv'),
      // the numbers a link pass issued to the batch's rows (issue 20), once it has issued any
      ...(batch.issuedIds ? { issuedIds: uri(ISSUED_IDS_REPORT) } : {}),
    },
  };
}

/** How long a report URL reads: long enough to fetch a province's workbook, short enough not to be passed around. */
const REPORT_URL_SECONDS = 15 * 60;
const REPORT_FILES = {
  summary: 'summary.json',
  outcomes: 'outcomes.csv',
  workbook: 'outcomes.xlsx',
  review: 'review.csv',
} as const satisfies Record<string, ReportFile>;

async function getBatch({ batches, agencies, uploadUrls }: AgencyDeps, event: HttpEvent) {
  const agency = await callerAgency(event, agencies, 'GET /batches/{batchId}');
  const batchId = parameter(BatchIdParam, event.pathParameters?.batchId, 'BATCH_ID_INVALID');
  const batch = await batches.get(batchId);
  // another agency's batch is answered as unknown: its existence is not revealed
  if (!batch || batch.agencyCode !== agency) throw new ApiError('BATCH_NOT_FOUND');
  const view = batchView(batch);
  if (!('reports' in view)) return json(view);
  // the agency holds no S3 rights of its own: it reads its own batch's report through URLs signed for it alone
  const files = Object.entries({
    ...REPORT_FILES,
    ...(batch.issuedIds ? { issuedIds: ISSUED_IDS_REPORT } : {}),
  });
  const entries = await Promise.all(
    files.map(async ([name, file]) => [
      name,
      await uploadUrls.signGet(objectKeys.batchReport(batch, file), REPORT_URL_SECONDS),
    ]),
  );
  return json({
    ...view,
    downloads: Object.fromEntries(entries),
    downloadsExpireAt: new Date(Date.now() + REPORT_URL_SECONDS * 1000).toISOString(),
  });
}

/** The caller's agency, which the `agency` query parameter may only repeat. */
async function askedAgency(event: HttpEvent, agencies: AgencyLookup, route: AgencyRouteKey): Promise<string> {
  const agency = await callerAgency(event, agencies, route);
  const query = event.queryStringParameters ?? {};
  const asked =
    query.agency === undefined ? agency : parameter(AgencyParam, query.agency, 'AGENCY_CODE_INVALID');
  if (asked !== agency) throw new ApiError('AGENCY_FORBIDDEN');
  return agency;
}

async function listBatches({ batches, agencies }: AgencyDeps, event: HttpEvent) {
  const agency = await askedAgency(event, agencies, 'GET /batches');
  const query = event.queryStringParameters ?? {};
  const limit = parameter(LimitParam, query.limit, 'QUERY_INVALID');
  const nextToken =
    query.nextToken === undefined ? undefined : parameter(NextTokenParam, query.nextToken, 'QUERY_INVALID');
  const page = await batches.listByAgency(agency, limit, nextToken);
  if (!page) throw new ApiError('QUERY_INVALID');
  return json({
    agencyCode: agency,
    batches: page.batches.map(batchView),
    nextToken: page.nextToken ?? null,
  });
}

/** A review item as the API shows it: without the agency (the caller's own) and with its status. */
function reviewView({ agencyCode: _agency, resolution, ...review }: StoredReview) {
  return { ...review, status: resolution ?? 'open' };
}

async function listReviews({ register, agencies }: AgencyDeps, event: HttpEvent) {
  const agency = await askedAgency(event, agencies, 'GET /review');
  const query = event.queryStringParameters ?? {};
  const limit = parameter(LimitParam, query.limit, 'QUERY_INVALID');
  const batchId =
    query.batchId === undefined ? undefined : parameter(BatchIdParam, query.batchId, 'BATCH_ID_INVALID');
  const nextToken =
    query.nextToken === undefined ? undefined : parameter(ReviewIdParam, query.nextToken, 'QUERY_INVALID');
  const page = await register.listReviews(agency, {
    limit,
    ...(batchId ? { batchId } : {}),
    ...(nextToken ? { nextToken } : {}),
  });
  return json({ agencyCode: agency, items: page.items.map(reviewView), nextToken: page.nextToken ?? null });
}

async function resolveReviewItem(
  { register, history, agencies, mergeCounters }: AgencyDeps,
  event: HttpEvent,
) {
  const { caller } = await actingCaller(event, agencies, 'POST /review/{id}');
  const agency = caller.agency;
  const id = parameter(ReviewIdParam, event.pathParameters?.id, 'REVIEW_ID_INVALID');
  let body: unknown;
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString() : event.body;
    body = JSON.parse(text ?? '');
  } catch {
    throw new ApiError('REVIEW_BODY_INVALID');
  }
  const { resolution } = parameter(ReviewResolutionBody, body, 'REVIEW_BODY_INVALID');
  // only the caller's own list is read: another agency's item is answered as unknown
  // the history of the persons it changes names the caller and the request
  const request = event.requestContext?.requestId;
  const by = { by: { kind: caller.kind, id: caller.subject }, ...(request ? { request } : {}) };
  const result = await resolveReview(register, history, agency, id, resolution, by, mergeCounters);
  if (result.status === 'notFound') throw new ApiError('REVIEW_NOT_FOUND');
  if (result.status === 'alreadyResolved') throw new ApiError('REVIEW_ALREADY_RESOLVED');
  return json(reviewView(result.review));
}

export function agencyHandler(deps: AgencyDeps) {
  return httpApi(
    [
      { method: 'GET', path: '/review', handler: (event: HttpEvent) => listReviews(deps, event) },
      {
        method: 'POST',
        path: '/review/{id}',
        handler: (event: HttpEvent) => resolveReviewItem(deps, event),
      },
      { method: 'POST', path: '/uploads', handler: (event: HttpEvent) => createUpload(deps, event) },
      { method: 'GET', path: '/batches', handler: (event: HttpEvent) => listBatches(deps, event) },
      { method: 'GET', path: '/batches/{batchId}', handler: (event: HttpEvent) => getBatch(deps, event) },
      { method: 'GET', path: '/coverage', handler: (event: HttpEvent) => getCoverage(deps, event) },
      {
        method: 'GET',
        path: '/worklists/{commune}',
        handler: (event: HttpEvent) => getWorklist(deps, event),
      },
      {
        method: 'GET',
        path: '/births/{registrationId}',
        handler: (event: HttpEvent) => getBirth(deps, event),
      },
      {
        method: 'GET',
        path: '/persons/{key}/history',
        handler: (event: HttpEvent) => getPersonHistory(deps, event),
      },
      { method: 'GET', path: '/app/coverage', handler: getCoveragePage },
    ],
    { pagePolicy: pagesPolicy() },
  );
}

/** The function's stores; the local stack gives its own upload URL signer (local/pipeline.ts). */
export function agencyDeps(overrides: Partial<AgencyDeps> = {}): AgencyDeps {
  return {
    batches: new BatchReads(env('BATCHES_TABLE')),
    register: new RegisterStore(env('REGISTER_TABLE')),
    // each agency read at most once a minute per container (AGENCY_CACHE_TTL_MS)
    agencies: cachedAgencies(env('AGENCIES_TABLE')),
    // signed with this function's own credentials: its principal is the split's UPLOAD_SIGNER
    uploadUrls: new UploadUrls(env('BATCHES_BUCKET')),
    // the counters and the expected residents, both in the batches table
    coverage: {
      counters: new CoverageStore(env('BATCHES_TABLE')),
      references: new ReferenceStore(env('BATCHES_TABLE')),
    },
    mergeCounters: new CoverageMoves(env('BATCHES_TABLE')),
    worklists: new WorklistStore(env('BATCHES_TABLE'), env('REGISTER_TABLE')),
    // the births its agency registered, with the numbers issued (issue 20)
    births: new BirthStore(env('IDS_TABLE')),
    // each change a reviewer's decision makes to a person, and every person's history to read (issue 19)
    history: new HistoryStore(env('HISTORY_TABLE'), Number(env('HISTORY_DAYS'))),
    ...overrides,
  };
}

export const handler = agencyHandler(agencyDeps());
