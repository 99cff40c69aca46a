// POST /uploads: a presigned PUT under the caller's own `incoming/{agency}/` prefix (issue 17, the machine path). The
// caller needs the `uploader` role of an active agency (shared/domain/jurisdiction.ts `decideOwnUnit`).
import { callerOf } from '../../shared/api/caller.ts';
import { ApiError } from '../../shared/api/errors.ts';
import { UploadFileName, UploadRequestBody } from '../../shared/api/schemas.ts';
import { decideOwnUnit } from '../../shared/domain/jurisdiction.ts';
import { uploadTicket } from '../../shared/ingest/upload-ticket.ts';
import { actingAgency } from '../../shared/model/acting-agency.ts';
import { agencyRefusal } from '../../shared/model/agency-refusal.ts';
import type { AgencyLookup, UploadUrlSigner } from '../../shared/model/ports.ts';
import { type HttpEvent, json, parameter } from '../commons/http.ts';

export interface UploadDeps {
  agencies: AgencyLookup;
  uploadUrls: UploadUrlSigner;
}

function bodyOf(event: HttpEvent): unknown {
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString() : event.body;
    return JSON.parse(text ?? '');
  } catch {
    throw new ApiError('UPLOAD_BODY_INVALID');
  }
}

export async function createUpload({ agencies, uploadUrls }: UploadDeps, event: HttpEvent) {
  const caller = callerOf(event);
  if (!caller) throw new ApiError('CALLER_NOT_AGENCY');
  const agency = await agencies.get(caller.agency);
  const refusal = agencyRefusal(agency);
  if (refusal || !agency) throw new ApiError(refusal ?? 'AGENCY_UNKNOWN');
  const decision = decideOwnUnit({ agency: actingAgency(agency), roles: caller.roles }, 'uploader');
  // with no unit to look up, only these three can deny the agency's own unit (decideJurisdiction)
  if (!decision.allowed) {
    const { code } = decision;
    throw new ApiError(
      code === 'AGENCY_DISABLED' || code === 'PLATFORM_NO_PERSONAL_DATA' ? code : 'ROLE_MISSING',
    );
  }
  const { fileName } = parameter(UploadRequestBody, bodyOf(event), 'UPLOAD_BODY_INVALID');
  const name = parameter(UploadFileName, fileName, 'UPLOAD_NAME_INVALID');
  const ticket = await uploadTicket(uploadUrls, {
    agencyCode: agency.code,
    uploader: caller.subject,
    fileName: name,
  });
  return json(ticket, undefined, 201);
}
