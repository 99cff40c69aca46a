// What every pipeline function is wired with, made once per container from the environment: the stores,
// the queues it sends to, and one Powertools logger. Handlers only adapt events to these.

import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { env, sqs } from '../../shared/aws/clients.ts';
import { type QueueId, queueUrlVariable } from '../../shared/resources.ts';
import { BatchStore } from '../../shared/store/batch-store.ts';
import { LinkPassStore } from '../../shared/store/link-pass-store.ts';
import { RegisterStore } from '../../shared/store/register-store.ts';
import { ReportUploads } from '../../shared/store/report-upload.ts';
import { WorkFiles } from '../../shared/store/work-files.ts';

export { logger } from './logger.ts';

export const batches = () => new BatchStore(env('BATCHES_TABLE'));
export const register = () => new RegisterStore(env('REGISTER_TABLE'));
export const linkPasses = () => new LinkPassStore(env('BATCHES_TABLE'));
export const files = () => new WorkFiles(env('BATCHES_BUCKET'));
/** the bucket as finalize writes reports: only its bundle carries lib-storage */
export const reportFiles = () => new ReportUploads(env('BATCHES_BUCKET'));

/** Sends messages to a queue (its URL in the variable shared/resources.ts names), ten to a request. */
export async function send(queue: QueueId, messages: object[]): Promise<void> {
  const QueueUrl = env(queueUrlVariable(queue));
  if (messages.length === 1) {
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(messages[0]) }));
    return;
  }
  for (let i = 0; i < messages.length; i += 10) {
    const Entries = messages
      .slice(i, i + 10)
      .map((message, n) => ({ Id: String(n), MessageBody: JSON.stringify(message) }));
    const { Failed } = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
    if (Failed && Failed.length > 0)
      throw new Error(`${Failed.length} messages were not sent: ${Failed[0]?.Code}`);
  }
}
