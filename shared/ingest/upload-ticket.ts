// An upload ticket (POST /uploads, issue 17): where an agency's caller may put one file, and how. The key is always
// under the caller's own agency, whatever name is asked for; the agency and the uploader go into the object's
// signed metadata, which the split checks (shared/ingest/uploader.ts).
import { objectKeys } from '../keys.ts';
import type { UploadUrlSigner } from '../model/ports.ts';
import { UPLOAD_METADATA } from './uploader.ts';

/** How long an upload URL may be used: long enough for a large file on a slow line, short enough not to leak. */
export const UPLOAD_URL_SECONDS = 15 * 60;

export interface UploadTicket {
  key: string;
  url: string;
  method: 'PUT';
  /** the headers the client must send unchanged: the signed metadata */
  headers: Record<string, string>;
  expiresAt: string;
}

/** A header value S3 keeps as it is: printable ASCII, at most 256 characters (a client id, a `sub`, an ARN). */
function metadataValue(value: string): string {
  return (/^[\x21-\x7e]+$/.test(value) ? value : encodeURIComponent(value)).slice(0, 256);
}

/**
 * A signed PUT of `fileName` (already checked: UploadFileName in shared/api/schemas.ts) under `agencyCode`'s prefix,
 * with the agency and `uploader` (a machine's client id or a person's `sub`) in its metadata.
 */
export async function uploadTicket(
  signer: UploadUrlSigner,
  request: { agencyCode: string; uploader: string; fileName: string },
  now = new Date(),
): Promise<UploadTicket> {
  const key = objectKeys.upload(request.agencyCode, request.fileName);
  const { url, headers } = await signer.signPut(
    key,
    {
      [UPLOAD_METADATA.agency]: request.agencyCode,
      [UPLOAD_METADATA.uploader]: metadataValue(request.uploader),
    },
    UPLOAD_URL_SECONDS,
  );
  const expiresAt = new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  return { key, url, method: 'PUT', headers, expiresAt };
}
