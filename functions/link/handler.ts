// Link-pass queue → one step of a link pass over the register (shared/ingest/link-pass.ts): start, scan a
// segment, group a partition, decide a partition, and where the stage issues numbers, issue for a segment and report.
// Started by the stage's schedule or by an operator's message.

import { env } from '../../shared/aws/clients.ts';
import { createAllocator, heldInRegister } from '../../shared/ids/allocator.ts';
import {
  type LinkPassDeps,
  LinkPassMessage,
  passSummary,
  runPassStep,
} from '../../shared/ingest/link-pass.ts';
import type { IssuanceDeps } from '../../shared/ingest/link-pass-issue.ts';
import { IdStore } from '../../shared/store/id-store.ts';
import { IssuedBatches } from '../../shared/store/issued-batches.ts';
import { recordIdPrefixFull, recordLinkPassFinished } from '../commons/observability.ts';
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

/** The link pass's issuance (issue 20): dancu's allocator on the ids table, and the batches its reports go beside. */
function issuanceDeps(deps: ReturnType<typeof linkPassDeps>): IssuanceDeps {
  const ids = new IdStore(env('IDS_TABLE'));
  // the pass's keyer: one load of the person-key secret per container
  const { keyer } = deps;
  return {
    allocator: createAllocator({
      counters: ids,
      issued: ids,
      // a number the register holds already (issued before dancu, by another authority) is skipped
      held: heldInRegister(deps.register, keyer),
      issuedBy: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'dancu-link',
      spaceLimit: Number(process.env.ID_SPACE_LIMIT) || undefined,
    }),
    issued: ids,
    keyer,
    batches: new IssuedBatches(env('BATCHES_TABLE')),
    onFull: recordIdPrefixFull,
  };
}

const deps = linkPassDeps();
// the stage's `issueIds`: the passes this function starts issue numbers after they decide
export const handler = linkHandler(
  process.env.ISSUE_IDS === 'on' ? { ...deps, issuance: issuanceDeps(deps) } : deps,
);
