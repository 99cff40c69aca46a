import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  DEAD_LETTER_WATCH,
  deadLetterUrlVariable,
  FUNCTIONS,
  type FunctionId,
  QUEUES,
  type QueueId,
  type SecretId,
  type TableId,
} from '../../shared/resources.ts';
import { ACCESS } from '../access.ts';
import { type StageConfig, withStageSettings } from '../stages.ts';
import { mapSpecs, pascalCase } from './from-spec.ts';
import { FunctionAccess } from './function-access.ts';
import type { IngestionStorage } from './ingestion-storage.ts';
import { PipelineQueue } from './pipeline-queue.ts';
import { QueueConsumerFunction } from './queue-consumer-function.ts';

/** The queues the bucket's notifications send to (ingestion-storage.ts): under SSE-SQS, see below. */
export const S3_EVENT_QUEUES: readonly QueueId[] = ['intake', 'finalize'];
/**
 * The queues under SSE-SQS: the S3 events' (see below), and the watch's, whose sweeps carry nothing to protect and
 * come from EventBridge, which then needs no data key.
 */
const SQS_MANAGED_QUEUES: readonly QueueId[] = [...S3_EVENT_QUEUES, 'watch'];

export interface IngestionPipelineProps {
  readonly storage: IngestionStorage;
  readonly tables: Record<TableId, Table>;
  /** the secrets functions read (the person-key secret), each under its own key */
  readonly secrets: Record<SecretId, ISecret>;
  readonly stage: StageConfig;
  /** the keys of the queues' data classes: the uploads' for the pipeline, the applications' for procedure events */
  readonly keys?: { uploads: IKey; applications: IKey; register: IKey };
}

/**
 * Upload → intake queue → split → records queue → register → finalize queue → finalize → report: every
 * queue and function of `shared/resources.ts` with the stage's memory and concurrency, each function allowed
 * only what `ACCESS` (infra/access.ts) lists.
 */
export class IngestionPipeline extends Construct {
  readonly queues: Record<QueueId, PipelineQueue>;
  readonly functions: Record<FunctionId, QueueConsumerFunction>;

  constructor(
    scope: Construct,
    id: string,
    { storage, tables, secrets, stage, keys }: IngestionPipelineProps,
  ) {
    super(scope, id);
    const bucket = storage.batchesBucket;

    this.queues = mapSpecs(QUEUES, (spec) => {
      // S3 may send to a queue under a customer key only if the key policy names the bucket, and the bucket is
      // encrypted with that key: a cycle. S3 events carry object keys, no rows: SSE-SQS for the queues they go to, the
      // intake (uploads) and finalize (reference uploads, issue 18; its own messages are batch ids, no rows).
      const encryptionKey = SQS_MANAGED_QUEUES.includes(spec.id)
        ? undefined
        : spec.id === 'procedureEvents'
          ? keys?.applications
          : // births carry names and parents' IDs: under the register's key
            spec.id === 'births'
            ? keys?.register
            : keys?.uploads;
      return new PipelineQueue(this, `${pascalCase(spec.id)}Queue`, { spec, encryptionKey });
    });
    const queues = mapSpecs(this.queues, ({ queue }) => queue);
    const resources = { buckets: { batches: bucket }, tables, queues, secrets };

    this.functions = mapSpecs(FUNCTIONS, (spec) => {
      const fn = new QueueConsumerFunction(this, `${pascalCase(spec.id)}Function`, {
        spec: withStageSettings(spec, stage),
        resources,
        logRetention: stage.logRetentionDays as RetentionDays,
      });
      const access = new FunctionAccess(fn);
      // the dead-letter queues the watch reads, before apply names the function in its keys' policies
      if (spec.id === DEAD_LETTER_WATCH.function)
        for (const id of DEAD_LETTER_WATCH.queues) access.peekMessages(this.queues[id].deadLetterQueue);
      access.apply(ACCESS[spec.id], { bucket, tables, queues, secrets });
      return fn;
    });

    storage.sendUploadsTo(this.queues.intake.queue);
    storage.sendReferenceUploadsTo(this.queues.finalize.queue);
    if (stage.linkPassSchedule) this.scheduleLinkPass(stage.linkPassSchedule);
    this.watchDeadLetters(stage.deadLetterWatchSchedule);
  }

  /**
   * The dead-letter watch (shared/ingest/dead-letter-watch.ts): a `sweep-dead-letters` message on the watching
   * function's queue on the stage's schedule, and the watched dead-letter queues' URLs in its environment (it may read
   * them and make what it read visible again, never delete it, and decrypt them through SQS: FunctionAccess.peekMessages).
   */
  private watchDeadLetters(expression: string): void {
    const watcher = this.functions[DEAD_LETTER_WATCH.function].function;
    for (const id of DEAD_LETTER_WATCH.queues)
      watcher.addEnvironment(deadLetterUrlVariable(id), this.queues[id].deadLetterQueue.queueUrl);
    const queue = this.queues[FUNCTIONS[DEAD_LETTER_WATCH.function].source.queue].queue;
    new Rule(this, 'DeadLetterWatchSchedule', {
      description: 'Fails the batches whose messages wait in a dead-letter queue (docs/operations.md)',
      schedule: Schedule.expression(expression),
      targets: [new SqsQueue(queue, { message: RuleTargetInput.fromObject({ kind: 'sweep-dead-letters' }) })],
    });
  }

  /**
   * Starts a link pass on the stage's schedule: a `link-start` message, named by its message id. (The target lets
   * EventBridge use the queue's key: the key policy names events.amazonaws.com.)
   */
  private scheduleLinkPass(expression: string): void {
    const queue = this.queues.linkPass.queue;
    new Rule(this, 'LinkPassSchedule', {
      description: 'Starts a link pass over the register (docs/linkage.md, the link pass)',
      schedule: Schedule.expression(expression),
      targets: [new SqsQueue(queue, { message: RuleTargetInput.fromObject({ kind: 'link-start' }) })],
    });
  }
}
