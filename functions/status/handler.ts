// Procedure-events queue → status: each message is one event of one application (DESIGN.md "Procedure events").
// A malformed event fails its record alone (partial batch response) with a coded reason in the log: SQS tries it
// maxReceiveCount times, then moves it to the dead-letter queue; nothing of it is ever written.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { applyProcedureEvent, parseProcedureEvent } from '../../shared/procedures/apply-event.ts';
import { ProcedureEventError } from '../../shared/procedures/errors.ts';
import { QUEUES } from '../../shared/resources.ts';
import { observed, recordDeadLetter } from '../commons/observability.ts';
import { applications, logger } from '../commons/procedures.ts';

const processor = new BatchProcessor(EventType.SQS);
const store = applications();

async function handleRecord(record: SQSRecord): Promise<void> {
  const delivery = { messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount };
  try {
    const event = parseProcedureEvent(record.body);
    const applied = await applyProcedureEvent(event, store);
    // the application code and sequence identify the event; the applicant is never logged
    if (applied.sequenceReused) logger.warn('PROCEDURE_EVENT_SEQUENCE_REUSED', { ...applied, ...delivery });
    else if (!applied.added) logger.info('PROCEDURE_EVENT_REPEAT', { ...applied, ...delivery });
    else logger.debug('procedure event applied', { ...applied, ...delivery });
  } catch (error) {
    if (error instanceof ProcedureEventError) {
      logger.warn(error.code, { ...delivery, issues: error.issues });
    } else {
      logger.error('procedure event failed', { ...delivery, error: (error as Error).name });
    }
    if (Number(delivery.receiveCount) >= QUEUES.procedureEvents.maxReceiveCount)
      recordDeadLetter('procedureEvents');
    throw error;
  }
}

export const handler = observed(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false }),
);
