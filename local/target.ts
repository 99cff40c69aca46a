// Where the command-line tools send their requests: the local stack (its .dancu/local.json) by default, or a
// deployed stack when --aws is given (credentials and region from the usual AWS environment).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface LocalStackInfo {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: { s3: string; sqs: string; dynamodb: string; http: string };
  buckets: { batches: string; reports: string };
  /** each local agency's own credentials (the split checks uploads signed with them against the key's agency) */
  agencies?: Record<string, { accessKeyId: string; secretAccessKey: string }>;
  queues: Record<string, string>;
  tables: Record<string, string>;
}

export interface Target {
  kind: 'local' | 'aws';
  bucket: string;
  /** SDK client settings: endpoint and credentials for the local stack, nothing (the defaults) for AWS */
  s3: Record<string, unknown>;
  sqs: Record<string, unknown>;
  dynamodb: Record<string, unknown>;
  queues: Record<string, string>;
  /** table names by table id (in AWS from DANCU_TABLE_BATCHES and the like: the stack outputs) */
  tables: Record<string, string>;
}

/** DANCU_QUEUE_RECORDS_DLQ → recordsDlq, the names local.json uses. */
const camelCase = (name: string) =>
  name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export function localStackInfo(dir = '.dancu'): LocalStackInfo | undefined {
  const file = resolve(dir, 'local.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalStackInfo) : undefined;
}

/** The local stack unless `aws` is set; then the bucket and queue URLs come from the environment (stack outputs). */
export function resolveTarget(options: {
  aws?: boolean;
  bucket?: string;
  /** the local stack's directory (default .dancu) */
  dir?: string;
}): Target {
  if (options.aws) {
    const bucket = options.bucket ?? process.env.DANCU_BATCHES_BUCKET;
    if (!bucket)
      throw new Error('--aws needs --bucket or DANCU_BATCHES_BUCKET (the stack output BatchesBucketName)');
    const queues = Object.fromEntries(
      Object.entries(process.env)
        .filter(([name]) => name.startsWith('DANCU_QUEUE_'))
        .map(([name, url]) => [camelCase(name.slice('DANCU_QUEUE_'.length)), url ?? '']),
    );
    const tables = Object.fromEntries(
      Object.entries(process.env)
        .filter(([name]) => name.startsWith('DANCU_TABLE_'))
        .map(([name, table]) => [camelCase(name.slice('DANCU_TABLE_'.length)), table ?? '']),
    );
    return { kind: 'aws', bucket, s3: {}, sqs: {}, dynamodb: {}, queues, tables };
  }
  const info = localStackInfo(options.dir);
  if (!info)
    throw new Error(
      `no local stack found (${options.dir ?? '.dancu'}/local.json): run \`npm start\` first, or pass --aws`,
    );
  const common = { region: info.region, credentials: info.credentials };
  return {
    kind: 'local',
    bucket: options.bucket ?? info.buckets.batches,
    s3: {
      ...common,
      endpoint: info.endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    },
    sqs: { ...common, endpoint: info.endpoints.sqs, useQueueUrlAsEndpoint: false },
    dynamodb: { ...common, endpoint: info.endpoints.dynamodb },
    queues: info.queues,
    tables: info.tables,
  };
}

/**
 * Points the SDK's shared clients (shared/aws/clients.ts, dynamodb.ts and sqs.ts, which read the environment as they load) at
 * the local stack's emulators: call it before importing a store.
 */
export function useLocalStack(target: Target): void {
  const credentials = target.dynamodb.credentials as { accessKeyId: string; secretAccessKey: string };
  Object.assign(process.env, {
    AWS_REGION: target.dynamodb.region as string,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: target.dynamodb.endpoint as string,
    AWS_ENDPOINT_URL_S3: target.s3.endpoint as string,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  });
}
