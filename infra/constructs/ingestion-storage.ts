import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

export interface IngestionStorageProps {
  /** RETAIN in prod; elsewhere DESTROY (without auto-delete, so a non-empty bucket survives a stack delete). */
  readonly removalPolicy: RemovalPolicy;
  /** How long an overwritten or deleted batch or report stays recoverable. @default 30 days */
  readonly noncurrentVersionRetention?: Duration;
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
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', secure);

    this.batchesBucket = new Bucket(this, 'BatchesBucket', {
      ...secure,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'batches/',
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: props.noncurrentVersionRetention ?? Duration.days(30),
          expiredObjectDeleteMarker: true,
          // An agency upload that dies half-way otherwise keeps its parts (and their cost) forever.
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
  }
}
