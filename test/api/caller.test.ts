import { describe, expect, it } from 'vitest';
import { type CallerEvent, callerOf, claimList, rolesOf } from '../../shared/api/caller.ts';

const withJwt = (claims: Record<string, unknown> | null): CallerEvent => ({
  requestContext: { authorizer: { jwt: { claims } } },
});
const withLambda = (context: Record<string, unknown>): CallerEvent => ({
  requestContext: { authorizer: { lambda: context } },
});

// an ID token's claims as API Gateway's JWT authoriser passes them: every value a string
const idClaims = {
  sub: '5a1c9e0e-0000-4000-8000-000000000001',
  aud: 'people-client',
  iss: 'https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_example',
  token_use: 'id',
  'custom:agency': 'CA-PLEIKU',
  'cognito:groups': '[uploader viewer]',
  exp: '1787996002',
};

describe('callerOf', () => {
  it('reads a person from the claims API Gateway passes, the groups as its "[a b]" string', () => {
    expect(callerOf(withJwt(idClaims))).toEqual({
      kind: 'person',
      agency: 'CA-PLEIKU',
      roles: ['uploader', 'viewer'],
      subject: '5a1c9e0e-0000-4000-8000-000000000001',
    });
  });

  it('reads the groups as an array too, and as a single group, in the order of ROLES and once each', () => {
    const asArray = callerOf(withJwt({ ...idClaims, 'cognito:groups': ['viewer', 'reviewer', 'viewer'] }));
    expect(asArray?.roles).toEqual(['reviewer', 'viewer']);
    expect(callerOf(withJwt({ ...idClaims, 'cognito:groups': 'approver' }))?.roles).toEqual(['approver']);
    expect(callerOf(withJwt({ ...idClaims, 'cognito:groups': '[platform]' }))?.roles).toEqual(['platform']);
  });

  it('ignores a group that is not a role, and gives a person in no group no roles', () => {
    const caller = callerOf(withJwt({ ...idClaims, 'cognito:groups': '[admins reviewer Uploader]' }));
    expect(caller?.roles).toEqual(['reviewer']);
    const { 'cognito:groups': _groups, ...noGroups } = idClaims;
    expect(callerOf(withJwt(noGroups))).toMatchObject({ kind: 'person', agency: 'CA-PLEIKU', roles: [] });
  });

  it('refuses an access token, a token without an agency or subject, and a garbled agency', () => {
    expect(callerOf(withJwt({ ...idClaims, token_use: 'access' }))).toBeUndefined();
    const { token_use: _use, ...noUse } = idClaims;
    expect(callerOf(withJwt(noUse))).toBeUndefined();
    const { 'custom:agency': _agency, ...noAgency } = idClaims;
    expect(callerOf(withJwt(noAgency))).toBeUndefined();
    const { sub: _sub, ...noSub } = idClaims;
    expect(callerOf(withJwt(noSub))).toBeUndefined();
    for (const agency of ['', 'CA PLEIKU', '../CA-GIALAI', 'x'.repeat(52), 42, ['CA-PLEIKU']])
      expect(callerOf(withJwt({ ...idClaims, 'custom:agency': agency })), String(agency)).toBeUndefined();
    expect(callerOf(withJwt(null))).toBeUndefined();
  });

  it('reads a machine from the Lambda authoriser, roles as an array or a string', () => {
    expect(
      callerOf(withLambda({ agency: 'CA-GIALAI', roles: ['uploader', 'scanner'], clientId: 'abc123' })),
    ).toEqual({ kind: 'machine', agency: 'CA-GIALAI', roles: ['uploader'], subject: 'abc123' });
    expect(
      callerOf(withLambda({ agency: 'CA-GIALAI', roles: '[viewer uploader]', clientId: 'c' }))?.roles,
    ).toEqual(['uploader', 'viewer']);
    expect(callerOf(withLambda({ agency: 'CA-GIALAI', roles: [] }))).toBeUndefined();
    expect(callerOf(withLambda({ agency: 'no agency', roles: [], clientId: 'c' }))).toBeUndefined();
  });

  it('knows no IAM caller: agency roles are gone (no SigV4 route is left)', () => {
    const arn = 'arn:aws:sts::123456789012:assumed-role/dancu-agency-CA-GIALAI/session';
    expect(
      callerOf({ requestContext: { authorizer: { iam: { userArn: arn } } } } as CallerEvent),
    ).toBeUndefined();
  });

  it('answers undefined with no authoriser, an empty one, or an invalid JWT context beside a machine’s', () => {
    expect(callerOf({})).toBeUndefined();
    expect(callerOf({ requestContext: {} })).toBeUndefined();
    expect(callerOf({ requestContext: { authorizer: null } })).toBeUndefined();
    expect(callerOf({ requestContext: { authorizer: {} } })).toBeUndefined();
    // a route has one authoriser: an invalid JWT context does not fall through to another
    expect(
      callerOf({
        requestContext: {
          authorizer: {
            jwt: { claims: {} },
            lambda: { agency: 'CA-GIALAI', roles: 'uploader', clientId: 'c' },
          },
        },
      }),
    ).toBeUndefined();
  });
});

describe('claimList and rolesOf', () => {
  it('reads every form a list claim takes', () => {
    expect(claimList('[a b  c]')).toEqual(['a', 'b', 'c']);
    expect(claimList('a,b')).toEqual(['a', 'b']);
    expect(claimList('[]')).toEqual([]);
    expect(claimList(['a', 3, 'b'])).toEqual(['a', 'b']);
    expect(claimList(undefined)).toEqual([]);
    expect(claimList({ a: 1 })).toEqual([]);
    expect(rolesOf('[platform uploader nobody]')).toEqual(['uploader', 'platform']);
  });
});
