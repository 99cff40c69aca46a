// Link-pass queue → one step of a link pass over the register (shared/ingest/link-pass.ts): start, scan a
// segment, group a partition, or decide a partition. Started by the stage's schedule or by an operator's message.
import {
  type LinkPassDeps,
  LinkPassMessage,
  passSummary,
  runPassStep,
} from '../../shared/ingest/link-pass.ts';
import { recordLinkPassFinished } from '../commons/observability.ts';
import { linkPassDeps, logger } from '../commons/pipeline.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

/** A step of a pass: a start message without a pass id is named by its message id. */
type PassStep = LinkPassMessage & { passId: string };

const stepOf = (message: PassStep) =>
  'segment' in message ? message.segment : 'partition' in message ? message.partition : 0;

export function linkHandler(deps: LinkPassDeps) {
  async function runStep(message: PassStep): Promise<void> {
    const { passId } = message;
    const result = await runPassStep(message, deps);
    if (result === 'busy') {
      logger.warn('link pass not started: another pass runs', { passId });
      return;
    }
    logger.info('link pass step', { passId, kind: message.kind, step: stepOf(message) });
    if (result === 'finished') {
      // counts only, no person: what the pass read, merged and listed (best-effort, as a batch's metrics)
      const pass = await deps.passes.get(passId).catch(() => undefined);
      if (pass) {
        const summary = passSummary(pass);
        logger.info('link pass finished', summary);
        recordLinkPassFinished(summary);
      }
    }
  }

  return queueConsumer({
    queue: 'linkPass',
    parse: (record): PassStep => {
      const message = LinkPassMessage.parse(JSON.parse(record.body));
      return { ...message, passId: message.passId ?? `pass-${record.messageId}` } as PassStep;
    },
    correlationId: (message) => message.passId,
    handle: runStep,
    failure: {
      line: 'link pass step failed',
      fields: (message) => ({ passId: message.passId, kind: message.kind, step: stepOf(message) }),
    },
  });
}

export const handler = linkHandler(linkPassDeps());
