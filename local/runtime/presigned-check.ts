// Local only: the SigV4 check of a presigned (query-signed) S3 request that s3rver 3.7.1 leaves out. s3rver looks up
// the access key of a V4 request and then admits it whatever its signature ("Signature version 4 calculation is
// unimplemented", lib/middleware/authentication.js), so locally an upload URL could be used for another key or with
// other metadata. This checks what S3 checks for a presigned URL: the signature over the method, path, query and
// signed headers, and that no x-amz-* header rides along unsigned. Header-signed requests (the SDK clients of the
// functions and tools) are not checked here.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface S3Refusal {
  status: number;
  code: string;
  message: string;
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
/** RFC 3986 escaping, as SigV4 wants it. */
const uriEscape = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const decode = (value: string) => decodeURIComponent(value.replace(/\+/g, '%20'));

const mismatch: S3Refusal = {
  status: 403,
  code: 'SignatureDoesNotMatch',
  message: 'The request signature we calculated does not match the signature you provided.',
};

/**
 * Undefined when `url` is not presigned or its signature holds for `secretOf` its access key; else S3's refusal.
 * `url` is the request's raw path and query, as it came over the wire.
 */
export function checkPresigned(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  secretOf: (accessKeyId: string) => string | undefined,
): S3Refusal | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  const path = url.slice(0, at);
  const pairs = url
    .slice(at + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const equals = pair.indexOf('=');
      return equals < 0
        ? [decode(pair), '']
        : [decode(pair.slice(0, equals)), decode(pair.slice(equals + 1))];
    }) as [string, string][];
  const query = new Map(pairs);
  const signature = query.get('X-Amz-Signature');
  if (signature === undefined || query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return undefined;
  const [accessKeyId, ...scopeParts] = (query.get('X-Amz-Credential') ?? '').split('/');
  const secret = accessKeyId ? secretOf(accessKeyId) : undefined;
  if (!secret || scopeParts.length !== 4) return mismatch;
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  const unsigned = Object.keys(headers).filter(
    (name) => name.startsWith('x-amz-') && !signedHeaders.includes(name),
  );
  if (unsigned.length > 0) {
    return {
      status: 403,
      code: 'AccessDenied',
      message: `There were headers present in the request which were not signed: ${unsigned.join(', ')}`,
    };
  }
  const canonicalHeaders = signedHeaders.map((name) => {
    const value = headers[name];
    const text = Array.isArray(value) ? value.join(',') : (value ?? '');
    return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
  });
  const canonicalQuery = pairs
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]): [string, string] => [uriEscape(name), uriEscape(value)])
    .sort(([a, x], [b, y]) => byCodeUnit(a, b) || byCodeUnit(x, y))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalRequest = [
    method,
    path,
    canonicalQuery,
    canonicalHeaders.join(''),
    signedHeaders.join(';'),
    query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = scopeParts.join('/');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    query.get('X-Amz-Date') ?? '',
    scope,
    sha256(canonicalRequest),
  ].join('\n');
  const key = scopeParts.slice(0, 3).reduce<Buffer | string>((k, part) => hmac(k, part), `AWS4${secret}`);
  const expected = createHmac('sha256', hmac(key, 'aws4_request')).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : mismatch;
}
