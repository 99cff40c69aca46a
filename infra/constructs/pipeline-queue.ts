import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../../shared/resources.ts';

/** SQS's longest retention: a dead letter waits for a person to look at it. */
const DEAD_LETTER_RETENTION = Duration.days(14);

export interface PipelineQueueProps {
  readonly spec: QueueSpec;
  /** the customer managed key of its messages' data class; SSE-SQS without it */
  readonly encryptionKey?: IKey;
}

/**
 * One queue of `shared/resources.ts` with its dead-letter queue: both encrypted (its data class's key) and refusing
 * requests without TLS; a message moves to the dead-letter queue after the spec's `maxReceiveCount` receives.
 */
export class PipelineQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, { spec, encryptionKey }: PipelineQueueProps) {
    super(scope, id);
    // messages hold rows of personal data (chunks) and keys of uploads: their data class's key, reused 5 minutes
    const encryption: Partial<QueueProps> = encryptionKey
      ? {
          encryption: QueueEncryption.KMS,
          encryptionMasterKey: encryptionKey,
          dataKeyReuse: Duration.minutes(5),
        }
      : { encryption: QueueEncryption.SQS_MANAGED };

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      ...encryption,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });

    this.queue = new Queue(this, 'Queue', {
      ...encryption,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(spec.retentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
    });
  }
}
