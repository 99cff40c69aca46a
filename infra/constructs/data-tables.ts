import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, type TableId, type TableSpec } from '../../shared/resources.ts';
import { mapSpecs, pascalCase } from './from-spec.ts';

export interface DataTablesProps {
  /** RETAIN in prod, so deleting the stack keeps the register. */
  readonly removalPolicy: RemovalPolicy;
  /** Refuse DeleteTable (from the console, CLI or a replacement) while set. */
  readonly deletionProtection: boolean;
  /** each table's customer managed key (one per data class); the AWS managed key without them */
  readonly encryptionKeys?: Record<TableId, IKey>;
}

/**
 * Every DynamoDB table of `shared/resources.ts`: string keys `pk`/`sk`, on demand, point-in-time recovery,
 * each encrypted with the key of its data class (customer managed, rotated).
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
        ...(props.encryptionKeys
          ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKeys[spec.id] }
          : { encryption: TableEncryption.AWS_MANAGED }),
        deletionProtection: props.deletionProtection,
        removalPolicy: props.removalPolicy,
        timeToLiveAttribute: spec.timeToLiveAttribute,
      });
      for (const index of spec.indexes ?? []) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
          sortKey: { name: index.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        });
      }
      return table;
    });
  }
}
