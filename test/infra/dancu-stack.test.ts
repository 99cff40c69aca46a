import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { BUNDLING_STACKS, CDK_APP_MODE_CONTEXT } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { DancuStack } from '../../infra/dancu-stack.ts';
import { applyNagChecks } from '../../infra/nag.ts';
import { FUNCTIONS, HTTP_FUNCTIONS, TABLES } from '../../shared/resources.ts';

// In-memory mode makes a failed validation throw with the whole report, instead of setting the exit code.
const inMemory = { [CDK_APP_MODE_CONTEXT]: 'inmemory' };

function synthDancu(stage: string): { stack: DancuStack; template: Template } {
  // The functions are not bundled here (test/infra/ingestion.test.ts bundles them once).
  const app = new App({ context: { ...inMemory, [BUNDLING_STACKS]: [] } });
  const stack = new DancuStack(app, `Dancu-${stage}`, { stage });
  applyNagChecks(app);
  // fromStack synthesises the whole app, so the nag plugin runs here too.
  return { stack, template: Template.fromStack(stack) };
}

const logicalId = (bucket: Bucket): string =>
  Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);

describe('DancuStack', () => {
  const { stack, template } = synthDancu('dev');
  const batchesId = logicalId(stack.storage.batchesBucket);
  const accessLogsId = logicalId(stack.storage.accessLogsBucket);

  it('holds two buckets, their policies, and no custom resource that empties them', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.resourceCountIs('AWS::S3::BucketPolicy', 2);
    expect(Object.keys(template.findResources('Custom::S3AutoDeleteObjects'))).toEqual([]);
  });

  it('has the pipeline and HTTP functions and CDK’s bucket-notifications handler, no other Lambda', () => {
    template.resourceCountIs(
      'AWS::Lambda::Function',
      Object.keys(FUNCTIONS).length + Object.keys(HTTP_FUNCTIONS).length + 1,
    );
    template.resourceCountIs('Custom::S3BucketNotifications', 1);
  });

  it('encrypts the batches bucket with the register data’s key, the access logs with SSE-S3', () => {
    expect(template.toJSON().Resources[batchesId].Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: {
              'Fn::GetAtt': [
                Stack.of(stack).getLogicalId(stack.keys.uploads.node.defaultChild as CfnElement),
                'Arn',
              ],
            },
          },
        },
      ],
    });
    // S3 server access logging can write only to an SSE-S3 bucket
    expect(template.toJSON().Resources[accessLogsId].Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it('blocks all public access to both buckets', () => {
    for (const id of [batchesId, accessLogsId]) {
      expect(template.toJSON().Resources[id].Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
    }
  });

  it('denies requests without TLS, or with TLS older than 1.2, on both buckets', () => {
    for (const id of [batchesId, accessLogsId]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      });
    }
  });

  it('versions the batches bucket and expires noncurrent versions, abandoned uploads and work files', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            Prefix: Match.absent(),
            NoncurrentVersionExpiration: { NoncurrentDays: stack.config.retention.noncurrentVersionDays },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }),
          Match.objectLike({
            Status: 'Enabled',
            Prefix: 'work/',
            ExpirationInDays: stack.config.retention.workDays,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          }),
          Match.objectLike({ Prefix: 'incoming/', ExpirationInDays: stack.config.retention.uploadsDays }),
          Match.objectLike({ Prefix: 'reports/', ExpirationInDays: stack.config.retention.reportsDays }),
        ],
      },
    });
  });

  it('logs batches-bucket access to the access-log bucket, delivered by bucket policy', () => {
    expect(template.toJSON().Resources[batchesId].Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: accessLogsId },
      LogFilePrefix: 'batches/',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: accessLogsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
          }),
        ]),
      },
    });
    expect(template.toJSON().Resources[accessLogsId].Properties.AccessControl).toBeUndefined();
  });

  it('outputs both bucket names', () => {
    template.hasOutput('BatchesBucketName', { Value: { Ref: batchesId } });
    template.hasOutput('AccessLogsBucketName', { Value: { Ref: accessLogsId } });
  });

  it('deletes buckets and tables with the stack outside prod, and retains and protects them in prod', () => {
    const prod = synthDancu('prod').template;
    const policies = (t: Template, type: string) =>
      Object.values(t.findResources(type)).map((r) => r.DeletionPolicy);
    expect(policies(template, 'AWS::S3::Bucket')).toEqual(['Delete', 'Delete']);
    expect(policies(prod, 'AWS::S3::Bucket')).toEqual(['Retain', 'Retain']);
    const tables = Object.keys(TABLES);
    expect(policies(template, 'AWS::DynamoDB::Table')).toEqual(tables.map(() => 'Delete'));
    expect(policies(prod, 'AWS::DynamoDB::Table')).toEqual(tables.map(() => 'Retain'));
    const protectedTables = (t: Template) =>
      Object.values(t.findResources('AWS::DynamoDB::Table')).map(
        (r) => r.Properties.DeletionProtectionEnabled,
      );
    expect(protectedTables(template)).toEqual(tables.map(() => false));
    expect(protectedTables(prod)).toEqual(tables.map(() => true));
  });
});

describe('applyNagChecks', () => {
  it('fails synthesis on an unacknowledged AwsSolutions finding', () => {
    const app = new App({ context: inMemory });
    new Bucket(new Stack(app, 'NonCompliant'), 'PlainBucket');
    applyNagChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-S1\b[\s\S]*NonCompliant\/PlainBucket/);
  });

  it('lets an acknowledged finding through', () => {
    const app = new App({ context: inMemory });
    const bucket = new Bucket(new Stack(app, 'Acknowledged'), 'PlainBucket', { enforceSSL: true });
    applyNagChecks(app);
    // Only the rule under test is acknowledged, so any other finding would still fail.
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'test' });
    expect(() => app.synth()).not.toThrow();
  });
});
