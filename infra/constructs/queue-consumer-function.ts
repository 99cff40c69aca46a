import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type FunctionSpec, functionEnvironment } from '../../shared/resources.ts';
import { functionNodeOptions } from '../bundling.ts';
import { DancuFunction } from './dancu-function.ts';
import { resolveEnvironment, type SpecResources } from './from-spec.ts';

/** The repository root: `FunctionSpec.entry` is relative to it, whatever the working directory. */
const REPOSITORY_ROOT = new URL('../../', import.meta.url);

export interface QueueConsumerFunctionProps {
  readonly spec: FunctionSpec;
  /** What the spec's environment references resolve to. */
  readonly resources: SpecResources;
  readonly logRetention?: RetentionDays;
}

/**
 * A function of `shared/resources.ts`: a DancuFunction with the spec's timeout, memory and environment,
 * fed by its queue with partial batch failures, so one bad message is retried alone.
 */
export class QueueConsumerFunction extends DancuFunction {
  constructor(scope: Construct, id: string, { spec, resources, logRetention }: QueueConsumerFunctionProps) {
    const nodeOptions = functionNodeOptions(spec.maxHeapMb);
    super(scope, id, {
      logRetention,
      entry: fileURLToPath(new URL(spec.entry, REPOSITORY_ROOT)),
      description: spec.description,
      timeout: Duration.seconds(spec.timeoutSeconds),
      memorySize: spec.memoryMb,
      readsSecrets: Object.values(functionEnvironment(spec)).some((ref) => 'secret' in ref),
      environment: {
        ...resolveEnvironment(functionEnvironment(spec), resources),
        ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      },
    });

    const { queue, batchSize, maxBatchingWindowSeconds, maximumConcurrency } = spec.source;
    // Also grants the function receive, delete and change-visibility on that queue only.
    this.function.addEventSource(
      new SqsEventSource(resources.queues[queue], {
        batchSize,
        maxBatchingWindow: Duration.seconds(maxBatchingWindowSeconds),
        maxConcurrency: maximumConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
}
