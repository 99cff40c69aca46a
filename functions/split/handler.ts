// Intake queue → split: S3 ObjectCreated notifications start a batch; split-continue messages resume one.
import type { Context, SQSRecord } from 'aws-lambda';
import { defaultValidationContext } from '#domain/validate.ts';
import { env } from '../../shared/aws/env.ts';
import { failAfterRetries } from '../../shared/ingest/failed-report.ts';
import {
  batchIdOf,
  DEFAULT_SPLIT_SETTINGS,
  resumeBatch,
  type SplitDeps,
  startBatch,
  type UploadedObject,
} from '../../shared/ingest/split.ts';
import { S3Notification, SplitContinueMessage } from '../../shared/ingest/types.ts';
import { mayUploadFor, parseUploaders, type Uploaders, uploaderIdOf } from '../../shared/ingest/uploader.ts';
import { objectKeys } from '../../shared/keys.ts';
import { recordBatchFailed } from '../commons/observability.ts';
import { batches, files, logger, send } from '../commons/pipeline.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

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

function deps(context: Context): SplitDeps {
  return {
    ...stores,
    settings,
    mayUpload,
    context: defaultValidationContext(),
    remainingMs: () => context.getRemainingTimeInMillis(),
    sendChunks: (messages) => send('records', messages),
    sendContinue: (batchId) => send('intake', [{ kind: 'split-continue', batchId }]),
    sendFinalize: (batchId) => send('finalize', [{ kind: 'finalize', batchId }]),
  };
}

/** A batch to resume, or an uploaded object to start one from. */
type IntakeJob = { batchId: string; object?: UploadedObject };

function intakeJobs(record: SQSRecord): IntakeJob[] {
  const body: unknown = JSON.parse(record.body);
  const resume = SplitContinueMessage.safeParse(body);
  if (resume.success) return [{ batchId: resume.data.batchId }];
  if ((body as { Event?: string }).Event === 's3:TestEvent') return []; // sent once when notifications are set up
  const notification = S3Notification.parse(body);
  return notification.Records.filter(({ eventName }) => eventName.startsWith('ObjectCreated')).map(
    ({ s3, userIdentity }) => {
      const object = {
        bucket: s3.bucket.name,
        key: decodeURIComponent(s3.object.key.replace(/\+/g, ' ')),
        versionId: s3.object.versionId ?? undefined,
        eTag: s3.object.eTag,
        size: s3.object.size,
        sequencer: s3.object.sequencer,
        uploader: userIdentity?.principalId,
      };
      return { batchId: batchIdOf(object), object };
    },
  );
}

async function split({ batchId, object }: IntakeJob, context: Context): Promise<void> {
  if (!object) {
    const result = await resumeBatch(batchId, deps(context));
    logger.info('split resumed', { batchId, result });
    return;
  }
  const result = await startBatch(object, deps(context));
  if (result === 'refused') {
    logger.warn('upload refused', { objectKey: object.key, uploader: uploaderIdOf(object.uploader) });
    recordBatchFailed(
      objectKeys.parseUpload(object.key)?.agencyCode ?? 'unknown',
      'BATCH_UPLOADER_NOT_ALLOWED',
    );
  } else logger.info('split', { objectKey: object.key, result });
}

export const handler = queueConsumer({
  queue: 'intake',
  parse: intakeJobs,
  correlationId: (job) => job.batchId,
  handle: split,
  failure: { line: 'split failed', fields: ({ batchId }) => ({ batchId }) },
  // the batch is marked failed, with its report, before the message goes to the dead-letter queue
  onLastAttempt: ({ batchId }, error) =>
    failAfterRetries(batchId, `split: ${(error as Error).message}`, stores.files, stores.batches),
});
