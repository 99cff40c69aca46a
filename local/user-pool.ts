// The people's user pool as the operator command `npm run agencies -- add-client | remove-client | add-person |
// remove-person | set-roles --aws` changes it (issue 17; docs/operations.md, "Who gets in"): a small port, so the
// command is tested on a fake (test/fakes/user-pool.ts), and its adapter on Amazon Cognito (SDK v3). The pool itself
// (MFA required, a group per role, the resource server `dancu`) is the template's: infra/constructs/people-sign-in.ts.
// Nothing here logs: a person is named by their e-mail only to Cognito, and a client secret only to the operator.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  paginateAdminListGroupsForUser,
} from '@aws-sdk/client-cognito-identity-provider';
import { AGENCY_CLAIM, MACHINE_SCOPES, RESOURCE_SERVER } from '../shared/api/claims.ts';
import { JURISDICTION_CODES, type Message, messageTable } from '../shared/domain/errors.ts';
import { AGENCY_FILE_CODES } from './agencies-file.ts';

/** A person as the pool holds them: the `sub` (what the audit trail keeps), their agency, standing and groups. */
export interface PoolPerson {
  sub: string;
  /** `custom:agency`; undefined when the attribute is not set */
  agency: string | undefined;
  enabled: boolean;
  /** the person's groups: one per role */
  groups: string[];
}

export interface UserPool {
  /** A confidential app client of the client-credentials grant for an agency's system; its secret is shown once. */
  createMachineClient(clientName: string): Promise<{ clientId: string; clientSecret: string }>;
  /** false when the pool holds no such client */
  deleteMachineClient(clientId: string): Promise<boolean>;
  /** A person who signs in with their e-mail (Cognito e-mails a temporary password); undefined when already held. */
  createPerson(email: string, agency: string): Promise<{ sub: string } | undefined>;
  getPerson(email: string): Promise<PoolPerson | undefined>;
  addToGroup(email: string, group: string): Promise<void>;
  removeFromGroup(email: string, group: string): Promise<void>;
  /** Disabled, not deleted (the audit trail keeps the `sub`), and signed out everywhere. False when not held. */
  disablePerson(email: string): Promise<boolean>;
}

/** The refusals of the verbs that let machines and people in, each in Vietnamese and English. */
export const ACCESS_CODES = messageTable({
  AGENCY_UNKNOWN: AGENCY_FILE_CODES.AGENCY_UNKNOWN,
  AGENCY_DISABLED: JURISDICTION_CODES.AGENCY_DISABLED,
  PLATFORM_ROLE_OUTSIDE_PLATFORM: JURISDICTION_CODES.PLATFORM_ROLE_OUTSIDE_PLATFORM,
  PLATFORM_NO_PERSONAL_DATA: JURISDICTION_CODES.PLATFORM_NO_PERSONAL_DATA,
  ROLE_UNKNOWN: {
    vi: 'Vai trò không có; các vai trò là uploader, reviewer, approver, viewer, platform',
    en: 'No such role; the roles are uploader, reviewer, approver, viewer, platform',
  },
  CLIENT_OTHER_AGENCY: {
    vi: 'Ứng dụng máy này đã thuộc về một cơ quan khác',
    en: 'This machine client already belongs to another agency',
  },
  CLIENT_UNKNOWN: {
    vi: 'Cơ quan không có ứng dụng máy với mã này',
    en: 'The agency has no machine client with this id',
  },
  PERSON_UNKNOWN: {
    vi: 'Không có người dùng nào với địa chỉ thư điện tử này',
    en: 'No person with this e-mail address is held',
  },
  PERSON_OTHER_AGENCY: {
    vi: 'Người dùng này đã thuộc về một cơ quan khác',
    en: 'This person already belongs to another agency',
  },
  PERSON_DISABLED: {
    vi: 'Người dùng này đã bị vô hiệu hóa; không thay đổi',
    en: 'This person is disabled; left unchanged',
  },
});
export type AccessCode = keyof typeof ACCESS_CODES;

/** "ROLE_UNKNOWN Vietnamese / English". */
export function describeAccessCode(code: AccessCode): string {
  const { vi, en }: Message = ACCESS_CODES[code];
  return `${code} ${vi} / ${en}`;
}

/** The scopes a machine client is given: upload and read, of the resource server `dancu`. */
export const MACHINE_CLIENT_SCOPES = Object.keys(MACHINE_SCOPES).map(
  (scope) => `${RESOURCE_SERVER}/${scope}`,
);

const isNamed = (error: unknown, name: string) => (error as Error | undefined)?.name === name;

/** The pool of a deployed stage (the stack output UserPoolId), with the operator's AWS credentials. */
export class CognitoUserPool implements UserPool {
  constructor(
    private readonly userPoolId: string,
    private readonly client = new CognitoIdentityProviderClient({}),
  ) {}

  async createMachineClient(clientName: string) {
    const { UserPoolClient } = await this.client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: this.userPoolId,
        ClientName: clientName,
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: MACHINE_CLIENT_SCOPES,
        AccessTokenValidity: 1,
        TokenValidityUnits: { AccessToken: 'hours' },
        EnableTokenRevocation: true,
      }),
    );
    if (!UserPoolClient?.ClientId || !UserPoolClient.ClientSecret) {
      throw new Error('Cognito made the client but returned no id or secret');
    }
    return { clientId: UserPoolClient.ClientId, clientSecret: UserPoolClient.ClientSecret };
  }

  async deleteMachineClient(clientId: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteUserPoolClientCommand({ UserPoolId: this.userPoolId, ClientId: clientId }),
      );
      return true;
    } catch (error) {
      if (isNamed(error, 'ResourceNotFoundException')) return false;
      throw error;
    }
  }

  async createPerson(email: string, agency: string): Promise<{ sub: string } | undefined> {
    try {
      const { User } = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: email,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
            { Name: AGENCY_CLAIM, Value: agency },
          ],
          // Cognito e-mails a temporary password; the pool (MFA required) has the person set up an authenticator
          // app at the first sign-in
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
      const sub = User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
      return { sub: sub ?? User?.Username ?? '' };
    } catch (error) {
      if (isNamed(error, 'UsernameExistsException')) return undefined;
      throw error;
    }
  }

  async getPerson(email: string): Promise<PoolPerson | undefined> {
    let user: { UserAttributes?: { Name?: string; Value?: string }[]; Enabled?: boolean; Username?: string };
    try {
      user = await this.client.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: email }),
      );
    } catch (error) {
      if (isNamed(error, 'UserNotFoundException')) return undefined;
      throw error;
    }
    const attribute = (name: string) => user.UserAttributes?.find((a) => a.Name === name)?.Value;
    const groups: string[] = [];
    for await (const page of paginateAdminListGroupsForUser(
      { client: this.client },
      { UserPoolId: this.userPoolId, Username: email },
    )) {
      for (const group of page.Groups ?? []) if (group.GroupName) groups.push(group.GroupName);
    }
    return {
      sub: attribute('sub') ?? user.Username ?? '',
      agency: attribute(AGENCY_CLAIM),
      enabled: user.Enabled ?? true,
      groups,
    };
  }

  async addToGroup(email: string, group: string): Promise<void> {
    await this.client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: email, GroupName: group }),
    );
  }

  async removeFromGroup(email: string, group: string): Promise<void> {
    await this.client.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: this.userPoolId, Username: email, GroupName: group }),
    );
  }

  async disablePerson(email: string): Promise<boolean> {
    try {
      // disabled first: no new sign-in from here on; then every refresh token revoked (the access and ID tokens
      // already out expire within their hour)
      await this.client.send(new AdminDisableUserCommand({ UserPoolId: this.userPoolId, Username: email }));
      await this.client.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: email }),
      );
      return true;
    } catch (error) {
      if (isNamed(error, 'UserNotFoundException')) return false;
      throw error;
    }
  }
}
