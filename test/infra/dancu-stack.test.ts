import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { CDK_APP_MODE_CONTEXT } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { DancuStack } from '../../infra/dancu-stack.ts';
import { applyNagChecks } from '../../infra/nag.ts';

// In-memory mode makes a failed validation throw with the whole report, instead of setting the exit code.
const inMemory = { [CDK_APP_MODE_CONTEXT]: 'inmemory' };

function synthDancu(stage: string): { stack: DancuStack; template: Template } {
  const app = new App({ context: inMemory });
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

  it('holds only the two buckets, their policies and no custom-resource Lambda', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.resourceCountIs('AWS::S3::BucketPolicy', 2);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(Object.keys(template.findResources('Custom::S3AutoDeleteObjects'))).toEqual([]);
  });

  it('encrypts both buckets and blocks all public access', () => {
    for (const id of [batchesId, accessLogsId]) {
      expect(template.toJSON().Resources[id].Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
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

  it('versions the batches bucket and expires noncurrent versions and abandoned uploads', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }),
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

  it('deletes buckets with the stack outside prod, and retains them in prod', () => {
    const buckets = (t: Template) => Object.values(t.findResources('AWS::S3::Bucket'));
    expect(buckets(template).map((b) => b.DeletionPolicy)).toEqual(['Delete', 'Delete']);
    expect(buckets(synthDancu('prod').template).map((b) => b.DeletionPolicy)).toEqual(['Retain', 'Retain']);
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
