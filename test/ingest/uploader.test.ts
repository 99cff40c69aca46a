import { describe, expect, it } from 'vitest';
import { mayUploadFor, parseUploaders, uploaderIdOf } from '../../shared/ingest/uploader.ts';

const uploaders = parseUploaders(JSON.stringify({ AROAGIALAI: 'CA-GIALAI', S3RVER: '*' }));

describe('uploaderIdOf', () => {
  it('takes the unique id of a role session or a user, and nothing of a service or the root', () => {
    expect(uploaderIdOf('AWS:AROAGIALAI:upload-session')).toBe('AROAGIALAI');
    expect(uploaderIdOf('AWS:AIDAEXAMPLE')).toBe('AIDAEXAMPLE');
    expect(uploaderIdOf('A3NL1KOZZKEXAMPLE')).toBeUndefined();
    expect(uploaderIdOf(undefined)).toBeUndefined();
  });
});

describe('mayUploadFor', () => {
  it('lets an agency role upload for its own agency only', () => {
    expect(mayUploadFor(uploaders, 'AWS:AROAGIALAI:s', 'CA-GIALAI')).toBe(true);
    expect(mayUploadFor(uploaders, 'AWS:AROAGIALAI:s', 'CA-PLEIKU')).toBe(false);
  });

  it('refuses an unmapped principal, a principal-less event and names inherited from Object', () => {
    expect(mayUploadFor(uploaders, 'AWS:AIDASOMEONE', 'CA-GIALAI')).toBe(false);
    expect(mayUploadFor(uploaders, undefined, 'CA-GIALAI')).toBe(false);
    expect(mayUploadFor(uploaders, 'AWS:constructor', 'constructor')).toBe(false);
  });

  it('lets a principal mapped to any agency (the local operator) upload anywhere', () => {
    expect(mayUploadFor(uploaders, 'AWS:S3RVER', 'CA-ANKHE')).toBe(true);
  });

  it('rejects a map that is not id → code', () => {
    expect(() => parseUploaders('{"AROA": 1}')).toThrow();
    expect(() => parseUploaders('[')).toThrow();
  });
});
