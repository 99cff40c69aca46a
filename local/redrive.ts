// `npm run redrive -- [--queue intake|records|finalize] [--aws]`: moves the messages of the dead-letter
// queues back to their source queues once the cause of the failures is fixed. A batch marked failed by a
// poison chunk finishes (and its report is rewritten) when the redriven chunk succeeds.
import { parseArgs } from 'node:util';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import { QUEUES, type QueueId } from '../infra/resources.ts';
import { resolveTarget } from './target.ts';

async function redrive(sqs: SQSClient, from: string, to: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: from,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
      }),
    );
    if (Messages.length === 0) return moved;
    const entries = Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' }));
    const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: to, Entries: entries }));
    const sent = Messages.filter((_, i) => !Failed.some((f) => f.Id === String(i)));
    if (sent.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: from,
          Entries: sent.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    moved += sent.length;
    if (Failed.length > 0)
      throw new Error(`${Failed.length} messages could not be sent back: ${Failed[0]?.Code}`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { queue: { type: 'string' }, aws: { type: 'boolean', default: false } },
  });
  const target = resolveTarget({ aws: values.aws, bucket: values.aws ? 'n/a' : undefined });
  const sqs = new SQSClient(target.sqs as SQSClientConfig);
  const ids = (values.queue ? [values.queue] : Object.keys(QUEUES)) as QueueId[];
  for (const id of ids) {
    const source = target.queues[id];
    const dlq = target.queues[`${id}Dlq`] ?? target.queues[`${id}-dlq`];
    if (!source || !dlq) {
      console.error(`no queue URLs for ${id} and its dead-letter queue`);
      return 64;
    }
    const moved = await redrive(sqs, dlq, source);
    console.log(`${id}: ${moved} message(s) moved from the dead-letter queue back to the queue`);
  }
  return 0;
}

process.exitCode = await main();
