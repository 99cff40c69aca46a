// The production SDK clients (shared/aws/clients.ts), configured only by the environment the local stack gives,
// reach all three emulators: a split-like function reads the upload, writes DynamoDB and sends to the records
// queue by its URL; a register-like function receives that. (This file sets process.env for its worker.)
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, expect, it } from 'vitest';
import { createLocalClients } from '../../../local/runtime/clients.ts';
import { type LocalStack, startLocalStack } from '../../../local/runtime/stack.ts';
import { FREE_PORTS, recordingLogger, temporaryDir, waitFor } from './helpers.ts';

let stack: LocalStack | undefined;

afterAll(async () => {
  await stack?.stop();
});

it('runs functions whose clients are configured only by the local environment', async () => {
  const registered: SQSEvent[] = [];
  const log = recordingLogger();
  stack = await startLocalStack({
    dir: await temporaryDir(),
    ports: FREE_PORTS,
    log,
    handlers: async (env) => {
      Object.assign(process.env, env);
      const { s3, dynamodb, env: required } = await import('../../../shared/aws/clients.ts');
      const { sqs } = await import('../../../shared/aws/sqs.ts');
      const { GetObjectCommand } = await import('@aws-sdk/client-s3');
      const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
      const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
      return {
        split: async (event) => {
          for (const message of event.Records) {
            const [record] = JSON.parse(message.body).Records;
            const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
            const object = await s3.send(
              new GetObjectCommand({ Bucket: required('BATCHES_BUCKET'), Key: key }),
            );
            const content = (await object.Body?.transformToString()) ?? '';
            await dynamodb.send(
              new PutItemCommand({
                TableName: required('BATCHES_TABLE'),
                Item: { pk: { S: `batch#${key}` }, sk: { S: 'meta' }, bytes: { N: String(content.length) } },
              }),
            );
            await sqs.send(
              new SendMessageCommand({
                QueueUrl: required('RECORDS_QUEUE_URL'),
                MessageBody: JSON.stringify({ key, content }),
              }),
            );
          }
        },
        register: async (event) => void registered.push(event),
      };
    },
  });

  const clients = createLocalClients(stack.endpoints);
  const key = 'incoming/CAT-GIALAI/đợt 1.csv';
  await clients.s3.send(
    new PutObjectCommand({
      Bucket: stack.names.buckets.batches,
      Key: key,
      Body: 'full_name\nNguyễn Văn An\n',
    }),
  );
  clients.destroy();

  const event = await waitFor(() => registered[0], 8000, 'the register invocation');
  expect(JSON.parse(event.Records[0]?.body ?? '')).toEqual({ key, content: 'full_name\nNguyễn Văn An\n' });
  expect(event.Records[0]?.eventSourceARN).toBe(stack.names.queues.records.arn);
  expect(log.lines.filter((line) => line.includes('✗'))).toEqual([]);
  expect(log.lines.join('\n')).not.toContain('Nguyễn');
});
