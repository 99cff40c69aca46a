// The local stack running dancu's own handlers: the same code as in AWS, on the emulators. Used by
// `npm start`, the integration tests and the benchmarks.
import type { FunctionId, QueueId } from '../infra/resources.ts';
import { type LocalStack, startLocalStack } from './runtime/stack.ts';
import type { LocalPorts, Logger } from './runtime/types.ts';

export interface PipelineOptions {
  dir?: string;
  ports?: Partial<LocalPorts & { http: number }>;
  timeouts?: Partial<Record<FunctionId, number>>;
  visibilityTimeouts?: Partial<Record<QueueId, number>>;
  /** environment for the functions beyond the stack's own (e.g. SPLIT_CHUNK_ROWS in tests) */
  extraEnv?: Record<string, string>;
  log?: Logger;
}

export async function startPipeline(options: PipelineOptions = {}): Promise<LocalStack> {
  let resume: (() => Promise<string[]>) | undefined;
  const stack = await startLocalStack({
    ...options,
    handlers: async (env) => {
      // the handlers' SDK clients read the environment when their modules load
      Object.assign(process.env, env, options.extraEnv);
      const [split, register, finalize, commons, resumeModule] = await Promise.all([
        import('../functions/split/handler.ts'),
        import('../functions/register/handler.ts'),
        import('../functions/finalize/handler.ts'),
        import('../functions/commons/pipeline.ts'),
        import('../shared/ingest/resume.ts'),
      ]);
      resume = () =>
        resumeModule.resumeUnfinishedBatches({
          batches: commons.batches(),
          files: commons.files(),
          sendContinue: (batchId) => commons.send('INTAKE_QUEUE_URL', [{ kind: 'split-continue', batchId }]),
          sendChunks: (messages) => commons.send('RECORDS_QUEUE_URL', messages),
          sendFinalize: (batchId) => commons.send('FINALIZE_QUEUE_URL', [{ kind: 'finalize', batchId }]),
        });
      return { split: split.handler, register: register.handler, finalize: finalize.handler };
    },
    onStarted: async () => {
      const resumed = (await resume?.()) ?? [];
      if (resumed.length > 0) (options.log ?? console).info(`resumed ${resumed.length} unfinished batch(es)`);
    },
  });
  return stack;
}
