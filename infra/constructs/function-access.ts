import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { ArnPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
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
}

/** What a role does with one data key, by way of which services. */
interface KeyUse {
  readonly key: IKey;
  readonly services: Set<'s3' | 'dynamodb' | 'sqs'>;
  writes: boolean;
}

/**
 * Grants one function exactly the actions of its `Access` (infra/access.ts) as statements of its own: named
 * actions only (no CDK grant's `GetObject*`, `ReEncrypt*` or `index/*`), and acknowledges on its role's
 * policy the one AwsSolutions-IAM5 finding per key prefix that a prefix grant is. The data keys of what it touches
 * (each resource's own: one key per data class) name its role in their key policies, through those services only.
 */
export class FunctionAccess {
  private readonly acknowledged = new Set<string>();
  private readonly keyUses = new Map<IKey, KeyUse>();

  constructor(private readonly fn: DancuFunction) {}

  apply(access: Access, targets: AccessTargets): this {
    for (const prefix of access.readsObjects) this.readObjects(targets.bucket, prefix);
    if (access.readsObjects.length > 0) this.listObjects(targets.bucket, access);
    for (const prefix of access.writesObjects) this.writeObjects(targets.bucket, prefix);
    for (const pattern of access.writesObjectsLike ?? []) this.writeObjectsLike(targets.bucket, pattern);
    for (const [id, table] of Object.entries(access.tables) as [TableId, TableAccess][]) {
      this.items(targets.tables[id], table);
    }
    for (const queue of access.sendsTo) this.sendMessages(targets.queues[queue] as IQueue);
    for (const secret of access.readsSecrets) this.readSecret(targets.secrets[secret]);
    this.nameInKeyPolicies();
    return this;
  }

  /** GetObject (a version too: a resumed split reads the version it started) under `prefix`. */
  readObjects(bucket: IBucket, prefix: string): this {
    this.allow(['s3:GetObject', 's3:GetObjectVersion'], [bucket.arnForObjects(`${prefix}*`)]);
    this.acknowledgeObjectPrefix(bucket, prefix);
    this.useKey(bucket.encryptionKey, 's3', false);
    return this;
  }

  /**
   * ListBucket, so that a missing object reads as NoSuchKey instead of AccessDenied; only under the prefixes it
   * reads when its access says so (a listing outside them is refused).
   */
  private listObjects(bucket: IBucket, access: Access): void {
    const conditions =
      access.listBucket === 'readPrefixes'
        ? { StringLike: { 's3:prefix': access.readsObjects.map((prefix) => `${prefix}*`) } }
        : undefined;
    this.allow(['s3:ListBucket'], [bucket.bucketArn], conditions);
  }

  /** PutObject (multipart included) and abort of its own multipart uploads under `prefix`; no delete, no ACLs. */
  writeObjects(bucket: IBucket, prefix: string): this {
    this.allow(['s3:PutObject', 's3:AbortMultipartUpload'], [bucket.arnForObjects(`${prefix}*`)]);
    this.acknowledgeObjectPrefix(bucket, prefix);
    this.useKey(bucket.encryptionKey, 's3', true);
    return this;
  }

  /** PutObject (and abort of its own multipart uploads) of keys like `pattern` only: a reference report. */
  writeObjectsLike(bucket: IBucket, pattern: string): this {
    this.allow(['s3:PutObject', 's3:AbortMultipartUpload'], [bucket.arnForObjects(pattern)]);
    this.acknowledge(
      `Resource::<${logicalId(bucket)}.Arn>/${pattern}`,
      `Objects whose key is like ${pattern} only; the file name exists only at run time.`,
    );
    this.useKey(bucket.encryptionKey, 's3', true);
    return this;
  }

  /**
   * The named item actions on the table (those of a statement of `partitions` only on the items whose partition key
   * is like one of its patterns), and Query on the named indexes.
   */
  items(table: Table, access: TableAccess): this {
    const limited = new Set((access.partitions ?? []).flatMap((rule) => rule.actions));
    const anywhere = access.actions.filter((action) => !limited.has(action));
    if (anywhere.length > 0) {
      this.allow(
        anywhere.map((action: ItemAction) => `dynamodb:${action}`),
        [table.tableArn],
      );
    }
    for (const rule of access.partitions ?? []) {
      this.allow(
        rule.actions.map((action: ItemAction) => `dynamodb:${action}`),
        [table.tableArn],
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...rule.leadingKeys] } },
      );
    }
    const writes = access.actions.some(
      (action) => !['GetItem', 'Query', 'BatchGetItem', 'DescribeTable', 'Scan'].includes(action),
    );
    this.useKey(table.encryptionKey, 'dynamodb', writes);
    const indexes = access.indexes ?? [];
    if (indexes.length > 0) {
      this.allow(
        ['dynamodb:Query'],
        indexes.map((name) => `${table.tableArn}/index/${name}`),
      );
    }
    return this;
  }

  /**
   * ReceiveMessage and ChangeMessageVisibility on the queue, never DeleteMessage: the dead-letter watch reads a
   * dead-letter queue and leaves every message there. Decrypt of the queue's key through SQS, where it has one.
   */
  peekMessages(queue: IQueue): this {
    this.allow(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility'], [queue.queueArn]);
    this.useKey(queue.encryptionMasterKey, 'sqs', false);
    return this;
  }

  /** SendMessage (SendMessageBatch is authorised by it) on the queue. */
  sendMessages(queue: IQueue): this {
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
    this.useKey(queue.encryptionMasterKey, 'sqs', true);
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

  private useKey(key: IKey | undefined, service: 's3' | 'dynamodb' | 'sqs', writes: boolean): void {
    if (!key) return;
    const use = this.keyUses.get(key) ?? { key, services: new Set(), writes: false };
    use.services.add(service);
    use.writes ||= writes;
    this.keyUses.set(key, use);
  }

  /**
   * What SSE-KMS needs of each data key, in that key's policy, naming the function's role: decrypt to read, a data
   * key to write, only by way of the services it reaches the data through; nothing to manage it.
   */
  private nameInKeyPolicies(): void {
    const role = this.fn.function.role;
    if (!role) throw new Error(`${this.fn.node.path} has no role to name in a key policy`);
    const region = Stack.of(this.fn).region;
    for (const { key, services, writes } of this.keyUses.values()) {
      key.addToResourcePolicy(
        new PolicyStatement({
          sid: `Use${this.fn.node.id}`,
          principals: [new ArnPrincipal(role.roleArn)],
          actions: [
            'kms:Decrypt',
            'kms:DescribeKey',
            ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
          ],
          resources: ['*'],
          conditions: {
            StringEquals: {
              'kms:ViaService': [...services].sort().map((name) => `${name}.${region}.amazonaws.com`),
            },
          },
        }),
      );
    }
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
