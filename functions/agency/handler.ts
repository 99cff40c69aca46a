// Agencies' routes of the HTTP API: their own batches only. In AWS the route's IAM authoriser has checked the
// signature; the agency is the one the caller's role is named for (shared/api/caller.ts).

import { agencyOfPrincipal } from '../../shared/api/caller.ts';
import { ApiError } from '../../shared/api/errors.ts';
import { AgencyParam, BatchIdParam, LimitParam, NextTokenParam } from '../../shared/api/schemas.ts';
import { env } from '../../shared/aws/env.ts';
import { BatchReads, type BatchSummary } from '../../shared/store/batch-reads.ts';
import { type HttpEvent, httpApi, json, parameter } from '../commons/http.ts';

const reads = new BatchReads(env('BATCHES_TABLE'));

function callerAgency(event: HttpEvent): string {
  const agency = agencyOfPrincipal(event.requestContext.authorizer?.iam?.userArn);
  if (!agency) throw new ApiError('CALLER_NOT_AGENCY');
  return agency;
}

/** The batch without its bucket; with the S3 URIs of its report once it has one. */
function batchView({ bucket, ...batch }: BatchSummary) {
  if (batch.status !== 'completed' && batch.status !== 'failed') return batch;
  const name = batch.objectKey.split('/').slice(2).join('/');
  const base = `s3://${bucket}/reports/${batch.agencyCode}/${name}`;
  return { ...batch, reports: { summary: `${base}/summary.json`, outcomes: `${base}/outcomes.csv` } };
}

async function getBatch(event: HttpEvent) {
  const agency = callerAgency(event);
  const batchId = parameter(BatchIdParam, event.pathParameters?.batchId, 'BATCH_ID_INVALID');
  const batch = await reads.get(batchId);
  // another agency's batch is answered as unknown: its existence is not revealed
  if (!batch || batch.agencyCode !== agency) throw new ApiError('BATCH_NOT_FOUND');
  return json(batchView(batch));
}

async function listBatches(event: HttpEvent) {
  const agency = callerAgency(event);
  const query = event.queryStringParameters ?? {};
  const asked =
    query.agency === undefined ? agency : parameter(AgencyParam, query.agency, 'AGENCY_CODE_INVALID');
  if (asked !== agency) throw new ApiError('AGENCY_FORBIDDEN');
  const limit = parameter(LimitParam, query.limit, 'QUERY_INVALID');
  const nextToken =
    query.nextToken === undefined ? undefined : parameter(NextTokenParam, query.nextToken, 'QUERY_INVALID');
  const page = await reads.listByAgency(agency, limit, nextToken);
  if (!page) throw new ApiError('QUERY_INVALID');
  return json({
    agencyCode: agency,
    batches: page.batches.map(batchView),
    nextToken: page.nextToken ?? null,
  });
}

export const handler = httpApi([
  { method: 'GET', path: '/batches', handler: listBatches },
  { method: 'GET', path: '/batches/{batchId}', handler: getBatch },
]);
