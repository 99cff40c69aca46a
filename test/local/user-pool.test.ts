// The user pool's adapter on a mocked Cognito: the exact CreateUserPoolClient and AdminCreateUser requests, a person
// read with their groups, the groups changed, a person disabled then signed out; Cognito's "not found" and "exists"
// answered, anything else thrown.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  ResourceNotFoundException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CognitoUserPool } from '../../local/user-pool.ts';

const cognito = mockClient(CognitoIdentityProviderClient);
const POOL = 'ap-southeast-1_Pool1';
const pool = new CognitoUserPool(
  POOL,
  new CognitoIdentityProviderClient({
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  }),
);
const EMAIL = 'can.bo@pleiku.example.vn';
const meta = { $metadata: {}, message: 'x' };

beforeEach(() => cognito.reset());

describe('machine clients', () => {
  it('makes a confidential client-credentials client with the dancu scopes, an hour of token', async () => {
    cognito.on(CreateUserPoolClientCommand).resolves({
      UserPoolClient: { ClientId: 'abc123', ClientSecret: 's3cr3t' },
    });
    expect(await pool.createMachineClient('agency-CA-PLEIKU-hk')).toEqual({
      clientId: 'abc123',
      clientSecret: 's3cr3t',
    });
    expect(cognito.commandCalls(CreateUserPoolClientCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      ClientName: 'agency-CA-PLEIKU-hk',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['dancu/upload', 'dancu/read'],
      AccessTokenValidity: 1,
      TokenValidityUnits: { AccessToken: 'hours' },
      EnableTokenRevocation: true,
    });
  });

  it('refuses an answer without a secret', async () => {
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'abc123' } });
    await expect(pool.createMachineClient('agency-X-system')).rejects.toThrow('no id or secret');
  });

  it('deletes a client; false when the pool has none such', async () => {
    cognito.on(DeleteUserPoolClientCommand).resolvesOnce({}).rejectsOnce(new ResourceNotFoundException(meta));
    expect(await pool.deleteMachineClient('abc123')).toBe(true);
    expect(await pool.deleteMachineClient('abc123')).toBe(false);
    expect(cognito.commandCalls(DeleteUserPoolClientCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      ClientId: 'abc123',
    });
  });
});

describe('people', () => {
  it('creates a person under their e-mail, verified, with their agency; Cognito e-mails the password', async () => {
    cognito.on(AdminCreateUserCommand).resolves({
      User: { Username: 'u-1', Attributes: [{ Name: 'sub', Value: 'sub-1' }] },
    });
    expect(await pool.createPerson(EMAIL, 'CA-PLEIKU')).toEqual({ sub: 'sub-1' });
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: EMAIL,
      UserAttributes: [
        { Name: 'email', Value: EMAIL },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'custom:agency', Value: 'CA-PLEIKU' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
  });

  it('answers undefined for a person already held, and throws anything else', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejectsOnce(new UsernameExistsException(meta))
      .rejectsOnce(new Error('throttled'));
    expect(await pool.createPerson(EMAIL, 'CA-PLEIKU')).toBeUndefined();
    await expect(pool.createPerson(EMAIL, 'CA-PLEIKU')).rejects.toThrow('throttled');
  });

  it('reads a person: sub, agency, standing and every page of groups; undefined when not held', async () => {
    cognito.on(AdminGetUserCommand).resolvesOnce({
      Username: 'u-1',
      Enabled: false,
      UserAttributes: [
        { Name: 'sub', Value: 'sub-1' },
        { Name: 'custom:agency', Value: 'CA-PLEIKU' },
      ],
    });
    cognito
      .on(AdminListGroupsForUserCommand)
      .resolvesOnce({ Groups: [{ GroupName: 'viewer' }], NextToken: 'n' })
      .resolvesOnce({ Groups: [{ GroupName: 'reviewer' }] });
    expect(await pool.getPerson(EMAIL)).toEqual({
      sub: 'sub-1',
      agency: 'CA-PLEIKU',
      enabled: false,
      groups: ['viewer', 'reviewer'],
    });
    expect(cognito.commandCalls(AdminListGroupsForUserCommand)[1]?.args[0].input).toMatchObject({
      UserPoolId: POOL,
      Username: EMAIL,
      NextToken: 'n',
    });
    cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException(meta));
    expect(await pool.getPerson(EMAIL)).toBeUndefined();
  });

  it('adds to and removes from a group', async () => {
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    cognito.on(AdminRemoveUserFromGroupCommand).resolves({});
    await pool.addToGroup(EMAIL, 'reviewer');
    await pool.removeFromGroup(EMAIL, 'uploader');
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: EMAIL,
      GroupName: 'reviewer',
    });
    expect(cognito.commandCalls(AdminRemoveUserFromGroupCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: EMAIL,
      GroupName: 'uploader',
    });
  });

  it('disables a person, then signs them out everywhere; false when not held', async () => {
    cognito.on(AdminDisableUserCommand).resolvesOnce({}).rejectsOnce(new UserNotFoundException(meta));
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    expect(await pool.disablePerson(EMAIL)).toBe(true);
    const order = cognito.calls().map((call) => call.args[0].constructor.name);
    expect(order).toEqual(['AdminDisableUserCommand', 'AdminUserGlobalSignOutCommand']);
    expect(await pool.disablePerson(EMAIL)).toBe(false);
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(1);
  });
});
