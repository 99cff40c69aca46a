import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { CfnTable, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { DancuFunction } from './dancu-function.ts';

/**
 * Grants one function what it may touch, with CDK's grant methods scoped as narrowly as they go, and
 * acknowledges on its role's policy exactly the AwsSolutions-IAM5 wildcard findings those grants cause.
 */
export class FunctionAccess {
  private readonly acknowledged = new Set<string>();

  constructor(private readonly fn: DancuFunction) {}

  /** GetObject (any version) under `prefix`; list and read metadata of the bucket. */
  readObjects(bucket: Bucket, prefix: string): this {
    bucket.grantRead(this.fn.function, `${prefix}*`);
    this.acknowledgeObjectPrefix(bucket, prefix);
    this.acknowledge(
      'Action::s3:GetObject*',
      "CDK grantRead's object reads (GetObject, GetObjectVersion for a resumed split, tags, attributes), on the object prefixes listed in this policy only.",
    );
    this.acknowledge(
      'Action::s3:GetBucket*',
      "CDK grantRead's bucket metadata reads, on the batches bucket's ARN only (no objects).",
    );
    this.acknowledge(
      'Action::s3:List*',
      "CDK grantRead's ListBucket on the batches bucket only: without it a missing work file reads as AccessDenied instead of NoSuchKey, which the pipeline treats as empty.",
    );
    return this;
  }

  /** PutObject (and abort of its own multipart uploads) under `prefix`; no delete, no ACLs. */
  writeObjects(bucket: Bucket, prefix: string): this {
    bucket.grantPut(this.fn.function, `${prefix}*`);
    this.acknowledgeObjectPrefix(bucket, prefix);
    this.acknowledge(
      'Action::s3:Abort*',
      "CDK grantPut's AbortMultipartUpload, so a failed streamed upload (lib-storage Upload of a report) removes its parts; on the object prefixes listed in this policy only.",
    );
    return this;
  }

  /** Item reads and writes on the table (and its indexes). */
  readWriteItems(table: Table): this {
    table.grantReadWriteData(this.fn.function);
    if (hasIndexes(table)) {
      this.acknowledge(
        `Resource::<${logicalId(table)}.Arn>/index/*`,
        "CDK's table grants add the table's own indexes (<table>/index/*, not other tables'); index names are declared with the table in DataTables.",
      );
    }
    return this;
  }

  sendMessages(queue: IQueue): this {
    queue.grantSendMessages(this.fn.function);
    return this;
  }

  private acknowledgeObjectPrefix(bucket: Bucket, prefix: string): void {
    this.acknowledge(
      `Resource::<${logicalId(bucket)}.Arn>/${prefix}*`,
      `Objects under the ${prefix} prefix only; the rest of each key (agency code and file name, or batch id) exists only at run time.`,
    );
  }

  private acknowledge(finding: string, reason: string): void {
    if (this.acknowledged.has(finding)) return;
    const policy = this.fn.function.role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
    if (!policy) throw new Error(`${this.fn.node.path} has no role policy to acknowledge ${finding} on`);
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    this.acknowledged.add(finding);
  }
}

function logicalId(resource: Bucket | Table): string {
  return Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnElement);
}

function hasIndexes(table: Table): boolean {
  const indexes: unknown = Stack.of(table).resolve(
    (table.node.defaultChild as CfnTable).globalSecondaryIndexes,
  );
  return Array.isArray(indexes) && indexes.length > 0;
}
