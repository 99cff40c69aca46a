// `npm run link-pass -- [--segments 16] [--partitions 16] [--no-wait] [--aws]`: starts a link pass over the register
// (docs/linkage.md, "The link pass") and waits for it, then prints what it did: persons read, candidates found,
// merged, put on the review lists. Locally it needs `npm start` running; with --aws the stack outputs in the
// environment (DANCU_QUEUE_LINK_PASS, DANCU_TABLE_BATCHES).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDBClient, type DynamoDBClientConfig, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { passSummary } from '../shared/ingest/link-pass.ts';
import { batchKeys } from '../shared/keys.ts';
import type { LinkPass } from '../shared/model/link-pass.ts';
import { resolveTarget } from './target.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      segments: { type: 'string' },
      partitions: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      aws: { type: 'boolean', default: false },
    },
  });
  const target = resolveTarget({ aws: values.aws, bucket: values.aws ? 'n/a' : undefined });
  const queue = target.queues.linkPass;
  const table = target.tables.batches;
  if (!queue || !table) {
    console.error(
      'no link-pass queue URL or batches table name (DANCU_QUEUE_LINK_PASS, DANCU_TABLE_BATCHES)',
    );
    return 64;
  }
  const passId = `pass-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const sizes = {
    ...(values.segments ? { segments: Number(values.segments) } : {}),
    ...(values.partitions ? { partitions: Number(values.partitions) } : {}),
  };
  const sqs = new SQSClient(target.sqs as SQSClientConfig);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queue,
      MessageBody: JSON.stringify({ kind: 'link-start', passId, ...sizes }),
    }),
  );
  console.log(`link pass ${passId} started`);
  if (values['no-wait']) return 0;
  const dynamodb = new DynamoDBClient(target.dynamodb as DynamoDBClientConfig);
  for (let shown = ''; ; await new Promise((resolve) => setTimeout(resolve, 1000))) {
    const { Item } = await dynamodb.send(
      new GetItemCommand({
        TableName: table,
        Key: marshall(batchKeys.linkPass(passId)),
        ConsistentRead: true,
      }),
    );
    if (!Item) continue;
    const pass = unmarshall(Item) as LinkPass;
    const summary = passSummary({ ...pass, started: [] });
    const line = JSON.stringify(summary);
    if (line !== shown) console.log(line);
    shown = line;
    if (pass.status === 'done') return 0;
  }
}

process.exitCode = await main();
