// The production-grade parts of the stack (issue 6): the data key, exact per-function access, agency roles,
// alarms and the dashboard, for the dev and prod stages of infra/stages.ts.
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS, CDK_APP_MODE_CONTEXT } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ACCESS } from '../../infra/access.ts';
import { pascalCase } from '../../infra/constructs/from-spec.ts';
import { DancuStack } from '../../infra/dancu-stack.ts';
import { applyNagChecks } from '../../infra/nag.ts';
import { parseStage, stageConfig, stageInput } from '../../infra/stages.ts';
import { DancuWafStack } from '../../infra/waf-stack.ts';
import { PREFIXES } from '../../shared/keys.ts';
import {
  FUNCTIONS,
  functionEnvironment,
  HTTP_FUNCTIONS,
  QUEUES,
  type SecretId,
} from '../../shared/resources.ts';

function synth(stage: 'dev' | 'prod') {
  // not bundled (test/infra/ingestion.test.ts bundles once); cdk-nag runs as in `cdk synth`
  const app = new App({ context: { [CDK_APP_MODE_CONTEXT]: 'inmemory', [BUNDLING_STACKS]: [] } });
  const stack = new DancuStack(app, `Dancu-${stage}`, { stage });
  applyNagChecks(app);
  return { stack, template: Template.fromStack(stack) };
}

const { stack, template } = synth('dev');
const prod = synth('prod');
const idOf = (construct: IConstruct, of = stack) =>
  Stack.of(of).getLogicalId(construct.node.defaultChild as CfnElement);
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const bucketId = idOf(stack.storage.batchesBucket);
/** Each secret a function may read, by the `Ref` (its ARN) the template names it by. */
const secretRefs: Record<SecretId, { Ref: string }> = {
  personKey: { Ref: idOf(stack.personKeySecret.secret) },
};
const personKeyArn = arnOf(idOf(stack.personKeySecret.key));
/** The functions that compute person keys (issue 16): they alone may read the secret. */
// the register alone seals person keys (shared/ingest/register.ts)
/** the functions that seal person keys: the register (every valid row), finalize (a rejected row's ID, issue 18), the
 * link pass (an ID's variant keys, issue 22) and births (the child's and the parents' keys, issue 20) */
const KEYING_FUNCTIONS = ['register', 'finalize', 'link', 'births'];

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
const actionsOf = (s: Statement) => [s.Action].flat();

function statementsOfRole(roleId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
function functionOf(id: keyof typeof ACCESS) {
  return id in FUNCTIONS
    ? stack.ingestion.functions[id as keyof typeof FUNCTIONS]
    : stack.httpFunctions[id as keyof typeof HTTP_FUNCTIONS];
}
function roleIdOf(id: keyof typeof ACCESS): string {
  return stack.getLogicalId(functionOf(id).function.role?.node.defaultChild as CfnElement);
}
function statementsOfFunction(id: keyof typeof ACCESS): Statement[] {
  return statementsOfRole(roleIdOf(id));
}
/** The roles (by logical id) of every policy of the stack, inline or managed, with a statement that `matches`. */
function rolesAllowed(matches: (statement: Statement) => boolean): string[] {
  const policies = Object.values({
    ...template.findResources('AWS::IAM::Policy'),
    ...template.findResources('AWS::IAM::ManagedPolicy'),
  });
  const roles = policies
    .filter((p) => (p.Properties.PolicyDocument.Statement as Statement[]).some(matches))
    .flatMap((p) => ((p.Properties.Roles ?? []) as { Ref: string }[]).map((r) => r.Ref));
  return [...new Set(roles)].sort();
}
const names = (statement: Statement, resource: unknown) =>
  [statement.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(resource));

describe('a key per data class (issue 24)', () => {
  const keyIds = {
    register: idOf(stack.keys.register),
    applications: idOf(stack.keys.applications),
    uploads: idOf(stack.keys.uploads),
  };
  const tableKeys = {
    batches: 'uploads',
    agencies: 'uploads',
    register: 'register',
    applications: 'applications',
    ids: 'register',
  } as const;
  /** The roles (by logical id) a key's policy names. */
  function keyUsers(keyId: string): string[] {
    const statements = template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement as {
      Principal: { AWS?: unknown };
    }[];
    return statements
      .flatMap((s) => [s.Principal.AWS].flat())
      .flatMap((p) =>
        (p as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']
          ? [(p as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]]
          : [],
      )
      .sort();
  }
  /** The functions of infra/access.ts that reach a data class: its table, or the bucket and queues of uploads. */
  function usersOf(dataClass: keyof typeof keyIds): string[] {
    const ids = (Object.keys(ACCESS) as (keyof typeof ACCESS)[]).filter((id) => {
      const access = ACCESS[id];
      const tables = (Object.keys(access.tables) as (keyof typeof tableKeys)[]).map((t) => tableKeys[t]);
      const objects = access.readsObjects.length + access.writesObjects.length > 0 ? ['uploads'] : [];
      const queues = access.sendsTo.map((q) => (q === 'procedureEvents' ? 'applications' : 'uploads'));
      return [...tables, ...objects, ...queues].includes(dataClass);
    });
    return [...new Set(ids.map(roleIdOf))].sort();
  }

  it('three customer managed keys with yearly rotation, retained in prod, each with its alias', () => {
    template.resourcePropertiesCountIs(
      'AWS::KMS::Key',
      { EnableKeyRotation: true, RotationPeriodInDays: 365 },
      4,
    );
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    expect(Object.values(prod.template.findResources('AWS::KMS::Key')).map((k) => k.DeletionPolicy)).toEqual([
      'Retain',
      'Retain',
      'Retain',
      'Retain',
    ]);
    for (const dataClass of Object.keys(keyIds)) {
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/dancu-dev/data/${dataClass}` });
    }
  });

  it('encrypts each table with its class’s key, and every queue but the two queues of S3 events', () => {
    for (const [id, dataClass] of Object.entries(tableKeys)) {
      const table = template.toJSON().Resources[idOf(stack.tables.tables[id as keyof typeof tableKeys])];
      expect(table.Properties.SSESpecification).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: arnOf(keyIds[dataClass]),
      });
    }
    for (const { id } of Object.values(QUEUES)) {
      const { queue, deadLetterQueue } = stack.ingestion.queues[id];
      for (const q of [queue, deadLetterQueue]) {
        const properties = template.toJSON().Resources[idOf(q)].Properties;
        if (id === 'intake' || id === 'finalize' || id === 'watch')
          expect(properties.SqsManagedSseEnabled).toBe(true);
        else
          expect(properties.KmsMasterKeyId).toEqual(
            arnOf(
              id === 'procedureEvents'
                ? keyIds.applications
                : id === 'births'
                  ? keyIds.register
                  : keyIds.uploads,
            ),
          );
      }
    }
  });

  it.each(Object.keys(keyIds) as (keyof typeof keyIds)[])(
    'the %s key’s policy names exactly the roles of the functions that reach its data',
    (dataClass) => {
      expect(keyUsers(keyIds[dataClass])).toEqual(usersOf(dataClass));
    },
  );

  it('keeps the citizens’ lookup role off the register’s and the uploads’ keys, in key and IAM policies', () => {
    const lookup = roleIdOf('lookup');
    expect(keyUsers(keyIds.register)).not.toContain(lookup);
    expect(keyUsers(keyIds.uploads)).not.toContain(lookup);
    expect(keyUsers(keyIds.applications)).toContain(lookup);
    expect(rolesAllowed((s) => names(s, arnOf(keyIds.register)))).not.toContain(lookup);
    expect(rolesAllowed((s) => names(s, arnOf(keyIds.uploads)))).not.toContain(lookup);
  });

  it('lets a role use a key only through the services it reaches the data by, without wildcard actions', () => {
    const statement = (keyId: string, roleId: string) =>
      (
        template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement as (Statement & {
          Principal: unknown;
        })[]
      ).find((s) => JSON.stringify(s.Principal).includes(`"${roleId}"`));
    const viaService = (...services: string[]) => ({
      StringEquals: {
        'kms:ViaService': services.map((service) => ({
          'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']],
        })),
      },
    });
    // the lookup reads the applications table: decrypt only, through DynamoDB
    expect(statement(keyIds.applications, roleIdOf('lookup'))).toMatchObject({
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: viaService('dynamodb'),
    });
    // the split writes objects, its batch and messages: a data key too, through DynamoDB, S3 and SQS
    expect(statement(keyIds.uploads, roleIdOf('split'))).toMatchObject({
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Condition: viaService('dynamodb', 's3', 'sqs'),
    });
    // the watch writes a failed batch and its report, and reads the records' dead-letter queue (under this key)
    // through SQS: without that, its read of that queue is refused
    expect(statement(keyIds.uploads, roleIdOf('watch'))).toMatchObject({
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Condition: viaService('dynamodb', 's3', 'sqs'),
    });
  });

  it('lets CloudWatch (the alarm topic) and EventBridge (the link pass’s schedule) use the uploads key, and no service any other data key', () => {
    const services = (keyId: string, t = template) =>
      (
        (t.toJSON().Resources[keyId].Properties.KeyPolicy.Statement ?? []) as {
          Principal: { Service?: string };
        }[]
      )
        .flatMap((s) => (s.Principal.Service ? [s.Principal.Service] : []))
        .sort();
    // the dead-letter watch's schedule sends to the watch queue, under SSE-SQS (its sweeps carry nothing): no key for
    // EventBridge in dev; prod's link-pass schedule sends to the link-pass queue, under the uploads key
    expect(services(keyIds.uploads)).toEqual(['cloudwatch.amazonaws.com']);
    expect(services(idOf(prod.stack.keys.uploads, prod.stack), prod.template)).toEqual([
      'cloudwatch.amazonaws.com',
      'events.amazonaws.com',
    ]);
    expect(services(keyIds.register)).toEqual([]);
    expect(services(keyIds.applications)).toEqual([]);
  });
});

describe('retention (storage limitation, issue 24)', () => {
  it.each([
    ['dev', stack, template],
    ['prod', prod.stack, prod.template],
  ] as const)('%s: expires uploads, reports and work files after the stage’s days', (_stage, of, t) => {
    const { retention } = of.config;
    const bucket = t.toJSON().Resources[idOf(of.storage.batchesBucket, of)];
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
    const byPrefix = Object.fromEntries(
      rules.filter((r) => r.Prefix).map((r) => [r.Prefix, r.ExpirationInDays]),
    );
    expect(byPrefix).toEqual({
      [PREFIXES.incoming]: retention.uploadsDays,
      [PREFIXES.reports]: retention.reportsDays,
      [PREFIXES.work]: retention.workDays,
    });
    expect(rules.find((r) => !r.Prefix)).toMatchObject({
      NoncurrentVersionExpiration: { NoncurrentDays: retention.noncurrentVersionDays },
    });
  });

  it('turns on TTL on expiresAt of the applications, the batches (rejected forms) and the history tables, not the register', () => {
    const ttl = (id: 'batches' | 'register' | 'applications' | 'history') =>
      template.toJSON().Resources[idOf(stack.tables.tables[id])].Properties.TimeToLiveSpecification;
    expect(ttl('applications')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(ttl('register')).toBeUndefined();
    expect(ttl('batches')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(ttl('history')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('tells every function that writes the history the stage’s days to keep a change, years in prod', () => {
    for (const of of [stack, prod.stack]) {
      const days = (fn: Parameters<typeof Stack.of>[0]) =>
        (
          Stack.of(of).resolve(
            (fn.node.defaultChild as CfnElement & { environment: unknown }).environment,
          ) as {
            variables: Record<string, string>;
          }
        ).variables.HISTORY_DAYS;
      for (const fn of [of.ingestion.functions.register.function, of.ingestion.functions.link.function])
        expect(days(fn)).toBe(String(of.config.retention.historyDays));
    }
    expect(prod.stack.config.retention.historyDays).toBeGreaterThanOrEqual(3650);
  });

  it('tells the status function the stage’s days for closed applications', () => {
    for (const of of [stack, prod.stack]) {
      const fn = Stack.of(of).resolve(
        (of.ingestion.functions.status.function.node.defaultChild as CfnElement & { environment: unknown })
          .environment,
      ) as { variables: Record<string, string> };
      expect(fn.variables.CLOSED_APPLICATIONS_DAYS).toBe(String(of.config.retention.closedApplicationsDays));
    }
  });
});

describe('narrower grants (issue 24)', () => {
  it('gives the internet-facing agency function only the register actions its code calls: no PutItem', () => {
    const register = arnOf(idOf(stack.tables.tables.register));
    const onRegister = statementsOfFunction('agency').filter((s) => names(s, register));
    expect(new Set(onRegister.flatMap(actionsOf))).toEqual(
      new Set(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']),
    );
  });

  it('keeps the history table append-only: PutItem alone for every function that writes it, never an update or a delete', () => {
    const history = arnOf(idOf(stack.tables.tables.history));
    for (const id of Object.keys(ACCESS) as (keyof typeof ACCESS)[]) {
      const onHistory = statementsOfFunction(id)
        .filter((s) => names(s, history))
        .flatMap(actionsOf);
      expect(onHistory).not.toContain('dynamodb:UpdateItem');
      expect(onHistory).not.toContain('dynamodb:DeleteItem');
      expect(onHistory).not.toContain('dynamodb:BatchWriteItem');
      const writes = ['register', 'link', 'agency', 'births', 'decisions'].includes(id);
      expect(onHistory.includes('dynamodb:PutItem')).toBe(writes);
    }
    // only GET /persons/{key}/history reads it
    const reads = (id: keyof typeof ACCESS) =>
      statementsOfFunction(id)
        .filter((s) => names(s, history))
        .flatMap(actionsOf)
        .filter((a) => a !== 'dynamodb:PutItem');
    expect(reads('agency')).toEqual(['dynamodb:Query']);
    expect(reads('register')).toEqual([]);
    expect(reads('link')).toEqual([]);
    expect(reads('births')).toEqual([]);
    expect(reads('decisions')).toEqual([]);
  });

  it('limits the decisions function to the correction and conflict lists’ and persons’ partitions, never a review list', () => {
    const register = arnOf(idOf(stack.tables.tables.register));
    const onRegister = statementsOfFunction('decisions').filter((s) => names(s, register));
    expect(onRegister.length).toBeGreaterThan(0);
    for (const s of onRegister)
      expect(s.Condition).toHaveProperty(['ForAllValues:StringLike', 'dynamodb:LeadingKeys']);
    const keysOf = (s: (typeof onRegister)[number]) =>
      [
        (s.Condition as Record<string, Record<string, string[]>>)['ForAllValues:StringLike']?.[
          'dynamodb:LeadingKeys'
        ] ?? [],
      ].flat();
    const keys = onRegister.flatMap(keysOf);
    expect(keys).toContain('CORRECTION#*');
    expect(keys).toContain('CONFLICT#*');
    expect(keys.some((key) => key.startsWith('REVIEW#'))).toBe(false);
    // a conflict is read and decided, never put: the register function puts it (a correction list is put to: a
    // conflict's `take` puts its corrections there)
    for (const s of onRegister.filter((s) => actionsOf(s).includes('dynamodb:PutItem')))
      expect(keysOf(s)).not.toContain('CONFLICT#*');
    // on the batches table it counts a decided conflict on a batch item, never on a coverage counter
    const batches = arnOf(idOf(stack.tables.tables.batches));
    const updates = statementsOfFunction('decisions')
      .filter((s) => names(s, batches))
      .filter((s) => actionsOf(s).includes('dynamodb:UpdateItem'));
    expect(updates.length).toBeGreaterThan(0);
    for (const s of updates) expect(keysOf(s)).toEqual(['BATCH#*']);
  });

  it('limits the agency function to the review lists’ and persons’ partitions (LeadingKeys), never blocking items', () => {
    const register = arnOf(idOf(stack.tables.tables.register));
    const onRegister = statementsOfFunction('agency').filter((s) => names(s, register));
    for (const s of onRegister)
      expect(s.Condition).toHaveProperty(['ForAllValues:StringLike', 'dynamodb:LeadingKeys']);
    const leading = (action: string) =>
      onRegister
        .filter((s) => actionsOf(s).includes(action))
        .flatMap(
          (s) =>
            (s.Condition as Record<string, Record<string, string[]>>)['ForAllValues:StringLike']?.[
              'dynamodb:LeadingKeys'
            ] ?? [],
        );
    expect(leading('dynamodb:Query')).toEqual(['REVIEW#*']);
    expect(leading('dynamodb:UpdateItem')).toEqual(['REVIEW#*', 'p*:id:*', 'p*:nk:*', 'id:*', 'nk:*']);
    // a blocking key (shared/linkage/blocking.ts: `bg:…`, `bp:…`) is like none of them
    for (const pattern of leading('dynamodb:GetItem')) expect(pattern.startsWith('b')).toBe(false);
  });

  it('lets the split list the bucket only under the prefix it reads', () => {
    const lists = statementsOfFunction('split').filter((s) => actionsOf(s).includes('s3:ListBucket'));
    expect(lists).toEqual([
      expect.objectContaining({
        Resource: arnOf(bucketId),
        Condition: { StringLike: { 's3:prefix': [`${PREFIXES.incoming}*`] } },
      }),
    ]);
  });
});

describe('point-in-time recovery and retention', () => {
  it('keeps PITR on every table, and protects and retains them in prod', () => {
    for (const t of [template, prod.template]) {
      for (const table of Object.values(t.findResources('AWS::DynamoDB::Table'))) {
        expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
          PointInTimeRecoveryEnabled: true,
        });
      }
    }
    for (const table of Object.values(prod.template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });

  it('keeps function logs and API access logs as long as the stage says', () => {
    const retentions = (t: Template) =>
      Object.values(t.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties.RetentionInDays);
    const functions = Object.keys(FUNCTIONS).length + Object.keys(HTTP_FUNCTIONS).length;
    // one access log per API: the citizens', the people's and the machines'
    expect(retentions(template).sort()).toEqual([...Array(functions).fill(14), 90, 90, 90].sort());
    expect(retentions(prod.template).sort()).toEqual([...Array(functions).fill(90), 731, 731, 731].sort());
  });

  it('keeps server access logs for the audit retention of the stage', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ Id: 'expire-access-logs', ExpirationInDays: 90 })],
      },
    });
    prod.template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ Id: 'expire-access-logs', ExpirationInDays: 731 })],
      },
    });
  });
});

describe('least privilege (infra/access.ts)', () => {
  it.each(Object.keys(ACCESS) as (keyof typeof ACCESS)[])(
    '%s has exactly its DynamoDB actions, and Scan only for the link pass',
    (id) => {
      const granted = statementsOfFunction(id)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('dynamodb:'))
        .filter((a) => !['dynamodb:DescribeStream', 'dynamodb:GetRecords'].includes(a));
      const declared = Object.values(ACCESS[id].tables).flatMap(
        (t) => t?.actions.map((a) => `dynamodb:${a}`) ?? [],
      );
      expect(new Set(granted)).toEqual(new Set(declared));
      if (id !== 'link') expect(granted).not.toContain('dynamodb:Scan');
    },
  );

  it('grants BatchWriteItem to the register function only, on the register table', () => {
    for (const id of Object.keys(ACCESS) as (keyof typeof ACCESS)[]) {
      const batchWrites = statementsOfFunction(id).filter((s) =>
        actionsOf(s).includes('dynamodb:BatchWriteItem'),
      );
      if (id !== 'register') expect(batchWrites).toEqual([]);
      else
        expect(batchWrites.flatMap((s) => [s.Resource].flat())).toEqual([
          arnOf(idOf(stack.tables.tables.register)),
        ]);
    }
  });

  it('grants Scan to the link function alone, on the register table alone', () => {
    const scans = statementsOfFunction('link').filter((s) => actionsOf(s).includes('dynamodb:Scan'));
    expect(scans.flatMap((s) => [s.Resource].flat())).toEqual([arnOf(idOf(stack.tables.tables.register))]);
  });

  /** The schedules of a template that send a message of `kind`. */
  const rulesSending = (of: Template, kind: string) =>
    Object.values(of.findResources('AWS::Events::Rule')).filter(
      (rule) => JSON.parse(rule.Properties.Targets[0].Input).kind === kind,
    );

  it('starts a link pass on the schedule of a stage that has one (prod), and none in dev', () => {
    expect(rulesSending(template, 'link-start')).toEqual([]);
    const rules = rulesSending(prod.template, 'link-start');
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.Properties;
    expect(rule.ScheduleExpression).toBe(prod.stack.config.linkPassSchedule);
    expect(rule.Targets).toHaveLength(1);
    expect(JSON.parse(rule.Targets[0].Input)).toEqual({ kind: 'link-start' });
    expect(rule.Targets[0].Arn).toEqual(arnOf(idOf(prod.stack.ingestion.queues.linkPass.queue, prod.stack)));
  });

  it.each([
    ['dev', stack, template],
    ['prod', prod.stack, prod.template],
  ] as const)('runs the dead-letter watch on its own queue on the stage’s schedule (%s)', (_stage, of, t) => {
    const rules = rulesSending(t, 'sweep-dead-letters');
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.ScheduleExpression).toBe(of.config.deadLetterWatchSchedule);
    expect(rules[0]?.Properties.Targets[0].Arn).toEqual(arnOf(idOf(of.ingestion.queues.watch.queue, of)));
  });

  it('lets the watch read the watched dead-letter queues and make messages visible again, never delete them', () => {
    const watched = ['intake', 'records', 'finalize'] as const;
    const deadLetterArns = watched.map((id) => arnOf(idOf(stack.ingestion.queues[id].deadLetterQueue)));
    const onDeadLetters = statementsOfFunction('watch').filter((s) =>
      [s.Resource]
        .flat()
        .some((r) => deadLetterArns.some((arn) => JSON.stringify(arn) === JSON.stringify(r))),
    );
    expect(new Set(onDeadLetters.flatMap(actionsOf))).toEqual(
      new Set(['sqs:ChangeMessageVisibility', 'sqs:ReceiveMessage']),
    );
    expect(onDeadLetters.flatMap((s) => [s.Resource].flat())).toEqual(expect.arrayContaining(deadLetterArns));
    const variablesOf = (id: 'watch' | 'finalize') =>
      template.toJSON().Resources[idOf(stack.ingestion.functions[id].function)].Properties.Environment
        .Variables;
    expect(variablesOf('watch').RECORDS_DEAD_LETTER_QUEUE_URL).toEqual({
      Ref: idOf(stack.ingestion.queues.records.deadLetterQueue),
    });
    // not its own queue's: a sweep that died there names no batch
    expect(variablesOf('watch')).not.toHaveProperty('WATCH_DEAD_LETTER_QUEUE_URL');
    // finalize, which the watch left, reads none of them
    const deadLetterQueues = Object.values(stack.ingestion.queues).map((q) => arnOf(idOf(q.deadLetterQueue)));
    const onAnyDeadLetters = statementsOfFunction('finalize').filter((s) =>
      [s.Resource]
        .flat()
        .some((r) => deadLetterQueues.some((arn) => JSON.stringify(arn) === JSON.stringify(r))),
    );
    expect(onAnyDeadLetters).toEqual([]);
    expect(Object.keys(variablesOf('finalize')).filter((name) => name.includes('DEAD_LETTER'))).toEqual([]);
  });

  it('names the agency function’s index (gsi1), never index/*', () => {
    const resources = JSON.stringify(statementsOfFunction('agency').map((s) => s.Resource));
    expect(resources).toContain('/index/gsi1');
    expect(resources).not.toContain('/index/*');
  });

  it.each(Object.keys(ACCESS) as (keyof typeof ACCESS)[])(
    '%s reads exactly its secrets: GetSecretValue, and Decrypt of their key through Secrets Manager',
    (id) => {
      const statements = statementsOfFunction(id);
      const declared = ACCESS[id].readsSecrets.map((secret) => secretRefs[secret]);
      const secretStatements = statements.filter((s) =>
        actionsOf(s).some((a) => a.startsWith('secretsmanager:')),
      );
      // no DescribeSecret, no ListSecretVersionIds, no wildcard (CDK's grantRead would add them)
      expect(new Set(secretStatements.flatMap(actionsOf))).toEqual(
        new Set(declared.length > 0 ? ['secretsmanager:GetSecretValue'] : []),
      );
      expect(secretStatements.flatMap((s) => [s.Resource].flat())).toEqual(declared);
      const viaSecretsManager = {
        StringEquals: {
          'kms:ViaService': {
            'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
          },
        },
      };
      expect(statements.filter((s) => names(s, personKeyArn))).toEqual(
        declared.length > 0
          ? [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: personKeyArn, Condition: viaSecretsManager }]
          : [],
      );
    },
  );

  it('lets the keying functions alone read the person-key secret, and that secret alone', () => {
    for (const id of KEYING_FUNCTIONS)
      expect(ACCESS[id as keyof typeof ACCESS].readsSecrets).toEqual(['personKey']);
    const keying = KEYING_FUNCTIONS.map((id) => roleIdOf(id as keyof typeof ACCESS)).sort();
    const secretActions = (s: Statement) => actionsOf(s).some((a) => a.startsWith('secretsmanager:'));
    expect(rolesAllowed(secretActions)).toEqual(keying);
    expect(rolesAllowed((s) => names(s, secretRefs.personKey))).toEqual(keying);
    // nothing else in the stack is read as a secret
    expect(rolesAllowed((s) => secretActions(s) && !names(s, secretRefs.personKey))).toEqual([]);
    expect(template.toJSON().Resources[idOf(stack.personKeySecret.secret)].Type).toBe(
      'AWS::SecretsManager::Secret',
    );
  });

  it('lets no other role use the person keys’ KMS key, and no service but Secrets Manager', () => {
    const keying = KEYING_FUNCTIONS.map((id) => roleIdOf(id as keyof typeof ACCESS)).sort();
    expect(rolesAllowed((s) => names(s, personKeyArn))).toEqual(keying);
    // the key policy leaves its use to IAM (the account), through Secrets Manager only; no service principal
    const key = template.toJSON().Resources[idOf(stack.personKeySecret.key)];
    const statements = key.Properties.KeyPolicy.Statement as { Principal: { Service?: string } }[];
    expect(statements.flatMap((s) => (s.Principal.Service ? [s.Principal.Service] : []))).toEqual([]);
  });

  it('grants no function a data key in its IAM policy beyond CDK’s decrypt of the queue it consumes', () => {
    for (const id of Object.keys(ACCESS) as (keyof typeof ACCESS)[]) {
      const onDataKeys = statementsOfFunction(id).filter((s) =>
        Object.values(stack.keys).some((key) => names(s, arnOf(idOf(key)))),
      );
      for (const s of onDataKeys) expect(actionsOf(s)).toEqual(['kms:Decrypt']);
    }
  });
});

describe('the person-key secret (issue 16)', () => {
  const secretOf = (t: Template, of: DancuStack) =>
    t.toJSON().Resources[
      Stack.of(of).getLogicalId(of.personKeySecret.secret.node.defaultChild as CfnElement)
    ];

  it('is encrypted with the person keys’ own KMS key, not the register data’s', () => {
    expect(secretOf(template, stack).Properties.KmsKeyId).toEqual(personKeyArn);
    for (const key of Object.values(stack.keys)) expect(personKeyArn).not.toEqual(arnOf(idOf(key)));
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/dancu-dev/person-keys' });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'dancu dev: the person-key secret',
      EnableKeyRotation: true,
    });
  });

  it('is retained in every stage: losing it unlinks every person key', () => {
    for (const [t, of] of [
      [template, stack],
      [prod.template, prod.stack],
    ] as const) {
      expect(secretOf(t, of)).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('acknowledges AwsSolutions-SMG4 (no automatic rotation): re-keying is a planned operation', () => {
    expect(secretOf(template, stack).Metadata.cdk_nag.rules_to_suppress).toEqual([
      { id: 'AwsSolutions-SMG4', reason: expect.stringContaining('npm run rekey') },
    ]);
  });

  it.each(Object.values(FUNCTIONS))(
    '$id finds it in PERSON_KEY_SECRET when it computes person keys',
    (spec) => {
      const variables =
        template.toJSON().Resources[idOf(stack.ingestion.functions[spec.id].function)].Properties.Environment
          .Variables;
      if (KEYING_FUNCTIONS.includes(spec.id)) {
        expect(functionEnvironment(spec).PERSON_KEY_SECRET).toEqual({ secret: 'personKey' });
        expect(variables.PERSON_KEY_SECRET).toEqual(secretRefs.personKey);
      } else {
        expect(variables.PERSON_KEY_SECRET).toBeUndefined();
      }
    },
  );

  it('is named to no HTTP function', () => {
    for (const { id } of Object.values(HTTP_FUNCTIONS)) {
      const fn = template.toJSON().Resources[idOf(stack.httpFunctions[id].function)];
      expect(fn.Properties.Environment.Variables.PERSON_KEY_SECRET).toBeUndefined();
    }
  });

  it('passes cdk-nag in every stage, no finding left unacknowledged', () => {
    // synth() above would have thrown on a finding (in-memory mode); a fresh synthesis must not either
    for (const stage of ['dev', 'prod'] as const) expect(() => synth(stage)).not.toThrow();
  });

  it('is an output an operator can find', () => {
    template.hasOutput('PersonKeySecretArn', {
      Value: secretRefs.personKey,
      Description: Match.stringLikeRegexp('HMAC'),
    });
  });
});

describe('who gets in: agencies as data, people with Cognito, machines with OAuth', () => {
  it('makes no role or policy per agency: no agency code anywhere in the template', () => {
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    const iam = JSON.stringify([
      ...Object.values(template.findResources('AWS::IAM::Role')),
      ...Object.values(template.findResources('AWS::IAM::Policy')),
    ]);
    expect(iam).not.toMatch(/CA-[A-Z]/);
    expect(iam).not.toMatch(/incoming\/[A-Z]/);
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(String(role.Properties.RoleName ?? '')).not.toMatch(/agency/);
    }
  });

  it('synthesises the same template byte for byte with 3 agencies and with 10,000', () => {
    const withAgencies = (count: number) => {
      const app = new App({ context: { [CDK_APP_MODE_CONTEXT]: 'inmemory', [BUNDLING_STACKS]: [] } });
      const agencies = Array.from({ length: count }, (_, i) => ({
        code: `CA-${String(i).padStart(5, '0')}`,
        name: `Công an ${i}`,
      }));
      // a stage that still lists agencies: the schema has no place for them, so they cannot reach the template
      const config = parseStage({ ...stageInput('dev'), agencies });
      const stack = new DancuStack(app, 'Dancu-dev', { stage: 'dev', config });
      return JSON.stringify(Template.fromStack(stack).toJSON());
    };
    const three = withAgencies(3);
    expect(withAgencies(10_000)).toBe(three);
    expect(three).not.toContain('CA-00001');
  });

  it('one user pool for people: MFA required (an authenticator app), no self sign-up, threat protection enforced', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'agency', Mutable: true })]),
    });
    prod.template.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
  });

  it('a group per role, and a resource server with the machines’ scopes', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['approver', 'platform', 'reviewer', 'uploader', 'viewer']);
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'dancu',
      Scopes: [Match.objectLike({ ScopeName: 'upload' }), Match.objectLike({ ScopeName: 'read' })],
    });
  });

  it('one app client in the template, the people’s: code grant with PKCE (no secret), agency not writable by it', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      PreventUserExistenceErrors: 'ENABLED',
      WriteAttributes: [],
      ReadAttributes: Match.arrayWith(['custom:agency']),
    });
  });

  it('lets the people’s pages sign in and out and come back to themselves, and tells the page where', () => {
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0]?.Properties;
    const page = (urls: unknown[]) => urls.slice(stack.config.signIn.callbackUrls.length);
    for (const urls of [client?.CallbackURLs, client?.LogoutURLs] as unknown[][]) {
      expect(urls.slice(0, stack.config.signIn.callbackUrls.length)).toEqual(
        stack.config.signIn.callbackUrls,
      );
      expect(page(urls)).toHaveLength(1);
      // the people API's own address, then the page's path
      expect(JSON.stringify(page(urls))).toContain(idOf(stack.peopleApi.api));
      expect(JSON.stringify(page(urls))).toMatch(/"\/app\/coverage"\]/);
    }
    const agency = template.toJSON().Resources[idOf(stack.httpFunctions.agency.function)];
    const variables = agency.Properties.Environment.Variables;
    expect(variables.PEOPLE_CLIENT_ID).toEqual({ Ref: idOf(stack.signIn.peopleClient) });
    expect(JSON.stringify(variables.SIGN_IN_URL)).toContain(idOf(stack.signIn.domain));
  });

  it('puts the people’s routes behind a JWT authoriser of the pool, for the people’s client alone', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      ApiId: { Ref: idOf(stack.peopleApi.api) },
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: idOf(stack.signIn.peopleClient) }],
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.amazonaws.com/',
              { Ref: idOf(stack.signIn.pool) },
            ],
          ],
        },
      },
    });
  });

  it('puts the machines’ routes behind the authoriser function, its answer cached 5 minutes per token', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      ApiId: { Ref: idOf(stack.machineApi.api) },
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
    const fn = template.toJSON().Resources[idOf(stack.httpFunctions.authorizer.function)];
    expect(fn.Properties.Environment.Variables.TOKEN_ISSUER).toBeDefined();
  });

  it('tells the split which role signs upload addresses: the agency function’s', () => {
    const split = template.toJSON().Resources[idOf(stack.ingestion.functions.split.function)];
    expect(split.Properties.Environment.Variables.UPLOAD_SIGNER).toEqual({
      'Fn::GetAtt': [roleIdOf('agency'), 'RoleId'],
    });
    expect(split.Properties.Environment.Variables.AGENCY_UPLOADERS).toBeUndefined();
  });

  it('makes each event sender a role that may only send to the procedure-events and births queues', () => {
    const queueArns = [
      arnOf(idOf(stack.ingestion.queues.procedureEvents.queue)),
      arnOf(idOf(stack.ingestion.queues.births.queue)),
    ];
    for (const sender of stack.config.eventSenders) {
      const role = stack.eventSenders.roles[sender.name] as IConstruct;
      template.hasResourceProperties('AWS::IAM::Role', { RoleName: `dancu-dev-events-${sender.name}` });
      const [policy] = Object.values(
        template.findResources('AWS::IAM::Policy', {
          Properties: { Roles: [{ Ref: idOf(role) }] },
        }),
      );
      expect(policy?.Properties.PolicyDocument.Statement).toEqual([
        expect.objectContaining({ Action: 'sqs:SendMessage', Resource: queueArns }),
        expect.objectContaining({
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: [arnOf(idOf(stack.keys.applications)), arnOf(idOf(stack.keys.register))],
        }),
      ]);
    }
  });

  it.each(['status', 'births'] as const)(
    'gives the %s function the map of role id → agency codes it checks event senders against',
    (fn) => {
      const status = template.toJSON().Resources[idOf(stack.ingestion.functions[fn].function)];
      const senders = JSON.stringify(status.Properties.Environment.Variables.EVENT_SENDERS);
      for (const sender of stack.config.eventSenders) {
        expect(senders).toContain(idOf(stack.eventSenders.roles[sender.name] as IConstruct));
        for (const code of sender.agencyCodes) expect(senders).toContain(code);
      }
      // the post office sends for the ward and the department, not only the police
      expect(stack.config.eventSenders.some((s) => s.agencyCodes.includes('000.00.12.H21'))).toBe(true);
      expect(senders).not.toContain('"*"');
    },
  );
});

describe('observability', () => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
  const byName = (name: string) => alarms.find((a) => a.Properties.AlarmName === `dancu-dev-${name}`);
  const topicRef = { Ref: idOf(stack.observability.topic) };

  it('has an encrypted alarm topic that refuses publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'dancu-dev-alarms',
      KmsMasterKeyId: arnOf(idOf(stack.keys.uploads)),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it.each(Object.keys(QUEUES))('alarms on a dead letter and on the age of the oldest message of %s', (id) => {
    const dead = byName(`${pascalCase(id)}DeadLetters`);
    expect(dead?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topicRef],
    });
    expect(byName(`${pascalCase(id)}OldestMessage`)?.Properties).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: stack.config.alarms.oldestMessageAgeSeconds,
    });
  });

  it.each([...Object.keys(FUNCTIONS), ...Object.keys(HTTP_FUNCTIONS)])(
    'alarms on errors and throttles of %s',
    (id) => {
      expect(byName(`${pascalCase(id)}Errors`)?.Properties).toMatchObject({
        MetricName: 'Errors',
        Threshold: stack.config.alarms.functionErrors,
        AlarmActions: [topicRef],
      });
      expect(byName(`${pascalCase(id)}Throttles`)?.Properties).toMatchObject({ MetricName: 'Throttles' });
    },
  );

  it.each(['Citizen', 'People', 'Machine'])(
    'alarms on the %s API’s 5xx and p99 latency with the stage’s thresholds',
    (api) => {
      expect(byName(`${api}Api5xx`)?.Properties).toMatchObject({
        MetricName: '5xx',
        Threshold: stack.config.alarms.api5xx,
      });
      expect(byName(`${api}ApiLatencyP99`)?.Properties).toMatchObject({
        MetricName: 'Latency',
        ExtendedStatistic: 'p99',
        Threshold: stack.config.alarms.apiP99LatencyMs,
      });
      const prodLatency = Object.values(prod.template.findResources('AWS::CloudWatch::Alarm')).find(
        (a) => a.Properties.AlarmName === `dancu-${api}ApiLatencyP99`,
      );
      expect(prodLatency?.Properties.Threshold).toBe(prod.stack.config.alarms.apiP99LatencyMs);
    },
  );

  it('has a dashboard with the per-agency EMF metrics', () => {
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const metric of ['RowsAccepted', 'RowsRejected', 'Conflicts', 'BatchDuration', 'DeadLetterSends']) {
      expect(body).toContain(metric);
    }
  });

  it('outputs what an operator needs: key, topic, dashboard, log groups, agency roles', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'DataKeyArn',
        'AlarmTopicArn',
        'DashboardName',
        'CitizenApiAccessLogGroupName',
        'PeopleApiAccessLogGroupName',
        'MachineApiAccessLogGroupName',
        'CitizenApiUrl',
        'PeopleApiUrl',
        'MachineApiUrl',
        ...[...Object.keys(FUNCTIONS), ...Object.keys(HTTP_FUNCTIONS)].map(
          (id) => `${pascalCase(id)}LogGroupName`,
        ),
        'UserPoolId',
        'PeopleClientId',
        'SignInUrl',
      ]),
    );
  });

  it('sets the EMF namespace, keeps events out of logs and traces with active tracing (no X-Ray SDK)', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const variables = fn.Properties.Environment?.Variables;
      if (!variables?.POWERTOOLS_SERVICE_NAME) continue; // CDK's bucket-notifications handler
      expect(variables).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'Dancu',
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
      });
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });
});

describe('citizen API edge (WAF)', () => {
  const webAclArn = 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/dancu-citizen-api/0a1b2c3d-4e5f';
  const originDomain = {
    name: 'citizen-origin.dancu.example.vn',
    certificateArn: 'arn:aws:acm:ap-southeast-1:111111111111:certificate/0a1b2c3d-4e5f-6789',
  };
  const config = stageConfig('prod');
  const withEdge = {
    ...config,
    http: { ...config.http, waf: { ...config.http.waf, webAclArn, originDomain } },
  };
  const app = new App({ context: { [CDK_APP_MODE_CONTEXT]: 'inmemory', [BUNDLING_STACKS]: [] } });
  const edged = new DancuStack(app, 'Dancu-prod', { stage: 'prod', config: withEdge });
  applyNagChecks(app);
  const t = Template.fromStack(edged);
  const edgedResources = t.toJSON().Resources;
  const edgedId = (construct: IConstruct) => idOf(construct, edged);

  it('puts CloudFront with the stage’s web ACL in front of the citizen API: HTTPS only, nothing cached', () => {
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: webAclArn,
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // CachingDisabled
        }),
        Origins: [
          Match.objectLike({
            DomainName: originDomain.name,
            CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }),
          }),
        ],
      }),
    });
    expect(Object.keys(t.toJSON().Outputs)).toEqual(
      expect.arrayContaining(['CitizenApiUrl', 'CitizenOriginTarget', 'PeopleApiUrl', 'MachineApiUrl']),
    );
  });

  it('disables the citizen API’s execute-api address and keeps the people’s and machines’ (tokens, not open)', () => {
    expect(edgedResources[edgedId(edged.citizenApi.api)].Properties.DisableExecuteApiEndpoint).toBe(true);
    expect(edgedResources[edgedId(edged.peopleApi.api)].Properties.DisableExecuteApiEndpoint).toBe(false);
    expect(edgedResources[edgedId(edged.machineApi.api)].Properties.DisableExecuteApiEndpoint).toBe(false);
    // the stage as committed disables it too, so it can never be deployed open
    expect(
      prod.template.toJSON().Resources[idOf(prod.stack.citizenApi.api, prod.stack)].Properties,
    ).toMatchObject({
      DisableExecuteApiEndpoint: true,
    });
  });

  it('reaches the citizen API at its custom domain (TLS 1.2), mapped to its $default stage alone', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: originDomain.name,
      DomainNameConfigurations: [
        Match.objectLike({
          CertificateArn: originDomain.certificateArn,
          EndpointType: 'REGIONAL',
          SecurityPolicy: 'TLS_1_2',
        }),
      ],
    });
    t.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    t.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: edgedId(edged.citizenApi.api) },
      DomainName: { Ref: edgedId(edged.edge?.domain as IConstruct) },
    });
  });

  it('sends the edge secret from CloudFront and gives the lookup the same value, to refuse requests around the WAF', () => {
    const secretRef = edgedId(edged.edge?.edgeSecret as IConstruct);
    const distribution = Object.values(t.findResources('AWS::CloudFront::Distribution'))[0];
    const [origin] = distribution?.Properties.DistributionConfig.Origins ?? [];
    const header = origin.OriginCustomHeaders.find(
      (h: { HeaderName: string }) => h.HeaderName === 'x-dancu-edge',
    );
    const lookup = edgedResources[edgedId(edged.httpFunctions.lookup.function)];
    const variable = lookup.Properties.Environment.Variables.EDGE_SECRET;
    expect(JSON.stringify(header.HeaderValue)).toContain(secretRef);
    expect(variable).toEqual(header.HeaderValue);
    // only the lookup: the agency function is not behind CloudFront
    const agency = edgedResources[edgedId(edged.httpFunctions.agency.function)];
    expect(agency.Properties.Environment.Variables.EDGE_SECRET).toBeUndefined();
    expect(
      prod.template.toJSON().Resources[idOf(prod.stack.httpFunctions.lookup.function, prod.stack)].Properties
        .Environment.Variables.EDGE_SECRET,
    ).toBeUndefined();
  });

  it('fails synthesis of Dancu-{stage} with a clear message when the WAF is on without a web ACL or origin', () => {
    const errors = (stack: Stack) => Annotations.fromStack(stack).findError('*', Match.anyValue());
    expect(errors(prod.stack).map((e) => e.entry.data)).toEqual([
      expect.stringMatching(
        /enables the WAF but names no http\.waf\.webAclArn: deploy DancuWaf-prod \(us-east-1\) first/,
      ),
    ]);
    const noOrigin = new App({ context: { [CDK_APP_MODE_CONTEXT]: 'inmemory', [BUNDLING_STACKS]: [] } });
    const withAclOnly = { ...config, http: { ...config.http, waf: { ...config.http.waf, webAclArn } } };
    const half = new DancuStack(noOrigin, 'Dancu-prod', { stage: 'prod', config: withAclOnly });
    expect(errors(half).map((e) => e.entry.data)).toEqual([expect.stringContaining('http.waf.originDomain')]);
    expect(errors(edged)).toEqual([]);
    expect(errors(stack)).toEqual([]); // dev: no WAF, nothing to name
    prod.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  it('leaves the WAF stack of the same app free of that error, so its bootstrap deploys', () => {
    const bootstrap = new App({ context: { [CDK_APP_MODE_CONTEXT]: 'inmemory', [BUNDLING_STACKS]: [] } });
    new DancuStack(bootstrap, 'Dancu-prod', { stage: 'prod' });
    const waf = new DancuWafStack(bootstrap, 'DancuWaf-prod', {
      stage: config,
      env: { region: 'us-east-1' },
    });
    expect(Annotations.fromStack(waf).findError('*', Match.anyValue())).toEqual([]);
  });

  it('DancuWafStack: a CloudFront-scope web ACL limiting each IP, and the shape of application paths', () => {
    const app = new App({ context: { [CDK_APP_MODE_CONTEXT]: 'inmemory' } });
    const waf = new DancuWafStack(app, 'DancuWaf-prod', { stage: config, env: { region: 'us-east-1' } });
    applyNagChecks(app);
    const t = Template.fromStack(waf);
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: {
              Limit: config.http.waf.requestsPer5MinutesPerIp,
              AggregateKeyType: 'IP',
              EvaluationWindowSec: 300,
            },
          },
        }),
        Match.objectLike({
          Name: 'LookupRatePerIp',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: Match.objectLike({
              Limit: config.http.waf.lookupsPer5MinutesPerIp,
              AggregateKeyType: 'IP',
              ScopeDownStatement: {
                ByteMatchStatement: Match.objectLike({
                  SearchString: '/applications/',
                  PositionalConstraint: 'STARTS_WITH',
                }),
              },
            }),
          },
        }),
        Match.objectLike({ Name: 'ApplicationCodeShape', Action: { Block: {} } }),
      ]),
    });
    t.hasOutput('WebAclArn', {});
  });
});
