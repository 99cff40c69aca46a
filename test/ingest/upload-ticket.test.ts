import { describe, expect, it } from 'vitest';
import { UPLOAD_URL_SECONDS, uploadTicket } from '../../shared/ingest/upload-ticket.ts';
import type { UploadUrlSigner } from '../../shared/model/ports.ts';

/** A signer that answers what it was asked to sign. */
const echo: UploadUrlSigner = {
  signPut: async (key, metadata, expiresIn) => ({
    url: `https://example/${key}?expires=${expiresIn}`,
    headers: Object.fromEntries(
      Object.entries(metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
    ),
  }),
  signGet: async (key, expiresIn) => `https://example/${key}?expires=${expiresIn}`,
};

describe('uploadTicket', () => {
  it('signs the agency’s own key for 15 minutes, with the agency and the uploader in the metadata', async () => {
    const now = new Date('2026-12-07T10:00:00.000Z');
    const ticket = await uploadTicket(
      echo,
      { agencyCode: 'CA-GIALAI', uploader: 'c-1', fileName: 'f.csv' },
      now,
    );
    expect(ticket).toEqual({
      key: 'incoming/CA-GIALAI/f.csv',
      url: `https://example/incoming/CA-GIALAI/f.csv?expires=${UPLOAD_URL_SECONDS}`,
      method: 'PUT',
      headers: { 'x-amz-meta-dancu-agency': 'CA-GIALAI', 'x-amz-meta-dancu-uploader': 'c-1' },
      expiresAt: '2026-12-07T10:15:00.000Z',
    });
  });

  it('keeps an uploader id a header can carry: printable ASCII, at most 256 characters', async () => {
    const uploader = async (id: string) =>
      (await uploadTicket(echo, { agencyCode: 'A', uploader: id, fileName: 'f.csv' })).headers[
        'x-amz-meta-dancu-uploader'
      ];
    expect(await uploader('arn:aws:sts::1:assumed-role/r/s')).toBe('arn:aws:sts::1:assumed-role/r/s');
    expect(await uploader('người dùng\n')).toBe('ng%C6%B0%E1%BB%9Di%20d%C3%B9ng%0A');
    expect(await uploader('x'.repeat(300))).toHaveLength(256);
  });
});
