import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../resources.ts';

/** SQS's longest retention: a dead letter waits for a person to look at it. */
const DEAD_LETTER_RETENTION = Duration.days(14);

export interface PipelineQueueProps {
  readonly spec: QueueSpec;
}

/**
 * One queue of `infra/resources.ts` with its dead-letter queue: both encrypted (SSE-SQS) and refusing
 * requests without TLS; a message moves to the dead-letter queue after the spec's `maxReceiveCount` receives.
 */
export class PipelineQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, { spec }: PipelineQueueProps) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(spec.retentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
    });
  }
}
