// Procedure-events queue → status: each message is one event of one application (docs/procedures.md, "Events").
// A malformed event fails its record alone (partial batch response) with a coded reason in the log: SQS tries it
// maxReceiveCount times, then moves it to the dead-letter queue; nothing of it is ever written. So does an event
// its sender may not send for its agency, with a sequence out of bounds or a note that may not be shown.
import type { SQSRecord } from 'aws-lambda';
import { env } from '../../shared/aws/env.ts';
import { type ApplicationEvents, applyProcedureEvent } from '../../shared/procedures/apply-event.ts';
import { ProcedureEventError } from '../../shared/procedures/errors.ts';
import { admitProcedureEvent } from '../../shared/procedures/event-intake.ts';
import { type EventSenders, parseEventSenders } from '../../shared/procedures/event-sender.ts';
import { applications, logger } from '../commons/procedures.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

/** What the log says of a delivery: the message and how often it came. */
const deliveryOf = (record: SQSRecord) => ({
  messageId: record.messageId,
  receiveCount: record.attributes.ApproximateReceiveCount,
});

/** What applying an event reads and writes: the application's events and its state. */
export interface StatusDeps {
  applications: ApplicationEvents;
  /** who may send for which agency (EVENT_SENDERS), read on first use: a missing one fails every event */
  senders: () => EventSenders;
  now?: () => Date;
}

export function statusHandler(deps: StatusDeps) {
  async function applyEvent(record: SQSRecord): Promise<void> {
    const delivery = deliveryOf(record);
    const event = admitProcedureEvent(record.body, record.attributes.SenderId, {
      senders: deps.senders(),
      now: deps.now ?? (() => new Date()),
    });
    const applied = await applyProcedureEvent(event, deps.applications);
    // the application code and sequence identify the event; the applicant is never logged
    if (applied.sequenceReused) logger.warn('PROCEDURE_EVENT_SEQUENCE_REUSED', { ...applied, ...delivery });
    else if (!applied.added) logger.info('PROCEDURE_EVENT_REPEAT', { ...applied, ...delivery });
    else logger.debug('procedure event applied', { ...applied, ...delivery });
  }

  return queueConsumer({
    queue: 'procedureEvents',
    // the body is parsed in handle: a malformed event is a failure logged with its code, and a dead letter at last
    parse: (record) => record,
    handle: applyEvent,
    failure: (record, error) => {
      if (error instanceof ProcedureEventError) {
        // the sender's IAM id tells an operator whose event it was; the body (note, applicant) is never logged
        logger.warn(error.code, {
          ...deliveryOf(record),
          senderId: record.attributes.SenderId,
          issues: error.issues,
        });
      } else {
        logger.error('procedure event failed', { ...deliveryOf(record), error: (error as Error).name });
      }
    },
  });
}

let senders: EventSenders | undefined;
export const handler = statusHandler({
  applications: applications(),
  senders: () => {
    senders ??= parseEventSenders(env('EVENT_SENDERS'));
    return senders;
  },
});
