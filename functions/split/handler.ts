// Intake queue → split: S3 ObjectCreated notifications start a batch; split-continue messages resume one.
import type { Context, SQSRecord } from 'aws-lambda';
import {
  DEFAULT_READ_LIMITS,
  type ReadLimits,
  type ReadOptions,
  readLimitVariable,
} from '#batch/read-batch.ts';
import { defaultValidationContext } from '#domain/validate.ts';
import { env } from '../../shared/aws/env.ts';
import { batchIdOf, type UploadedObject, uploadedObjectsOf } from '../../shared/ingest/batch-id.ts';
import { failAfterRetries } from '../../shared/ingest/failed-report.ts';
import {
  DEFAULT_SPLIT_SETTINGS,
  resumeBatch,
  type SplitDeps,
  type SplitSettings,
  startBatch,
} from '../../shared/ingest/split.ts';
import { S3Notification, SplitContinueMessage } from '../../shared/ingest/types.ts';
import { uploaderIdOf } from '../../shared/ingest/uploader.ts';
import { objectKeys } from '../../shared/keys.ts';
import { cachedAgencies } from '../../shared/store/agency-reads.ts';
import { recordBatchFailed } from '../commons/observability.ts';
import { logger, splitDeps } from '../commons/pipeline.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

/** What the split function is given; the validation context and the time left are each invocation's own. */
export type SplitHandlerDeps = Omit<SplitDeps, 'remainingMs' | 'context'>;

/** A batch to resume, or an uploaded object to start one from. */
type IntakeJob = { batchId: string; object?: UploadedObject };

function intakeJobs(record: SQSRecord): IntakeJob[] {
  const body: unknown = JSON.parse(record.body);
  const resume = SplitContinueMessage.safeParse(body);
  if (resume.success) return [{ batchId: resume.data.batchId }];
  if ((body as { Event?: string }).Event === 's3:TestEvent') return []; // sent once when notifications are set up
  return uploadedObjectsOf(S3Notification.parse(body)).map((object) => ({
    batchId: batchIdOf(object),
    object,
  }));
}

export function splitHandler(deps: SplitHandlerDeps) {
  async function split({ batchId, object }: IntakeJob, context: Context): Promise<void> {
    const invocation: SplitDeps = {
      ...deps,
      context: defaultValidationContext(),
      remainingMs: () => context.getRemainingTimeInMillis(),
    };
    if (!object) {
      const result = await resumeBatch(batchId, invocation);
      logger.info('split resumed', { batchId, result });
      return;
    }
    const result = await startBatch(object, invocation);
    if (typeof result === 'object') {
      const code = result.refused;
      logger.warn('upload refused', { objectKey: object.key, uploader: uploaderIdOf(object.uploader), code });
      const agencyCode = objectKeys.parseUpload(object.key)?.agencyCode ?? 'unknown';
      recordBatchFailed(agencyCode, code);
    } else logger.info('split', { objectKey: object.key, result });
  }

  return queueConsumer({
    queue: 'intake',
    parse: intakeJobs,
    correlationId: (job) => job.batchId,
    handle: split,
    failure: { line: 'split failed', fields: ({ batchId }) => ({ batchId }) },
    // the batch is marked failed, with its report, before the message goes to the dead-letter queue
    onLastAttempt: ({ batchId }, error) =>
      failAfterRetries(batchId, `split: ${(error as Error).message}`, deps.files, deps.batches),
  });
}

/** The default settings, with the chunk size and hand-over margin a test or a benchmark may set. */
function settingsFromEnvironment(): SplitSettings {
  return {
    ...DEFAULT_SPLIT_SETTINGS,
    ...(process.env.SPLIT_HANDOVER_MARGIN_MS
      ? { handoverMarginMs: Number(process.env.SPLIT_HANDOVER_MARGIN_MS) }
      : {}),
    ...(process.env.SPLIT_CHUNK_ROWS ? { chunkRows: Number(process.env.SPLIT_CHUNK_ROWS) } : {}),
  };
}

/** The read bounds a stage sets (infra/stages.ts `readLimits`), over the reader's defaults. */
function readLimitsFromEnvironment(): ReadOptions {
  const limits: ReadOptions = {};
  for (const name of Object.keys(DEFAULT_READ_LIMITS) as (keyof ReadLimits)[]) {
    const value = process.env[readLimitVariable(name)];
    if (value) limits[name] = Number(value);
  }
  return limits;
}

/** The one principal that signs upload URLs (UPLOAD_SIGNER), read on first use: a missing one fails the upload
 * (and, after retries, the batch), never admits it. */
function signerFromEnvironment(): SplitHandlerDeps['uploadSigner'] {
  let signer: string | undefined;
  return () => {
    signer ??= env('UPLOAD_SIGNER');
    return signer;
  };
}

// the split's own settings are wired here, not in pipeline.ts: what that imports is in every pipeline bundle
export const handler = splitHandler({
  ...splitDeps(),
  settings: settingsFromEnvironment(),
  readOptions: readLimitsFromEnvironment(),
  uploadSigner: signerFromEnvironment(),
  // each agency read at most once a minute per container (AGENCY_CACHE_TTL_MS)
  agencies: cachedAgencies(env('AGENCIES_TABLE')),
});
