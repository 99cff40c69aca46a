import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DataTables } from './constructs/data-tables.ts';
import { mapSpecs, pascalCase } from './constructs/from-spec.ts';
import { HttpApi } from './constructs/http-api.ts';
import { IngestionPipeline } from './constructs/ingestion-pipeline.ts';
import { IngestionStorage } from './constructs/ingestion-storage.ts';
import { FUNCTIONS, QUEUES, TABLES } from './resources.ts';

export interface DancuStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`; `prod` keeps data when the stack is deleted. */
  readonly stage: string;
}

export class DancuStack extends Stack {
  readonly storage: IngestionStorage;
  readonly tables: DataTables;
  readonly ingestion: IngestionPipeline;
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, props: DancuStackProps) {
    super(scope, id, props);
    Tags.of(this).add('project', 'dancu');
    Tags.of(this).add('stage', props.stage);
    const prod = props.stage === 'prod';
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.storage = new IngestionStorage(this, 'IngestionStorage', { removalPolicy });
    this.tables = new DataTables(this, 'Tables', { removalPolicy, deletionProtection: prod });
    this.ingestion = new IngestionPipeline(this, 'Ingestion', {
      storage: this.storage,
      tables: this.tables.tables,
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      tables: this.tables.tables,
      resources: {
        buckets: { batches: this.storage.batchesBucket },
        tables: this.tables.tables,
        queues: mapSpecs(this.ingestion.queues, ({ queue }) => queue),
      },
    });

    this.addOutputs();
  }

  /** What an operator needs to upload, watch, redrive and read logs; named after the ids in resources.ts. */
  private addOutputs(): void {
    const output = (id: string, description: string, value: string) =>
      new CfnOutput(this, id, { description, value });

    output(
      'BatchesBucketName',
      'Agencies upload to incoming/{agencyCode}/; reports are written under reports/',
      this.storage.batchesBucket.bucketName,
    );
    output(
      'AccessLogsBucketName',
      'Server access logs of the batches bucket',
      this.storage.accessLogsBucket.bucketName,
    );
    for (const spec of Object.values(QUEUES)) {
      const { queue, deadLetterQueue } = this.ingestion.queues[spec.id];
      const name = pascalCase(spec.id);
      output(`${name}QueueUrl`, spec.description, queue.queueUrl);
      output(
        `${name}DeadLetterQueueUrl`,
        `Messages of the ${spec.id} queue that failed every try`,
        deadLetterQueue.queueUrl,
      );
      // StartMessageMoveTask (redrive) takes the dead-letter queue's ARN, not its URL.
      output(
        `${name}DeadLetterQueueArn`,
        `Redrive source for the ${spec.id} queue`,
        deadLetterQueue.queueArn,
      );
    }
    output(
      'HttpApiUrl',
      'Citizen page at /, GET /applications/{code}, /openapi.json; agency routes /batches (IAM)',
      this.httpApi.url,
    );
    for (const spec of Object.values(TABLES)) {
      output(`${pascalCase(spec.id)}TableName`, spec.description, this.tables.tables[spec.id].tableName);
    }
    for (const spec of Object.values(FUNCTIONS)) {
      output(
        `${pascalCase(spec.id)}FunctionName`,
        spec.description,
        this.ingestion.functions[spec.id].function.functionName,
      );
    }
  }
}
