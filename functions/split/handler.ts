// Intake queue → split: S3 ObjectCreated notifications start a batch; split-continue messages resume one.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { defaultValidationContext } from '#domain/validate.ts';
import { QUEUES } from '../../infra/resources.ts';
import { env } from '../../shared/aws/env.ts';
import { failAfterRetries } from '../../shared/ingest/failed-report.ts';
import {
  batchIdOf,
  DEFAULT_SPLIT_SETTINGS,
  resumeBatch,
  type SplitDeps,
  startBatch,
} from '../../shared/ingest/split.ts';
import { S3Notification, SplitContinueMessage } from '../../shared/ingest/types.ts';
import { mayUploadFor, parseUploaders, type Uploaders, uploaderIdOf } from '../../shared/ingest/uploader.ts';
import { objectKeys } from '../../shared/keys.ts';
import { observed, recordBatchFailed, recordDeadLetter } from '../commons/observability.ts';
import { batches, files, logger, receiveCount, send } from '../commons/pipeline.ts';

const processor = new BatchProcessor(EventType.SQS);
const settings = {
  ...DEFAULT_SPLIT_SETTINGS,
  ...(process.env.SPLIT_HANDOVER_MARGIN_MS
    ? { handoverMarginMs: Number(process.env.SPLIT_HANDOVER_MARGIN_MS) }
    : {}),
  ...(process.env.SPLIT_CHUNK_ROWS ? { chunkRows: Number(process.env.SPLIT_CHUNK_ROWS) } : {}),
};
const stores = { batches: batches(), files: files() };
let uploaders: Uploaders | undefined;
// read on first use: a missing AGENCY_UPLOADERS fails the upload (and, after retries, the batch), never admits it
function mayUpload(agencyCode: string, uploader: string | undefined): boolean {
  uploaders ??= parseUploaders(env('AGENCY_UPLOADERS'));
  return mayUploadFor(uploaders, uploader, agencyCode);
}

/** On the last delivery the queue allows, a failure marks the batch failed (with its report) before the DLQ. */
async function lastTry<T>(record: SQSRecord, batchId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    logger.error('split failed', { batchId, attempt: receiveCount(record), error: (error as Error).name });
    if (receiveCount(record) >= QUEUES.intake.maxReceiveCount) {
      await failAfterRetries(batchId, `split: ${(error as Error).message}`, stores.files, stores.batches);
      recordDeadLetter('intake');
    }
    throw error;
  }
}

function deps(context: Context): SplitDeps {
  return {
    ...stores,
    settings,
    mayUpload,
    context: defaultValidationContext(),
    remainingMs: () => context.getRemainingTimeInMillis(),
    sendChunks: (messages) => send('RECORDS_QUEUE_URL', messages),
    sendContinue: (batchId) => send('INTAKE_QUEUE_URL', [{ kind: 'split-continue', batchId }]),
    sendFinalize: (batchId) => send('FINALIZE_QUEUE_URL', [{ kind: 'finalize', batchId }]),
  };
}

async function handleRecord(record: SQSRecord, context: Context): Promise<void> {
  const body: unknown = JSON.parse(record.body);
  const resume = SplitContinueMessage.safeParse(body);
  if (resume.success) {
    const { batchId } = resume.data;
    logger.setCorrelationId(batchId);
    const result = await lastTry(record, batchId, () => resumeBatch(batchId, deps(context)));
    logger.info('split resumed', { batchId, result });
    return;
  }
  if ((body as { Event?: string }).Event === 's3:TestEvent') return; // sent once when notifications are set up
  const notification = S3Notification.parse(body);
  for (const { s3, eventName, userIdentity } of notification.Records) {
    if (!eventName.startsWith('ObjectCreated')) continue;
    const object = {
      bucket: s3.bucket.name,
      key: decodeURIComponent(s3.object.key.replace(/\+/g, ' ')),
      versionId: s3.object.versionId ?? undefined,
      eTag: s3.object.eTag,
      size: s3.object.size,
      sequencer: s3.object.sequencer,
      uploader: userIdentity?.principalId,
    };
    const batchId = batchIdOf(object);
    logger.setCorrelationId(batchId);
    const result = await lastTry(record, batchId, () => startBatch(object, deps(context)));
    if (result === 'refused') {
      logger.warn('upload refused', { objectKey: object.key, uploader: uploaderIdOf(object.uploader) });
      recordBatchFailed(
        objectKeys.parseUpload(object.key)?.agencyCode ?? 'unknown',
        'BATCH_UPLOADER_NOT_ALLOWED',
      );
    } else logger.info('split', { objectKey: object.key, result });
  }
}

export const handler = observed(async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, (record: SQSRecord) => handleRecord(record, context), processor, {
    context,
    throwOnFullBatchFailure: false,
  }),
);
