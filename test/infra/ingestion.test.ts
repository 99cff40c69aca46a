import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ACCESS } from '../../infra/access.ts';
import { pascalCase } from '../../infra/constructs/from-spec.ts';
import { withStageSettings } from '../../infra/stages.ts';
import { objectKeys, PREFIXES, passKeys, REFERENCE_UPLOAD_SUFFIX } from '../../shared/keys.ts';
import {
  type EnvironmentRef,
  FUNCTIONS,
  functionEnvironment,
  QUEUES,
  type QueueId,
  TABLES,
  type TableId,
} from '../../shared/resources.ts';
import { idOf, synthDevStack } from './synth-dev.ts';

// One synthesis for the whole file: it bundles the three real handlers with esbuild and runs cdk-nag,
// so a handler that does not bundle or an unacknowledged finding fails here.
// The feature flags of cdk.json too (minimizePolicies), so the policies are the ones `cdk synth` writes.
const { stack, template } = synthDevStack();
const resources = template.toJSON().Resources as Record<string, CfnResourceJson>;

interface CfnResourceJson {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } };
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const queueId = (id: QueueId) => idOf(stack.ingestion.queues[id].queue);
const deadLetterId = (id: QueueId) => idOf(stack.ingestion.queues[id].deadLetterQueue);
const bucketId = idOf(stack.storage.batchesBucket);
const functionId = (id: keyof typeof FUNCTIONS) => idOf(stack.ingestion.functions[id].function);
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const objectsArn = (prefix: string) => ({ 'Fn::Join': ['', [arnOf(bucketId), `/${prefix}*`]] });
const objectsLikeArn = (pattern: string) => ({ 'Fn::Join': ['', [arnOf(bucketId), `/${pattern}`]] });
const keyArn = (dataClass: keyof typeof stack.keys) => arnOf(idOf(stack.keys[dataClass]));
// S3 events go to the intake queue (uploads) and the finalize queue (reference uploads), which a bucket-encrypting key
// cannot cover (a cycle): SSE-SQS there, and on the watch queue (its sweeps carry nothing); procedure events are
// applications' data, the rest of the pipeline carries uploads
const queueEncryption = (id: QueueId) =>
  id === 'intake' || id === 'finalize' || id === 'watch'
    ? { SqsManagedSseEnabled: true }
    : {
        // births carry names and parents' IDs: the register's key
        KmsMasterKeyId: keyArn(
          id === 'procedureEvents' ? 'applications' : id === 'births' ? 'register' : 'uploads',
        ),
        KmsDataKeyReusePeriodSeconds: 300,
      };
/** Each table's data class: the batches table is the uploads' bookkeeping. */
const TABLE_KEYS = {
  batches: 'uploads',
  register: 'register',
  history: 'register',
  applications: 'applications',
  ids: 'register',
  agencies: 'uploads',
} as const;

function resource(logicalId: string): CfnResourceJson {
  const found = resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId} in the template`);
  return found;
}

/** The statements of a function's role policy. */
function statementsOf(fn: keyof typeof FUNCTIONS): Statement[] {
  const roleRef = resource(functionId(fn)).Properties.Role as { 'Fn::GetAtt': [string, string] };
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleRef['Fn::GetAtt'][0]),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement as Statement[];
}

const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
/** Values compared by content, each once. */
const distinct = (values: unknown[]): Set<string> => new Set(values.map((value) => JSON.stringify(value)));
const resourcesOf = (statement: Statement): unknown[] => [statement.Resource].flat();

/** Every resource a function may call `action` on. */
function resourcesAllowed(fn: keyof typeof FUNCTIONS, action: string): unknown[] {
  return statementsOf(fn)
    .filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).includes(action))
    .flatMap(resourcesOf);
}

/** What an environment reference must resolve to in the template. */
function expectedValue(ref: EnvironmentRef): unknown {
  if ('bucket' in ref) return { Ref: bucketId };
  if ('table' in ref) return { Ref: idOf(stack.tables.tables[ref.table]) };
  if ('value' in ref) return ref.value;
  // a secret's Ref is its ARN
  if ('secret' in ref) return { Ref: idOf(stack.personKeySecret.secret) };
  return { Ref: queueId(ref.queueUrl) };
}

describe('ingestion queues', () => {
  it.each(Object.values(QUEUES))('$id has a dead-letter queue after $maxReceiveCount receives', (spec) => {
    expect(resource(queueId(spec.id)).Properties).toMatchObject({
      VisibilityTimeout: spec.visibilityTimeoutSeconds,
      MessageRetentionPeriod: spec.retentionDays * 24 * 3600,
      ...queueEncryption(spec.id),
      RedrivePolicy: {
        deadLetterTargetArn: arnOf(deadLetterId(spec.id)),
        maxReceiveCount: spec.maxReceiveCount,
      },
    });
    expect(resource(deadLetterId(spec.id)).Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
      ...queueEncryption(spec.id),
    });
  });

  it.each(Object.values(QUEUES))('$id and its dead-letter queue refuse requests without TLS', (spec) => {
    for (const id of [queueId(spec.id), deadLetterId(spec.id)]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('are each consumed by one function, whose timeout fits six times in the visibility timeout', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(Object.keys(QUEUES).length);
    for (const mapping of mappings) {
      const queue = resource(mapping.Properties.EventSourceArn['Fn::GetAtt'][0]);
      const fn = resource(mapping.Properties.FunctionName.Ref);
      expect(queue.Type).toBe('AWS::SQS::Queue');
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(
        6 * (fn.Properties.Timeout as number),
      );
    }
    const consumed = mappings.map((mapping) => mapping.Properties.EventSourceArn['Fn::GetAtt'][0]);
    expect(distinct(consumed)).toEqual(distinct(Object.values(QUEUES).map((spec) => queueId(spec.id))));
  });
});

describe('ingestion functions', () => {
  it.each(Object.values(FUNCTIONS))(
    '$id reads its queue with the spec’s batching and the stage’s concurrency',
    (base) => {
      const spec = withStageSettings(base, stack.config);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: functionId(spec.id) },
        EventSourceArn: arnOf(queueId(spec.source.queue)),
        BatchSize: spec.source.batchSize,
        MaximumBatchingWindowInSeconds: spec.source.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: spec.source.maximumConcurrency },
      });
    },
  );

  it.each(Object.values(FUNCTIONS))('$id has the spec’s timeout, memory and environment', (base) => {
    const spec = withStageSettings(base, stack.config);
    const variables = Object.fromEntries(
      Object.entries(functionEnvironment(spec)).map(([name, ref]) => [name, expectedValue(ref)]),
    );
    expect(resource(functionId(spec.id)).Properties).toMatchObject({
      Timeout: spec.timeoutSeconds,
      MemorySize: spec.memoryMb,
      Environment: { Variables: variables },
    });
  });

  it.each(Object.values(FUNCTIONS))('$id may send to exactly the queues its environment names', (spec) => {
    const named = Object.values(functionEnvironment(spec)).flatMap((ref) =>
      'queueUrl' in ref ? [ref.queueUrl] : [],
    );
    expect(distinct(resourcesAllowed(spec.id, 'sqs:SendMessage'))).toEqual(
      distinct(named.map((queue) => arnOf(queueId(queue)))),
    );
  });

  it.each(Object.values(FUNCTIONS))(
    '$id may read items of exactly the tables its environment names, and write those it does not only read',
    (spec) => {
      const named = Object.values(spec.environment).flatMap((ref) => ('table' in ref ? [ref.table] : []));
      const tablesAllowed = (action: string) =>
        resourcesAllowed(spec.id, action).filter((arn) => 'Fn::GetAtt' in (arn as object));
      const arns = (tables: TableId[]) =>
        distinct(tables.map((table) => arnOf(idOf(stack.tables.tables[table]))));
      // the history table is append-only: a function that changes persons puts to it and reads nothing there
      const writeOnly = (table: TableId) =>
        ACCESS[spec.id].tables[table]?.actions.every((action) => action === 'PutItem');
      expect(distinct([...tablesAllowed('dynamodb:GetItem'), ...tablesAllowed('dynamodb:Query')])).toEqual(
        arns(named.filter((table) => !writeOnly(table))),
      );
      // the agencies table is read only: the operator command writes it (infra/access.ts)
      const readOnly = (table: TableId) =>
        ACCESS[spec.id].tables[table]?.actions.every((action) => action === 'GetItem' || action === 'Query');
      // a write is a put or an update (the watch only updates a batch it found)
      const written = distinct([
        ...tablesAllowed('dynamodb:PutItem'),
        ...tablesAllowed('dynamodb:UpdateItem'),
      ]);
      expect(written).toEqual(arns(named.filter((t) => !readOnly(t))));
    },
  );
});

describe('ingestion permissions', () => {
  const objectAccess = {
    split: { read: [PREFIXES.incoming], write: [PREFIXES.work, PREFIXES.reports] },
    register: { read: [PREFIXES.work], write: [PREFIXES.work, PREFIXES.reports] },
    // the upload again (cells of the rows outcomes.xlsx lists), reports/ (a copy reads its source), and a reference
    // upload, whose report (and nothing else there) it writes; and each batch's coverage ledger (issue 18)
    finalize: {
      read: [PREFIXES.work, PREFIXES.incoming, PREFIXES.reports, PREFIXES.referencePopulation],
      write: [PREFIXES.reports, PREFIXES.coverage],
      writeLike: [objectKeys.referenceReports],
    },
    // the report of a batch it fails, and nothing read
    watch: { read: [], write: [PREFIXES.reports] },
  } as const;
  // the status function touches no objects at all (test/infra/http-api.test.ts)
  const objectFunctions = Object.values(FUNCTIONS).flatMap(({ id }) =>
    id in objectAccess ? [{ id: id as keyof typeof objectAccess }] : [],
  );

  it.each(objectFunctions)('$id reads and writes objects under its prefixes only', ({ id }) => {
    const access: { read: readonly string[]; write: readonly string[]; writeLike?: readonly string[] } =
      objectAccess[id];
    const { read, write, writeLike = [] } = access;
    expect(distinct(resourcesAllowed(id, 's3:GetObject'))).toEqual(distinct(read.map(objectsArn)));
    expect(distinct(resourcesAllowed(id, 's3:PutObject'))).toEqual(
      distinct([...write.map(objectsArn), ...writeLike.map(objectsLikeArn)]),
    );
    // the bucket itself only to list it (a missing work file is NoSuchKey, not AccessDenied), when it reads at all
    expect(distinct(resourcesAllowed(id, 's3:ListBucket'))).toEqual(
      distinct(read.length > 0 ? [arnOf(bucketId)] : []),
    );
    const actions = statementsOf(id).flatMap(actionsOf);
    // no delete, no ACLs, no bucket configuration
    expect(
      actions.filter((action) => /^s3:(Delete|PutObjectAcl|PutObject\*|PutBucket)/.test(action)),
    ).toEqual([]);
  });

  it('grants no wildcard action, and wildcard resources only to X-Ray', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
        expect(actionsOf(statement)).not.toContain('*');
        expect(actionsOf(statement).some((action) => action.endsWith(':*'))).toBe(false);
        if (resourcesOf(statement).includes('*')) {
          expect(actionsOf(statement).every((action) => action.startsWith('xray:'))).toBe(true);
        }
      }
    }
  });

  it('scopes every S3 object resource to a key prefix', () => {
    const s3Resources = Object.values(FUNCTIONS).flatMap(({ id }) =>
      statementsOf(id)
        .filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')))
        .flatMap(resourcesOf),
    );
    const allowed = [
      arnOf(bucketId),
      ...Object.values(PREFIXES).map(objectsArn),
      objectsLikeArn(objectKeys.referenceReports),
      objectsLikeArn(passKeys.issuedIdsReports),
    ];
    for (const s3Resource of s3Resources) expect(allowed).toContainEqual(s3Resource);
    expect(s3Resources).not.toContainEqual({ 'Fn::Join': ['', [arnOf(bucketId), '/*']] });
  });

  it('acknowledges each wildcard finding one by one, with a reason', () => {
    const acknowledged = Object.values(resources).flatMap(
      (found) => found.Metadata?.cdk_nag?.rules_to_suppress ?? [],
    );
    expect(acknowledged.length).toBeGreaterThan(0);
    // (the citizen routes' AwsSolutions-APIG4 are tested with the HTTP API, test/infra/http-api.test.ts; the
    // person-key secret's AwsSolutions-SMG4 with the secret, test/infra/production.test.ts)
    const tested = ['AwsSolutions-APIG4', 'AwsSolutions-SMG4'];
    for (const { id, reason } of acknowledged.filter(({ id }) => !tested.includes(id))) {
      expect(id).toMatch(/^AwsSolutions-IAM[45]\[.+\]$/);
      expect(reason.length).toBeGreaterThan(20);
    }
  });
});

describe('uploads', () => {
  it('notify the intake queue of objects created under incoming/, finalize of reference uploads (.csv only)', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucketId },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: PREFIXES.incoming }] } },
            QueueArn: arnOf(queueId('intake')),
          },
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: {
              Key: {
                FilterRules: [
                  { Name: 'suffix', Value: REFERENCE_UPLOAD_SUFFIX },
                  { Name: 'prefix', Value: PREFIXES.referencePopulation },
                ],
              },
            },
            QueueArn: arnOf(queueId('finalize')),
          },
        ],
      },
    });
    // the report beside a reference upload is no .csv: its own write starts nothing
    expect(objectKeys.referenceReport('x').endsWith(REFERENCE_UPLOAD_SUFFIX)).toBe(false);
  });

  it.each(['intake', 'finalize'] as const)(
    'may be sent to the %s queue by S3 for the batches bucket only',
    (queue) => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Action: Match.arrayWith(['sqs:SendMessage']),
              Condition: { ArnLike: { 'aws:SourceArn': arnOf(bucketId) } },
            }),
          ]),
        },
      });
    },
  );

  it('expire work files, uploads and reports after the stage’s days, and their old versions a day later', () => {
    const { retention } = stack.config;
    expect(resource(bucketId).Properties.LifecycleConfiguration).toMatchObject({
      Rules: expect.arrayContaining(
        (
          [
            [PREFIXES.work, retention.workDays],
            [PREFIXES.incoming, retention.uploadsDays],
            [PREFIXES.reports, retention.reportsDays],
          ] as const
        ).map(([prefix, days]) =>
          expect.objectContaining({
            Prefix: prefix,
            ExpirationInDays: days,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
            Status: 'Enabled',
          }),
        ),
      ),
    });
  });
});

describe('tables', () => {
  it.each(Object.values(TABLES))(
    '$id has string keys pk/sk, on demand, PITR and its data class’s key',
    ({ id }) => {
      expect(resource(idOf(stack.tables.tables[id])).Properties).toMatchObject({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: expect.arrayContaining([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn(TABLE_KEYS[id]) },
      });
    },
  );

  it('lists an agency’s batches through gsi1 on gsi1pk/gsi1sk', () => {
    expect(resource(idOf(stack.tables.tables.batches)).Properties).toMatchObject({
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      AttributeDefinitions: expect.arrayContaining([
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
    });
    expect(resource(idOf(stack.tables.tables.register)).Properties.GlobalSecondaryIndexes).toBeUndefined();
  });
});

describe('outputs', () => {
  it('name every queue, dead-letter queue, table and function', () => {
    for (const { id } of Object.values(QUEUES)) {
      template.hasOutput(`${pascalCase(id)}QueueUrl`, { Value: { Ref: queueId(id) } });
      template.hasOutput(`${pascalCase(id)}DeadLetterQueueUrl`, { Value: { Ref: deadLetterId(id) } });
      template.hasOutput(`${pascalCase(id)}DeadLetterQueueArn`, { Value: arnOf(deadLetterId(id)) });
    }
    for (const { id } of Object.values(TABLES)) {
      template.hasOutput(`${pascalCase(id)}TableName`, { Value: { Ref: idOf(stack.tables.tables[id]) } });
    }
    for (const { id } of Object.values(FUNCTIONS)) {
      template.hasOutput(`${pascalCase(id)}FunctionName`, { Value: { Ref: functionId(id) } });
    }
  });
});
