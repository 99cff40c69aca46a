import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { FUNCTIONS, type FunctionId, KEYS, QUEUES, type QueueId, type TableId } from '../resources.ts';
import { mapSpecs, pascalCase } from './from-spec.ts';
import { FunctionAccess } from './function-access.ts';
import type { IngestionStorage } from './ingestion-storage.ts';
import { PipelineQueue } from './pipeline-queue.ts';
import { QueueConsumerFunction } from './queue-consumer-function.ts';

type KeyPrefix = (typeof KEYS)[keyof typeof KEYS];

/** What each function may touch beyond its own queue: the least its handler and shared/ code need. */
interface Access {
  readonly readsObjects: readonly KeyPrefix[];
  readonly writesObjects: readonly KeyPrefix[];
  readonly readsWritesTables: readonly TableId[];
  readonly sendsTo: readonly QueueId[];
}

const ACCESS: Record<FunctionId, Access> = {
  // reads the upload, writes chunks and rejected rows, writes the report of a file it cannot read
  split: {
    readsObjects: [KEYS.incomingPrefix],
    writesObjects: [KEYS.workPrefix, KEYS.reportsPrefix],
    readsWritesTables: ['batches'],
    sendsTo: ['records', 'intake', 'finalize'],
  },
  // reads a chunk, writes its outcomes, writes the failed report when a chunk gives up
  register: {
    readsObjects: [KEYS.workPrefix],
    writesObjects: [KEYS.workPrefix, KEYS.reportsPrefix],
    readsWritesTables: ['batches', 'register'],
    sendsTo: ['records', 'finalize'],
  },
  // merges outcomes and rejected rows into the report
  finalize: {
    readsObjects: [KEYS.workPrefix],
    writesObjects: [KEYS.reportsPrefix],
    readsWritesTables: ['batches'],
    sendsTo: [],
  },
  // procedure events (not ingestion, but fed by its queue the same way): keeps events and application states
  status: {
    readsObjects: [],
    writesObjects: [],
    readsWritesTables: ['applications'],
    sendsTo: [],
  },
};

export interface IngestionPipelineProps {
  readonly storage: IngestionStorage;
  readonly tables: Record<TableId, Table>;
}

/**
 * Upload → intake queue → split → records queue → register → finalize queue → finalize → report: every
 * queue and function of `infra/resources.ts`, each function allowed only what `ACCESS` lists.
 */
export class IngestionPipeline extends Construct {
  readonly queues: Record<QueueId, PipelineQueue>;
  readonly functions: Record<FunctionId, QueueConsumerFunction>;

  constructor(scope: Construct, id: string, { storage, tables }: IngestionPipelineProps) {
    super(scope, id);
    const bucket = storage.batchesBucket;

    this.queues = mapSpecs(
      QUEUES,
      (spec) => new PipelineQueue(this, `${pascalCase(spec.id)}Queue`, { spec }),
    );
    const resources = {
      buckets: { batches: bucket },
      tables,
      queues: mapSpecs(this.queues, ({ queue }) => queue),
    };

    this.functions = mapSpecs(FUNCTIONS, (spec) => {
      const fn = new QueueConsumerFunction(this, `${pascalCase(spec.id)}Function`, { spec, resources });
      const access = new FunctionAccess(fn);
      const allowed = ACCESS[spec.id];
      for (const prefix of allowed.readsObjects) access.readObjects(bucket, prefix);
      for (const prefix of allowed.writesObjects) access.writeObjects(bucket, prefix);
      for (const table of allowed.readsWritesTables) access.readWriteItems(tables[table]);
      for (const queue of allowed.sendsTo) access.sendMessages(resources.queues[queue]);
      return fn;
    });

    storage.sendUploadsTo(this.queues.intake.queue);
  }
}
