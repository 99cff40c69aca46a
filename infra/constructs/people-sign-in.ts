import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { AGENCY_CLAIM, MACHINE_SCOPES, RESOURCE_SERVER } from '../../shared/api/claims.ts';
import { ROLES } from '../../shared/domain/roles.ts';
import type { StageConfig } from '../stages.ts';

export interface PeopleSignInProps {
  readonly stage: StageConfig;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One Cognito user pool for the people of every agency (MFA required, no self sign-up: an operator adds each person
 * with their agency and roles) and the resource server whose scopes the agencies' systems are given. The people's
 * app client signs in through the hosted UI (authorisation code + PKCE); machine clients are made by
 * `npm run agencies -- add-client`, never by this template, so it is the same for 3 agencies or 10,000.
 */
export class PeopleSignIn extends Construct {
  readonly pool: UserPool;
  readonly peopleClient: UserPoolClient;
  readonly domain: UserPoolDomain;
  readonly resourceServer: UserPoolResourceServer;

  constructor(scope: Construct, id: string, { stage, removalPolicy }: PeopleSignInProps) {
    super(scope, id);
    this.pool = new UserPool(this, 'Pool', {
      userPoolName: `${stage.prefix}-people`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      mfa: Mfa.REQUIRED,
      // an authenticator app: no SMS role, no phone numbers kept
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // the agency a person acts for; set by the operator only (no client may write it)
      customAttributes: {
        [AGENCY_CLAIM.replace(/^custom:/, '')]: new StringAttribute({ minLen: 2, maxLen: 40, mutable: true }),
      },
      // threat protection: compromised credentials and risky sign-ins blocked, not only logged
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    // a role is a group: an ID token carries them in `cognito:groups`
    for (const role of ROLES) {
      this.pool.addGroup(`Role${role[0]?.toUpperCase()}${role.slice(1)}`, {
        groupName: role,
        description: `dancu role ${role} (docs/jurisdiction.md)`,
      });
    }
    this.resourceServer = this.pool.addResourceServer('Machines', {
      identifier: RESOURCE_SERVER,
      userPoolResourceServerName: 'dancu agency systems',
      scopes: Object.entries(MACHINE_SCOPES).map(
        ([scopeName, scopeDescription]) => new ResourceServerScope({ scopeName, scopeDescription }),
      ),
    });
    this.domain = this.pool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: stage.signIn.domainPrefix },
    });
    this.peopleClient = this.pool.addClient('PeopleClient', {
      userPoolClientName: 'people',
      generateSecret: false, // a page and the CLI: public clients, PKCE instead of a secret
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: stage.signIn.callbackUrls,
        logoutUrls: stage.signIn.callbackUrls,
      },
      authFlows: {},
      preventUserExistenceErrors: true,
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true })
        .withCustomAttributes(AGENCY_CLAIM.replace(/^custom:/, '')),
      writeAttributes: new ClientAttributes(),
      // a working day; a token stolen from a page is good for an hour
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });
  }

  /**
   * Pages that sign people in and come back to themselves (the people API's `page` routes): added to the people
   * client's callback and sign-out URLs, beside the stage's own (the CLI's loopback address).
   */
  addPageUrls(urls: readonly string[]): void {
    const client = this.peopleClient.node.defaultChild as CfnUserPoolClient;
    client.callbackUrLs = [...(client.callbackUrLs ?? []), ...urls];
    client.logoutUrLs = [...(client.logoutUrLs ?? []), ...urls];
  }

  /** The issuer of the pool's tokens, as the JWT authoriser checks it. */
  get issuer(): string {
    // as CDK's own HttpUserPoolAuthorizer writes it; the token's `iss`
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.pool.userPoolId}`;
  }
}
