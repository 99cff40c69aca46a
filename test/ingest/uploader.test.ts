import { describe, expect, it } from 'vitest';
import { signedBy, signedFor, uploaderIdOf } from '../../shared/ingest/uploader.ts';

describe('uploaderIdOf', () => {
  it('reads the unique id of a user or a role session', () => {
    expect(uploaderIdOf('AWS:AROAGIALAI:upload-session')).toBe('AROAGIALAI');
    expect(uploaderIdOf('AWS:AIDAEXAMPLE')).toBe('AIDAEXAMPLE');
    expect(uploaderIdOf('A3NL1KOZZKEXAMPLE')).toBeUndefined();
    expect(uploaderIdOf(undefined)).toBeUndefined();
  });
});

describe('signedBy', () => {
  it('admits the signer in any of its sessions, and no one else', () => {
    expect(signedBy('AROAAGENCYFN', 'AWS:AROAAGENCYFN:dancu-agency')).toBe(true);
    expect(signedBy('AROAAGENCYFN', 'AWS:AROAAGENCYFN')).toBe(true);
    expect(signedBy('AROAAGENCYFN', 'AWS:AROASOMEONE:AROAAGENCYFN')).toBe(false);
    expect(signedBy('AROAAGENCYFN', 'AROAAGENCYFN')).toBe(false);
    expect(signedBy('AROAAGENCYFN', undefined)).toBe(false);
    expect(signedBy('', 'AWS:')).toBe(false);
  });
});

describe('signedFor', () => {
  it("holds when the signed metadata names the key's agency", () => {
    expect(signedFor({ 'dancu-agency': 'CA-GIALAI', 'dancu-uploader': 'c1' }, 'CA-GIALAI')).toBe(true);
    expect(signedFor({ 'dancu-agency': 'CA-GIALAI' }, 'CA-PLEIKU')).toBe(false);
    expect(signedFor({}, 'CA-GIALAI')).toBe(false);
    expect(signedFor(undefined, 'CA-GIALAI')).toBe(false);
  });
});
