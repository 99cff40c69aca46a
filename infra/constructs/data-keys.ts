import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * The data classes dancu keeps, each under a key of its own, so a role granted one class cannot decrypt another:
 * the register (persons, history, review lists), the applications citizens look up (and their events' queue), and
 * the uploads and reports (the batches bucket, the batches table and the pipeline queues that carry rows).
 */
export const DATA_CLASSES = ['register', 'applications', 'uploads'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

const DESCRIPTIONS: Record<DataClass, string> = {
  register: 'the population register table',
  applications: 'the applications table and the procedure-events queue',
  uploads: 'uploads and reports: the batches bucket, the batches table and the pipeline queues',
};

export interface DataKeysProps {
  /** the stage's name and prefix (infra/stages.ts), for each key's description and alias */
  readonly stageName: string;
  readonly prefix: string;
  readonly removalPolicy: RemovalPolicy;
}

/** Construct ids: the uploads key keeps the id of the one key before issue 24, which already encrypts the bucket. */
const IDS: Record<DataClass, string> = {
  uploads: 'DataKey',
  register: 'RegisterKey',
  applications: 'ApplicationsKey',
};

/**
 * One customer managed key per data class, rotated yearly. Each key's policy names the roles that use it
 * (infra/constructs/function-access.ts and event-senders.ts add them) besides the account, whose IAM administers it.
 */
export function dataKeys(
  scope: Construct,
  { stageName, prefix, removalPolicy }: DataKeysProps,
): Record<DataClass, Key> {
  const key = (dataClass: DataClass) =>
    new Key(scope, IDS[dataClass], {
      description: `dancu ${stageName}: ${DESCRIPTIONS[dataClass]}`,
      alias: `alias/${prefix}/data/${dataClass}`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
  return { uploads: key('uploads'), register: key('register'), applications: key('applications') };
}
