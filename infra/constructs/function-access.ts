import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { SecretId, TableId } from '../../shared/resources.ts';
import type { Access, ItemAction, TableAccess } from '../access.ts';
import type { DancuFunction } from './dancu-function.ts';

export interface AccessTargets {
  readonly bucket: IBucket;
  readonly tables: Record<TableId, Table>;
  readonly queues: Record<string, IQueue>;
  readonly secrets: Record<SecretId, ISecret>;
  /** the key of the register data, when buckets, tables and queues are encrypted with it */
  readonly key?: IKey;
}

/**
 * Grants one function exactly the actions of its `Access` (infra/access.ts) as statements of its own: named
 * actions only (no CDK grant's `GetObject*`, `ReEncrypt*` or `index/*`), and acknowledges on its role's
 * policy the one AwsSolutions-IAM5 finding per key prefix that a prefix grant is.
 */
export class FunctionAccess {
  private readonly acknowledged = new Set<string>();

  constructor(private readonly fn: DancuFunction) {}

  apply(access: Access, targets: AccessTargets): this {
    for (const prefix of access.readsObjects) this.readObjects(targets.bucket, prefix);
    for (const prefix of access.writesObjects) this.writeObjects(targets.bucket, prefix);
    for (const [id, table] of Object.entries(access.tables) as [TableId, TableAccess][]) {
      this.items(targets.tables[id], table);
    }
    for (const queue of access.sendsTo) this.sendMessages(targets.queues[queue] as IQueue);
    for (const secret of access.readsSecrets) this.readSecret(targets.secrets[secret]);
    const touchesData =
      access.readsObjects.length + access.writesObjects.length + access.sendsTo.length > 0 ||
      Object.keys(access.tables).length > 0;
    if (targets.key && touchesData) this.useKey(targets.key, access);
    return this;
  }

  /** GetObject (a version too: a resumed split reads the version it started) under `prefix`; ListBucket. */
  readObjects(bucket: IBucket, prefix: string): this {
    this.allow(['s3:GetObject', 's3:GetObjectVersion'], [bucket.arnForObjects(`${prefix}*`)]);
    // without ListBucket a missing work file reads as AccessDenied instead of NoSuchKey
    this.allow(['s3:ListBucket'], [bucket.bucketArn]);
    this.acknowledgeObjectPrefix(bucket, prefix);
    return this;
  }

  /** PutObject (multipart included) and abort of its own multipart uploads under `prefix`; no delete, no ACLs. */
  writeObjects(bucket: IBucket, prefix: string): this {
    this.allow(['s3:PutObject', 's3:AbortMultipartUpload'], [bucket.arnForObjects(`${prefix}*`)]);
    this.acknowledgeObjectPrefix(bucket, prefix);
    return this;
  }

  /** The named item actions on the table, and Query on the named indexes. */
  items(table: Table, access: TableAccess): this {
    this.allow(
      access.actions.map((action: ItemAction) => `dynamodb:${action}`),
      [table.tableArn],
    );
    const indexes = access.indexes ?? [];
    if (indexes.length > 0) {
      this.allow(
        ['dynamodb:Query'],
        indexes.map((name) => `${table.tableArn}/index/${name}`),
      );
    }
    return this;
  }

  /** SendMessage (SendMessageBatch is authorised by it) on the queue. */
  sendMessages(queue: IQueue): this {
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
    return this;
  }

  /**
   * GetSecretValue on the secret (no DescribeSecret, no version listing: CDK's grantRead adds those), and Decrypt
   * of its key only when Secrets Manager asks on the function's behalf, so the key decrypts nothing else for it.
   */
  readSecret(secret: ISecret): this {
    this.allow(['secretsmanager:GetSecretValue'], [secret.secretArn]);
    // a secret under Secrets Manager's own key (aws/secretsmanager) needs no grant on it
    if (secret.encryptionKey) {
      this.allow(['kms:Decrypt'], [secret.encryptionKey.keyArn], {
        StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this.fn).region}.amazonaws.com` },
      });
    }
    return this;
  }

  /** What SSE-KMS needs of the data key: decrypt to read, a data key to write; nothing to manage it. */
  private useKey(key: IKey, access: Access): void {
    const writes =
      access.writesObjects.length > 0 ||
      access.sendsTo.length > 0 ||
      Object.values(access.tables).some((table) =>
        table?.actions.some((action) => !['GetItem', 'Query', 'BatchGetItem'].includes(action)),
      );
    this.allow(
      ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : [])],
      [key.keyArn],
    );
  }

  private allow(actions: string[], resources: string[], conditions?: Record<string, unknown>): void {
    this.fn.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions,
        resources,
        ...(conditions ? { conditions } : {}),
      }),
    );
  }

  private acknowledgeObjectPrefix(bucket: IBucket, prefix: string): void {
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

function logicalId(resource: IBucket): string {
  const element = resource.node.defaultChild as CfnElement | undefined;
  if (!element) throw new Error(`${resource.node.path} is not a bucket of this stack`);
  return Stack.of(resource).getLogicalId(element);
}
