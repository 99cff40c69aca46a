import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { IngestionStorage } from './constructs/ingestion-storage.ts';

export interface DancuStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`; `prod` keeps data when the stack is deleted. */
  readonly stage: string;
}

export class DancuStack extends Stack {
  readonly storage: IngestionStorage;

  constructor(scope: Construct, id: string, props: DancuStackProps) {
    super(scope, id, props);
    Tags.of(this).add('project', 'dancu');
    Tags.of(this).add('stage', props.stage);

    this.storage = new IngestionStorage(this, 'IngestionStorage', {
      removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    new CfnOutput(this, 'BatchesBucketName', {
      description: 'Agencies upload to incoming/{agencyCode}/; reports are written under reports/',
      value: this.storage.batchesBucket.bucketName,
    });
    new CfnOutput(this, 'AccessLogsBucketName', {
      description: 'Server access logs of the batches bucket',
      value: this.storage.accessLogsBucket.bucketName,
    });
  }
}
