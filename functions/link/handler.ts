// Link-pass queue → one step of a link pass over the register (shared/ingest/link-pass.ts): start, scan a
// segment, group a partition, or decide a partition. Started by the stage's schedule or by an operator's message.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { env } from '../../shared/aws/clients.ts';
import {
  type LinkPassDeps,
  LinkPassMessage,
  passSummary,
  runPassStep,
} from '../../shared/ingest/link-pass.ts';
import { QUEUES } from '../../shared/resources.ts';
import { RegisterScan } from '../../shared/store/register-scan.ts';
import { observed, recordDeadLetter, recordLinkPassFinished } from '../commons/observability.ts';
import { files, linkPasses, logger, receiveCount, send } from '../commons/pipeline.ts';

const processor = new BatchProcessor(EventType.SQS);
const deps: LinkPassDeps = {
  passes: linkPasses(),
  register: new RegisterScan(env('REGISTER_TABLE')),
  files: files(),
  segments: Number(process.env.LINK_SEGMENTS ?? 4),
  partitions: Number(process.env.LINK_PARTITIONS ?? 4),
  send: (messages) => send('linkPass', messages),
};

async function handleRecord(record: SQSRecord): Promise<void> {
  const message = LinkPassMessage.parse(JSON.parse(record.body));
  const passId = message.passId ?? `pass-${record.messageId}`;
  logger.setCorrelationId(passId);
  const step = 'segment' in message ? message.segment : 'partition' in message ? message.partition : 0;
  try {
    const result = await runPassStep({ ...message, passId } as LinkPassMessage, deps);
    if (result === 'busy') {
      logger.warn('link pass not started: another pass runs', { passId });
      return;
    }
    logger.info('link pass step', { passId, kind: message.kind, step });
    if (result === 'finished') {
      // counts only, no person: what the pass read, merged and listed (best-effort, as a batch's metrics)
      const pass = await deps.passes.get(passId).catch(() => undefined);
      if (pass) {
        const summary = passSummary(pass);
        logger.info('link pass finished', summary);
        recordLinkPassFinished(summary);
      }
    }
  } catch (error) {
    const attempt = receiveCount(record);
    logger.error('link pass step failed', {
      passId,
      kind: message.kind,
      step,
      attempt,
      error: (error as Error).name,
    });
    if (attempt >= QUEUES.linkPass.maxReceiveCount) recordDeadLetter('linkPass');
    throw error;
  }
}

export const handler = observed(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false }),
);
