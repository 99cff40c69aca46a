import { Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AccountRootPrincipal,
  ArnPrincipal,
  CompositePrincipal,
  type IPrincipal,
  ManagedPolicy,
  PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { objectKeys, PREFIXES } from '../../shared/keys.ts';
import { HTTP_FUNCTIONS } from '../../shared/resources.ts';
import type { StageConfig } from '../stages.ts';

export interface AgencyRolesProps {
  readonly stage: StageConfig;
  readonly bucket: Bucket;
  /** the uploads' key, whose policy names the agency roles (through S3 only) */
  readonly key?: IKey;
  readonly api: HttpApi;
}

/** The agency routes (IAM-authorised) as `GET /batches`, from HTTP_FUNCTIONS. */
const AGENCY_ROUTES = Object.values(HTTP_FUNCTIONS).flatMap((fn) =>
  fn.routes.filter((route) => route.authorization === 'iam'),
);

/**
 * One IAM role per agency of the stage, named `{agencyRolePrefix}{code}`: it may upload only under
 * `incoming/{code}/`, read only `reports/{code}/`, and call only the agency routes (which answer for its own
 * agency alone). The split re-checks every upload against `uploaders` (role id → code).
 */
export class AgencyRoles extends Construct {
  readonly roles: Record<string, Role>;

  constructor(scope: Construct, id: string, { stage, bucket, key, api }: AgencyRolesProps) {
    super(scope, id);
    this.roles = {};
    for (const agency of stage.agencies) {
      const trusted: IPrincipal[] =
        agency.trustedPrincipals.length > 0
          ? agency.trustedPrincipals.map((arn) => new ArnPrincipal(arn))
          : [new AccountRootPrincipal()];
      const role = new Role(this, agency.code, {
        roleName: `${stage.agencyRolePrefix}${agency.code}`,
        description: `dancu ${stage.name}: uploads and reports of ${agency.code}`,
        assumedBy: trusted.length === 1 ? (trusted[0] as IPrincipal) : new CompositePrincipal(...trusted),
      });
      Tags.of(role).add('agency', agency.code);
      const policy = new ManagedPolicy(this, `${agency.code}Policy`, {
        description: `dancu ${stage.name}: what agency ${agency.code} may do`,
        roles: [role],
        statements: agencyStatements(agency.code, bucket, api),
      });
      acknowledgePrefixes(policy, agency.code, bucket, api);
      this.roles[agency.code] = role;
    }
    // the uploads key's policy names the agency roles: uploads need a data key, multipart uploads and report reads
    // decrypt; only by way of S3
    key?.addToResourcePolicy(
      new PolicyStatement({
        sid: 'UseDataKeyThroughS3',
        principals: Object.values(this.roles).map((role) => new ArnPrincipal(role.roleArn)),
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(bucket).region}.amazonaws.com` } },
      }),
    );
  }

  /** Role unique id (the `AROA…` of `AWS:AROA…:session` in S3 events) → agency code, for the split. */
  uploaders(): string {
    const map = Object.fromEntries(Object.entries(this.roles).map(([code, role]) => [role.roleId, code]));
    return Stack.of(this).toJsonString(map);
  }
}

function agencyStatements(code: string, bucket: Bucket, api: HttpApi): PolicyStatement[] {
  const incoming = objectKeys.uploadPrefix(code);
  const reports = objectKeys.reportsPrefix(code);
  const statements = [
    new PolicyStatement({
      sid: 'UploadOwnBatches',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [bucket.arnForObjects(`${incoming}*`)],
    }),
    new PolicyStatement({
      sid: 'ReadOwnReports',
      actions: ['s3:GetObject'],
      resources: [bucket.arnForObjects(`${reports}*`)],
    }),
    new PolicyStatement({
      sid: 'ListOwnPrefixes',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${incoming}*`, `${reports}*`] } },
    }),
    new PolicyStatement({
      sid: 'CallAgencyRoutes',
      actions: ['execute-api:Invoke'],
      resources: AGENCY_ROUTES.map((route) =>
        api.arnForExecuteApi(route.method, route.path.replace(/\{[^}]+\}/g, '*'), '$default'),
      ),
    }),
  ];
  return statements;
}

function acknowledgePrefixes(policy: ManagedPolicy, code: string, bucket: Bucket, api: HttpApi): void {
  const stack = Stack.of(policy);
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as never);
  const apiId = stack.getLogicalId(api.node.defaultChild as never);
  const resource = policy.node.defaultChild ?? policy;
  // cdk-nag names an unresolved region or account by its pseudo parameter, a known one by its value
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  for (const prefix of [PREFIXES.incoming, PREFIXES.reports]) {
    Validations.of(resource).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}${code}/*]`,
      reason: `Objects under ${prefix}${code}/ only (this agency's own prefix); file names exist only at upload time.`,
    });
  }
  for (const route of AGENCY_ROUTES.filter((r) => r.path.includes('{'))) {
    const path = route.path.replace(/\{[^}]+\}/g, '*');
    Validations.of(resource).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:${region}:${account}:<${apiId}>/$default/${route.method}${path}]`,
      reason: `The agency route ${route.method} ${route.path}: the path parameter is any id; the agency function answers only for the caller's own agency.`,
    });
  }
}
