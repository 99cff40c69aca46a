// The local stack running dancu's own handlers: the same code as in AWS, on the emulators. Used by
// `npm start`, the integration tests and the benchmarks.
import type { AgencyInput } from '../shared/model/agency.ts';
import type { FunctionId, QueueId } from '../shared/resources.ts';
import { signingClient, UploadUrls } from '../shared/store/upload-urls.ts';
import { LOCAL_UPLOAD_SIGNER } from './runtime/account.ts';
import type { LocalPorts } from './runtime/emulators.ts';
import type { HttpFunctionHandler } from './runtime/http-server.ts';
import type { Logger } from './runtime/log.ts';
import { type FunctionHandlers, type LocalStack, startLocalStack } from './runtime/stack.ts';

export interface PipelineOptions {
  dir?: string;
  ports?: Partial<LocalPorts & { http: number }>;
  timeouts?: Partial<Record<FunctionId, number>>;
  visibilityTimeouts?: Partial<Record<QueueId, number>>;
  /** seconds between two runs of the dead-letter watch (local/runtime/stack.ts) */
  deadLetterWatchSeconds?: number;
  /** environment for the functions beyond the stack's own (e.g. SPLIT_CHUNK_ROWS in tests) */
  extraEnv?: Record<string, string>;
  /** the agencies the stack holds from its start (local/runtime/stack.ts): the demo's unless given */
  agencies?: AgencyInput[];
  log?: Logger;
}

/** dancu's handlers, and the resume step, for a local stack's environment (which they read as they load). */
export async function loadPipeline(env: Record<string, string>, extraEnv: Record<string, string> = {}) {
  Object.assign(process.env, env, extraEnv);
  const [
    split,
    register,
    finalize,
    commons,
    resumeModule,
    status,
    lookup,
    agency,
    link,
    births,
    watch,
    decisions,
  ] = await Promise.all([
    import('../functions/split/handler.ts'),
    import('../functions/register/handler.ts'),
    import('../functions/finalize/handler.ts'),
    import('../functions/commons/pipeline.ts'),
    import('../shared/ingest/resume.ts'),
    import('../functions/status/handler.ts'),
    import('../functions/lookup/handler.ts'),
    import('../functions/agency/handler.ts'),
    import('../functions/link/handler.ts'),
    import('../functions/births/handler.ts'),
    import('../functions/watch/handler.ts'),
    import('../functions/decisions/handler.ts'),
  ]);
  const resume = () =>
    resumeModule.resumeUnfinishedBatches({
      batches: commons.batches(),
      files: commons.files(),
      sendContinue: (batchId) => commons.send('intake', [{ kind: 'split-continue', batchId }]),
      sendChunks: (messages) => commons.send('records', messages),
      sendFinalize: (batchId) => commons.send('finalize', [{ kind: 'finalize', batchId }]),
    });
  const handlers: FunctionHandlers = {
    split: split.handler,
    register: register.handler,
    finalize: finalize.handler,
    status: status.handler,
    link: link.handler,
    births: births.handler,
    watch: watch.handler,
    lookup: lookup.handler as HttpFunctionHandler,
    decisions: decisions.handler as HttpFunctionHandler,
    // the agency function signs upload URLs with a key of its own, the split's UPLOAD_SIGNER (local/runtime/account.ts)
    agency: agency.agencyHandler(
      agency.agencyDeps({
        uploadUrls: new UploadUrls(
          env.BATCHES_BUCKET ?? '',
          signingClient({ credentials: LOCAL_UPLOAD_SIGNER }),
        ),
      }),
    ) as HttpFunctionHandler,
  };
  return { handlers, resume };
}

export async function startPipeline(options: PipelineOptions = {}): Promise<LocalStack> {
  let resume: (() => Promise<string[]>) | undefined;
  return startLocalStack({
    ...options,
    handlers: async (env) => {
      const loaded = await loadPipeline(env, options.extraEnv);
      resume = loaded.resume;
      return loaded.handlers;
    },
    onStarted: async () => {
      const resumed = (await resume?.()) ?? [];
      if (resumed.length > 0) (options.log ?? console).info(`resumed ${resumed.length} unfinished batch(es)`);
    },
  });
}
