// Small helpers that turn the plain data of shared/resources.ts into CDK values.

import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { EnvironmentRef, QueueId, SecretId, TableId } from '../../shared/resources.ts';

/** The deployed resources an `EnvironmentRef` can name. */
export interface SpecResources {
  readonly buckets: Record<'batches', IBucket>;
  readonly tables: Record<TableId, ITable>;
  readonly queues: Record<QueueId, IQueue>;
  readonly secrets: Record<SecretId, ISecret>;
}

/** Builds one value per spec, keeping the spec's keys, so adding an entry to resources.ts adds a resource. */
export function mapSpecs<K extends string, S, R>(
  specs: Record<K, S>,
  build: (spec: S, key: K) => R,
): Record<K, R> {
  const entries = (Object.entries(specs) as [K, S][]).map(([key, spec]) => [key, build(spec, key)] as const);
  return Object.fromEntries(entries) as Record<K, R>;
}

/** A function's environment variables with each reference replaced by the deployed name, URL or ARN. */
export function resolveEnvironment(
  environment: Record<string, EnvironmentRef>,
  resources: SpecResources,
): Record<string, string> {
  return mapSpecs(environment, (ref) => {
    if ('bucket' in ref) return resources.buckets[ref.bucket].bucketName;
    if ('table' in ref) return resources.tables[ref.table].tableName;
    if ('value' in ref) return ref.value;
    // the ARN, never the value: the function reads the secret itself, and only if its role may
    if ('secret' in ref) return resources.secrets[ref.secret].secretArn;
    return resources.queues[ref.queueUrl].queueUrl;
  });
}

/** `intake` → `Intake`, `procedure-events` → `ProcedureEvents`: for construct ids and output names. */
export function pascalCase(id: string): string {
  return id.replace(/(^|[-_])([a-z0-9])/g, (_match, _separator, letter: string) => letter.toUpperCase());
}
