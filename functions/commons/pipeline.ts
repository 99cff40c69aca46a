// What every pipeline function is wired with in AWS and on the local stack, made once per container from the
// environment: the stores, the queues it sends to, its settings, and one Powertools logger. Each handler module
// builds its handler from these (`registerHandler(registerDeps())`); a test hands the factory fakes instead.
// Constructors only: nothing here reaches the network before an invocation does.

import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { env } from '../../shared/aws/clients.ts';
import { personKeyerFromEnvironment } from '../../shared/aws/person-key-secret.ts';
import { sqs } from '../../shared/aws/sqs.ts';
import type { PersonKeyer } from '../../shared/domain/person-keyer.ts';
import type { LinkPassDeps } from '../../shared/ingest/link-pass.ts';
import type { RegisterDeps } from '../../shared/ingest/register.ts';
import type { SplitDeps } from '../../shared/ingest/split.ts';
import { type QueueId, queueUrlVariable } from '../../shared/queues.ts';
import { BatchStore } from '../../shared/store/batch-store.ts';
import { CorrectionListStore } from '../../shared/store/correction-lists.ts';
import { CoverageMoves } from '../../shared/store/coverage-moves.ts';
import { HistoryStore } from '../../shared/store/history-store.ts';
import { LinkPassStore } from '../../shared/store/link-pass-store.ts';
import { RegisterScan } from '../../shared/store/register-scan.ts';
import { RegisterStore } from '../../shared/store/register-store.ts';
import { WorkFiles } from '../../shared/store/work-files.ts';
import { WorklistStore } from '../../shared/store/worklist-store.ts';

export { logger } from './logger.ts';

export const batches = () => new BatchStore(env('BATCHES_TABLE'));
export const register = () => new RegisterStore(env('REGISTER_TABLE'));
export const linkPasses = () => new LinkPassStore(env('BATCHES_TABLE'));
export const files = () => new WorkFiles(env('BATCHES_BUCKET'));
/** the history table, each item kept the stage's `retention.historyDays` */
export const history = () => new HistoryStore(env('HISTORY_TABLE'), Number(env('HISTORY_DAYS')));

/**
 * Sends messages to a queue (its URL in the variable shared/resources.ts names), ten to a request, each held
 * back `delaySeconds` if given.
 */
export async function send(queue: QueueId, messages: object[], delaySeconds?: number): Promise<void> {
  const QueueUrl = env(queueUrlVariable(queue));
  if (messages.length === 1) {
    const MessageBody = JSON.stringify(messages[0]);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, DelaySeconds: delaySeconds }));
    return;
  }
  for (let i = 0; i < messages.length; i += 10) {
    const Entries = messages.slice(i, i + 10).map((message, n) => ({
      Id: String(n),
      MessageBody: JSON.stringify(message),
      DelaySeconds: delaySeconds,
    }));
    const { Failed } = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
    if (Failed && Failed.length > 0)
      throw new Error(`${Failed.length} messages were not sent: ${Failed[0]?.Code}`);
  }
}

/** The split's stores and queues. */
export function splitDeps(): Pick<
  SplitDeps,
  'batches' | 'files' | 'sendChunks' | 'sendContinue' | 'sendFinalize'
> {
  return {
    batches: batches(),
    files: files(),
    sendChunks: (messages) => send('records', messages),
    sendContinue: (batchId) => send('intake', [{ kind: 'split-continue', batchId }]),
    sendFinalize: (batchId) => send('finalize', [{ kind: 'finalize', batchId }]),
  };
}

export function registerDeps(): RegisterDeps {
  return {
    batches: batches(),
    files: files(),
    register: register(),
    history: history(),
    // the person-key secret, read by the first chunk of the container and kept
    keyer: personKeyerFromEnvironment(),
    concurrency: Number(process.env.REGISTER_CONCURRENCY ?? 16),
    // the worklists' lines of its probable duplicates, conflicts and unplaced forms, kept as long as a rejection
    worklists: {
      lines: new WorklistStore(env('BATCHES_TABLE')),
      keepDays: Number(env('KEEP_REJECTED_DAYS')),
    },
    linkage: process.env.LINKAGE !== 'off',
    // a correction batch's identity corrections, on their agency's list in the register table
    corrections: new CorrectionListStore(env('REGISTER_TABLE')),
    sendChunk: (message, delaySeconds) => send('records', [message], delaySeconds),
    sendFinalize: (batchId) => send('finalize', [{ kind: 'finalize', batchId }]),
  };
}

/** The link pass's steps; its keyer whole, which the pass's issuance seals numbers' keys with too. */
export function linkPassDeps(): LinkPassDeps & { keyer: () => Promise<PersonKeyer> } {
  return {
    passes: linkPasses(),
    register: new RegisterScan(env('REGISTER_TABLE')),
    history: history(),
    files: files(),
    // the person-key secret, read by the first scan step of the container and kept: the ID variant keys' digests
    keyer: personKeyerFromEnvironment(),
    segments: Number(process.env.LINK_SEGMENTS ?? 4),
    partitions: Number(process.env.LINK_PARTITIONS ?? 4),
    send: (messages) => send('linkPass', messages),
    // the counters a merge moves (issue 18), in the batches table
    counters: new CoverageMoves(env('BATCHES_TABLE')),
  };
}
