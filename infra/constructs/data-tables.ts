import type { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type GlobalSecondaryIndexProps,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLES, type TableId, type TableSpec } from '../resources.ts';
import { mapSpecs, pascalCase } from './from-spec.ts';

/**
 * Indexes the storage modules query. Kept here only until `TableSpec` in resources.ts can describe them;
 * until then the local stack does not create them.
 */
const INDEXES: Partial<Record<TableId, GlobalSecondaryIndexProps[]>> = {
  // shared/store/batch-store.ts writes gsi1pk = AGENCY#{agencyCode}, gsi1sk = {startedAt}#{batchId}:
  // an agency's batches, newest last; object-key items carry no gsi1pk, so the index holds batches only.
  batches: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    },
  ],
};

export interface DataTablesProps {
  /** RETAIN in prod, so deleting the stack keeps the register. */
  readonly removalPolicy: RemovalPolicy;
  /** Refuse DeleteTable (from the console, CLI or a replacement) while set. */
  readonly deletionProtection: boolean;
}

/**
 * Every DynamoDB table of `infra/resources.ts`: string keys `pk`/`sk`, on demand, point-in-time recovery,
 * encrypted with the AWS managed key.
 */
export class DataTables extends Construct {
  readonly tables: Record<TableId, Table>;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    this.tables = mapSpecs(TABLES, (spec: TableSpec) => {
      const table = new Table(this, pascalCase(spec.id), {
        partitionKey: { name: 'pk', type: AttributeType.STRING },
        sortKey: { name: 'sk', type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        deletionProtection: props.deletionProtection,
        removalPolicy: props.removalPolicy,
        timeToLiveAttribute: spec.timeToLiveAttribute,
      });
      for (const index of INDEXES[spec.id] ?? []) table.addGlobalSecondaryIndex(index);
      return table;
    });
  }
}
