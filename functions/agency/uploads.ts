// POST /uploads: a presigned PUT under the caller's own `incoming/{agency}/` prefix (issue 17, the machine path). The
// caller needs the `uploader` role of an active agency (shared/domain/jurisdiction.ts `decideOwnUnit`).
import { ApiError } from '../../shared/api/errors.ts';
import { UploadFileName, UploadRequestBody } from '../../shared/api/schemas.ts';
import { uploadTicket } from '../../shared/ingest/upload-ticket.ts';
import type { AgencyLookup, UploadUrlSigner } from '../../shared/model/ports.ts';
import { type HttpEvent, json, parameter } from '../commons/http.ts';
import { actingCaller } from './acting.ts';

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
  const { caller, agency } = await actingCaller(event, agencies, 'POST /uploads');
  const { fileName } = parameter(UploadRequestBody, bodyOf(event), 'UPLOAD_BODY_INVALID');
  const name = parameter(UploadFileName, fileName, 'UPLOAD_NAME_INVALID');
  const ticket = await uploadTicket(uploadUrls, {
    agencyCode: agency.code,
    uploader: caller.subject,
    fileName: name,
  });
  return json(ticket, undefined, 201);
}
