// `npm run redrive -- [--queue intake|records|finalize] [--aws]`: moves the messages of the dead-letter
// queues back to their source queues once the cause of the failures is fixed. A batch marked failed by a
// poison chunk, or by the dead-letter watch after a timeout, finishes (and its report is rewritten) when the
// redriven message succeeds.
import { parseArgs } from 'node:util';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { QUEUES, type QueueId } from '../shared/resources.ts';
import { redriveQueue } from './dead-letters.ts';
import { resolveTarget } from './target.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { queue: { type: 'string' }, aws: { type: 'boolean', default: false } },
  });
  const target = resolveTarget({ aws: values.aws, bucket: values.aws ? 'n/a' : undefined });
  const sqs = new SQSClient(target.sqs as SQSClientConfig);
  // in AWS a re-sent event carries the operator's SenderId, which the status function refuses (it accepts an event
  // only from a sender of its agency): a procedure event's dead letters are sent again by their sender
  const ids = (values.queue ? [values.queue] : Object.keys(QUEUES)).filter(
    (id) => !(values.aws && id === 'procedureEvents' && !values.queue),
  ) as QueueId[];
  if (values.aws && values.queue === 'procedureEvents') {
    console.error(
      'procedure events are not redriven in AWS: re-sent by an operator, an event would carry the operator’s SenderId and be refused again (PROCEDURE_EVENT_SENDER_FORBIDDEN). Ask its sender to send it again (same sequence: applied once). docs/procedures.md, "Malformed events"',
    );
    return 64;
  }
  for (const id of ids) {
    const source = target.queues[id];
    const dlq = target.queues[`${id}Dlq`]; // as local.json names them; in AWS from DANCU_QUEUE_RECORDS_DLQ and the like
    if (!source || !dlq) {
      console.error(`no queue URLs for ${id} and its dead-letter queue`);
      return 64;
    }
    const moved = await redriveQueue(sqs, dlq, source);
    console.log(`${id}: ${moved} message(s) moved from the dead-letter queue back to the queue`);
  }
  return 0;
}

process.exitCode = await main();
