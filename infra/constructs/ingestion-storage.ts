import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  EventType,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { PREFIXES, REFERENCE_UPLOAD_SUFFIX } from '../../shared/keys.ts';

export interface BucketRetention {
  readonly uploadsDays: number;
  readonly reportsDays: number;
  readonly workDays: number;
  readonly noncurrentVersionDays: number;
}

export interface IngestionStorageProps {
  /** RETAIN in prod; elsewhere DESTROY (without auto-delete, so a non-empty bucket survives a stack delete). */
  readonly removalPolicy: RemovalPolicy;
  /**
   * How long the bucket keeps what it holds (the stage's `retention`, infra/stages.ts), in days from each object's
   * writing: uploads, reports, work files (a batch cannot be in flight longer than its queue messages live, 14 days),
   * and overwritten or deleted versions. Without it uploads and reports are kept until deleted.
   */
  readonly retention?: BucketRetention;
  /** SSE-KMS of the batches bucket with the uploads' key; SSE-S3 without it */
  readonly encryptionKey?: IKey;
  /** How long server access logs are kept (audit). @default 2 years */
  readonly accessLogsRetention?: Duration;
}

/**
 * The batches bucket (agencies upload under `incoming/{agencyCode}/`, reports go under `reports/`)
 * and the bucket that receives its server access logs.
 */
export class IngestionStorage extends Construct {
  readonly batchesBucket: Bucket;
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: IngestionStorageProps) {
    super(scope, id);
    // Log delivery by bucket policy instead of the legacy LogDeliveryWrite ACL, which needs ACLs enabled.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    const secure: BucketProps = {
      // S3 server access logging can only write to an SSE-S3 target; SSE-KMS comes with the data buckets' keys.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
    };

    // cdk-nag counts a bucket that receives access logs as logged, so this needs no AwsSolutions-S1 acknowledgement.
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      ...secure,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: props.accessLogsRetention ?? Duration.days(731) },
      ],
    });

    this.batchesBucket = new Bucket(this, 'BatchesBucket', {
      ...secure,
      ...(props.encryptionKey
        ? {
            encryption: BucketEncryption.KMS,
            encryptionKey: props.encryptionKey,
            // one KMS request per bucket key instead of per object: a province's work files are many
            bucketKeyEnabled: true,
          }
        : {}),
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'batches/',
      lifecycleRules: bucketLifecycle(props.retention),
    });
  }

  /** Sends every upload under `incoming/` to `queue`, as an S3 ObjectCreated notification. */
  sendUploadsTo(queue: IQueue): void {
    // The destination also adds a queue policy that lets S3 send for this bucket only (aws:SourceArn).
    this.batchesBucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(queue), {
      prefix: PREFIXES.incoming,
    });
    acknowledgeNotificationsHandler(Stack.of(this));
  }

  /**
   * Sends every reference upload (`reference/population/*.csv`, issue 18) to `queue`: a `.csv` directly under the prefix
   * only, so the report written beside it (`.report.json`) starts nothing.
   */
  sendReferenceUploadsTo(queue: IQueue): void {
    this.batchesBucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(queue), {
      prefix: PREFIXES.referencePopulation,
      suffix: REFERENCE_UPLOAD_SUFFIX,
    });
    acknowledgeNotificationsHandler(Stack.of(this));
  }
}

/**
 * The batches bucket's lifecycle: each prefix's objects expire after the stage's days, and their old versions soon
 * after (versioning keeps a deleted object's data as a noncurrent version, which would otherwise outlive its rule).
 */
function bucketLifecycle(retention: BucketRetention | undefined): LifecycleRule[] {
  const noncurrent = Duration.days(retention?.noncurrentVersionDays ?? 30);
  const byPrefix = (id: string, prefix: string, days: number): LifecycleRule => ({
    id,
    prefix,
    expiration: Duration.days(days),
    // objects of personal data past their time: their old versions go a day after, not a version window later
    noncurrentVersionExpiration: Duration.days(1),
  });
  return [
    {
      id: 'expire-noncurrent-versions',
      noncurrentVersionExpiration: noncurrent,
      expiredObjectDeleteMarker: true,
      // An agency upload that dies half-way otherwise keeps its parts (and their cost) forever.
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    },
    byPrefix('expire-work-files', PREFIXES.work, retention?.workDays ?? 14),
    ...(retention
      ? [
          byPrefix('expire-uploads', PREFIXES.incoming, retention.uploadsDays),
          byPrefix('expire-reports', PREFIXES.reports, retention.reportsDays),
        ]
      : []),
  ];
}

/**
 * CloudFormation cannot add a notification to a bucket whose queue policy names that bucket (a cycle), so
 * CDK sets it with a custom resource: one handler function per stack, run only by CloudFormation while
 * deploying, whose own permission (s3:PutBucketNotification) is scoped to this bucket.
 */
function acknowledgeNotificationsHandler(stack: Stack): void {
  const handler = stack.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
  const role = handler?.node.tryFindChild('Role')?.node.defaultChild;
  if (!role)
    throw new Error('aws-cdk-lib changed its bucket notifications handler; review its permissions again');
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "CDK's bucket-notifications handler attaches it to its role in every case (logs of a deploy-time custom resource, no data access).",
  });
}
