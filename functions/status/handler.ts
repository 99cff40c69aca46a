// Procedure-events queue → status: each message is one event of one application (docs/procedures.md, "Events").
// A malformed event fails its record alone (partial batch response) with a coded reason in the log: SQS tries it
// maxReceiveCount times, then moves it to the dead-letter queue; nothing of it is ever written.
import type { SQSRecord } from 'aws-lambda';
import {
  type ApplicationEvents,
  applyProcedureEvent,
  parseProcedureEvent,
} from '../../shared/procedures/apply-event.ts';
import { ProcedureEventError } from '../../shared/procedures/errors.ts';
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
}

export function statusHandler(deps: StatusDeps) {
  async function applyEvent(record: SQSRecord): Promise<void> {
    const delivery = deliveryOf(record);
    const applied = await applyProcedureEvent(parseProcedureEvent(record.body), deps.applications);
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
        logger.warn(error.code, { ...deliveryOf(record), issues: error.issues });
      } else {
        logger.error('procedure event failed', { ...deliveryOf(record), error: (error as Error).name });
      }
    },
  });
}

export const handler = statusHandler({ applications: applications() });
