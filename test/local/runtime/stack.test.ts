// Starting, stopping and restarting the local stack on one data directory: what persists, what is re-created,
// and what local.json tells clients.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { demoAgencies } from '../../../local/demo-agencies.ts';
import { createLocalClients } from '../../../local/runtime/clients.ts';
import { localEnvironment, startLocalStack } from '../../../local/runtime/stack.ts';
import { FUNCTIONS, functionEnvironment, QUEUES, TABLES } from '../../../shared/resources.ts';
import { FREE_PORTS, recordingLogger, temporaryDir } from './helpers.ts';

describe('local stack', () => {
  it('provisions idempotently across a restart on the same directory, keeping tables and objects', async () => {
    const dir = await temporaryDir();
    const log = recordingLogger();
    const first = await startLocalStack({ dir, ports: FREE_PORTS, handlers: {}, log });
    const bucket = first.names.buckets.batches;
    const table = first.names.tables.register;
    let clients = createLocalClients(first.endpoints);
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'incoming/CAT-A/a.csv', Body: 'x,y\n' }),
    );
    await clients.dynamodb.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'person#1' }, sk: { S: 'v1' } } }),
    );
    clients.destroy();
    await first.stop();

    const second = await startLocalStack({ dir, ports: FREE_PORTS, handlers: {}, log });
    try {
      expect(second.names.tables).toEqual(first.names.tables);
      expect(second.names.buckets).toEqual(first.names.buckets);
      clients = createLocalClients(second.endpoints);
      const object = await clients.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: 'incoming/CAT-A/a.csv' }),
      );
      expect(await object.Body?.transformToString()).toBe('x,y\n');
      const { Item } = await clients.dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: 'person#1' }, sk: { S: 'v1' } } }),
      );
      expect(Item?.sk?.S).toBe('v1');
      for (const [id, queue] of Object.entries(second.names.queues)) {
        const { Attributes } = await clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }),
        );
        const spec = QUEUES[id as keyof typeof QUEUES];
        expect(Attributes?.VisibilityTimeout).toBe(String(spec.visibilityTimeoutSeconds));
        expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
          deadLetterTargetArn: queue.deadLetter.arn,
          maxReceiveCount: spec.maxReceiveCount,
        });
      }
      clients.destroy();
    } finally {
      await second.stop();
    }
  });

  it('writes local.json, then runs onStarted', async () => {
    const dir = await temporaryDir();
    let seen: unknown;
    const stack = await startLocalStack({
      dir,
      ports: FREE_PORTS,
      handlers: {},
      log: recordingLogger(),
      onStarted: async () => {
        seen = JSON.parse(await readFile(join(dir, 'local.json'), 'utf8'));
      },
    });
    await stack.stop();
    const { intake, records, finalize, procedureEvents, linkPass, births, watch } = stack.names.queues;
    expect(seen).toEqual({
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      endpoints: { ...stack.endpoints, http: 'http://127.0.0.1:3000' },
      // the demo agencies (local/fixtures/agencies.csv), each with credentials of its own
      agencies: Object.fromEntries(
        demoAgencies().map(({ code }) => [
          code,
          { accessKeyId: `dancu-agency-${code}`, secretAccessKey: `dancu-agency-${code}` },
        ]),
      ),
      buckets: { batches: 'dancu-batches', reports: 'dancu-batches' },
      queues: {
        intake: intake.url,
        intakeDlq: intake.deadLetter.url,
        records: records.url,
        recordsDlq: records.deadLetter.url,
        finalize: finalize.url,
        finalizeDlq: finalize.deadLetter.url,
        procedureEvents: procedureEvents.url,
        procedureEventsDlq: procedureEvents.deadLetter.url,
        linkPass: linkPass.url,
        linkPassDlq: linkPass.deadLetter.url,
        births: births.url,
        birthsDlq: births.deadLetter.url,
        watch: watch.url,
        watchDlq: watch.deadLetter.url,
      },
      tables: {
        batches: 'dancu-batches',
        register: 'dancu-register',
        history: 'dancu-history',
        applications: 'dancu-applications',
        agencies: 'dancu-agencies',
        ids: 'dancu-ids',
      },
    });
    expect(intake.url).toBe(`${stack.endpoints.sqs}/000000000000/dancu-intake`);
    expect(intake.deadLetter.name).toBe('dancu-intake-dlq');
  });

  it('gives every variable a function reads a local value', async () => {
    const dir = await temporaryDir();
    const stack = await startLocalStack({ dir, ports: FREE_PORTS, handlers: {}, log: recordingLogger() });
    await stack.stop();
    const env = localEnvironment(stack.endpoints, stack.names, stack.env.PERSON_KEY_SECRET as string);
    expect(env).toMatchObject({
      AWS_REGION: 'ap-southeast-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: stack.endpoints.s3,
      AWS_ENDPOINT_URL_SQS: stack.endpoints.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: stack.endpoints.dynamodb,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      BATCHES_BUCKET: 'dancu-batches',
      BATCHES_TABLE: 'dancu-batches',
      REGISTER_TABLE: 'dancu-register',
      HISTORY_TABLE: 'dancu-history',
      HISTORY_DAYS: '3653',
      INTAKE_QUEUE_URL: stack.names.queues.intake.url,
      RECORDS_QUEUE_URL: stack.names.queues.records.url,
      FINALIZE_QUEUE_URL: stack.names.queues.finalize.url,
    });
    for (const spec of Object.values(FUNCTIONS)) {
      for (const name of Object.keys(functionEnvironment(spec))) expect(env[name]).toBeTruthy();
    }
    expect(Object.keys(stack.names.tables).sort()).toEqual(Object.keys(TABLES).sort());
    expect(stack.env).toEqual(env);
  });

  it('says which port is taken when another stack runs', async () => {
    const first = await startLocalStack({
      dir: await temporaryDir(),
      ports: FREE_PORTS,
      handlers: {},
      log: recordingLogger(),
    });
    try {
      const taken = Number(new URL(first.endpoints.s3).port);
      await expect(
        startLocalStack({
          dir: await temporaryDir(),
          ports: { ...FREE_PORTS, s3: taken },
          handlers: {},
          log: recordingLogger(),
        }),
      ).rejects.toThrow(`port ${taken} (s3) is in use`);
    } finally {
      await first.stop();
    }
  });
});
