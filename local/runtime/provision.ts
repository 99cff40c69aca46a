// Creates on the emulators what `shared/resources.ts` declares: the batches bucket, every table, every queue with
// its dead-letter queue. Idempotent: after a restart the bucket and tables are already on disk, the queues not.

import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  paginateScan,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { BucketAlreadyExists, BucketAlreadyOwnedByYou, CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  QUEUES,
  type QueueId,
  type QueueSpec,
  TABLES,
  type TableId,
  type TableSpec,
} from '../../shared/resources.ts';
import { deadLetterName, LOCAL_BATCHES_BUCKET, LOCAL_REGION, localName } from './account.ts';
import { createLocalClients } from './clients.ts';
import type { LocalEndpoints } from './emulators.ts';
import { consoleLogger, type Logger } from './log.ts';

interface LocalQueueName {
  name: string;
  url: string;
  arn: string;
}

export interface LocalQueue extends LocalQueueName {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  deadLetter: LocalQueueName;
}

/** What the provisioning created on the emulators, by the ids of `shared/resources.ts`. */
export interface LocalNames {
  region: string;
  buckets: { batches: string };
  tables: Record<TableId, string>;
  queues: Record<QueueId, LocalQueue>;
}

/** SQS's longest retention, for dead letters: they wait for a person to look at them. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;
const TABLE_ACTIVE_WITHIN_MS = 10_000;

export interface ProvisionOptions {
  endpoints: LocalEndpoints;
  region?: string;
  /** Whole seconds, instead of the queue's own (tests use 1 to see redelivery quickly). */
  visibilityTimeouts?: Partial<Record<QueueId, number>>;
  log?: Logger;
}

export async function provision(options: ProvisionOptions): Promise<LocalNames> {
  const region = options.region ?? LOCAL_REGION;
  const log = options.log ?? consoleLogger;
  const clients = createLocalClients(options.endpoints, region);
  try {
    await createBucket(clients.s3, LOCAL_BATCHES_BUCKET);
    const tables = {} as Record<TableId, string>;
    for (const spec of Object.values(TABLES)) {
      tables[spec.id] = await createTable(clients.dynamodb, spec, log);
    }
    const queues = {} as Record<QueueId, LocalQueue>;
    for (const spec of Object.values(QUEUES)) {
      const visibilityTimeoutSeconds = options.visibilityTimeouts?.[spec.id] ?? spec.visibilityTimeoutSeconds;
      queues[spec.id] = await createQueue(clients.sqs, spec, visibilityTimeoutSeconds);
    }
    return { region, buckets: { batches: LOCAL_BATCHES_BUCKET }, tables, queues };
  } finally {
    clients.destroy();
  }
}

async function createBucket(s3: S3Client, name: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou || error instanceof BucketAlreadyExists)) throw error;
  }
}

async function createTable(dynamodb: DynamoDBClient, spec: TableSpec, log: Logger): Promise<string> {
  const name = localName(spec.id);
  const indexes = localIndexes(spec);
  try {
    await dynamodb.send(createTableCommand(name, indexes));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await addMissingIndexes(dynamodb, name, indexes, log);
  }
  if (spec.timeToLiveAttribute) {
    // dynalite has no UpdateTimeToLive: items keep their expiry attribute but are never removed.
    log.info(`table ${name}: items do not expire locally (${spec.timeToLiveAttribute} is kept)`);
  }
  await untilActive(dynamodb, name);
  return name;
}

type LocalIndexes = ReturnType<typeof localIndexes>;
const NO_INDEXES: LocalIndexes = { attributes: [], create: [] };

/** Every table has string keys `pk` and `sk`; `indexes` from localIndexes (none: a bare table). */
export function createTableCommand(name: string, indexes = NO_INDEXES): CreateTableCommand {
  return new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      ...indexes.attributes,
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
    ...(indexes.create.length > 0 ? { GlobalSecondaryIndexes: indexes.create } : {}),
  });
}

async function untilActive(dynamodb: DynamoDBClient, name: string): Promise<void> {
  for (const deadline = Date.now() + TABLE_ACTIVE_WITHIN_MS; ; ) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`table ${name} is still ${Table?.TableStatus}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function createQueue(
  sqs: SQSClient,
  spec: QueueSpec,
  visibilityTimeoutSeconds: number,
): Promise<LocalQueue> {
  if (
    !Number.isInteger(visibilityTimeoutSeconds) ||
    visibilityTimeoutSeconds < 1 ||
    visibilityTimeoutSeconds > 43_200
  ) {
    throw new RangeError(`visibility timeout of ${spec.id} must be whole seconds in 1..43200`);
  }
  const name = localName(spec.id);
  const deadLetter = await ensureQueue(sqs, deadLetterName(name), {
    MessageRetentionPeriod: String(DEAD_LETTER_RETENTION_SECONDS),
  });
  const queue = await ensureQueue(sqs, name, {
    VisibilityTimeout: String(visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(spec.retentionDays * 24 * 3600),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetter.arn,
      maxReceiveCount: spec.maxReceiveCount,
    }),
  });
  return { ...queue, visibilityTimeoutSeconds, maxReceiveCount: spec.maxReceiveCount, deadLetter };
}

/** CreateQueue with the bare name (which is idempotent), then the attributes, so a second run converges. */
async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<LocalQueueName> {
  const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!url) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${name} has no QueueArn`);
  return { name, url, arn };
}

/** The table's global secondary indexes (`TableSpec.indexes`) as CreateTable takes them. */
function localIndexes(spec: TableSpec) {
  const specs = spec.indexes ?? [];
  const keys = [...new Set(specs.flatMap((index) => [index.partitionKey, index.sortKey]))];
  return {
    attributes: keys.map((key) => ({ AttributeName: key, AttributeType: 'S' as const })),
    create: specs.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}

/**
 * A table kept on disk from before an index was declared gets it now. dynalite cannot add an index to a table
 * (it ignores UpdateTable's index creation), so the table is copied out, made again with its indexes, and
 * filled again: local data only, a few items per batch.
 */
async function addMissingIndexes(
  dynamodb: DynamoDBClient,
  name: string,
  indexes: LocalIndexes,
  log: Logger,
): Promise<void> {
  if (indexes.create.length === 0) return;
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
  const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  if (indexes.create.every((index) => existing.has(index.IndexName))) return;
  const items: Record<string, AttributeValue>[] = [];
  for await (const page of paginateScan({ client: dynamodb }, { TableName: name, ConsistentRead: true })) {
    items.push(...(page.Items ?? []));
  }
  log.info(`table ${name}: adding its indexes (${items.length} items copied out and back)`);
  await dynamodb.send(new DeleteTableCommand({ TableName: name }));
  for (const deadline = Date.now() + TABLE_ACTIVE_WITHIN_MS; ; ) {
    try {
      await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) break;
      throw error;
    }
    if (Date.now() > deadline) throw new Error(`table ${name} is still being deleted`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await dynamodb.send(createTableCommand(name, indexes));
  await untilActive(dynamodb, name);
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await dynamodb.send(
        new BatchWriteItemCommand({ RequestItems: { [name]: requests } }),
      );
      requests = (UnprocessedItems?.[name] ?? []) as typeof requests;
    }
  }
}
