// The watch handler on the port fakes: a sweep fails, with its report, each batch in progress whose message waits in a
// dead-letter queue, and logs it by id; a sweep that cannot read the queues fails its record, for SQS to retry.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext, setPipelineEnvironment, sqsEvent } from './events.ts';
import { batchOf, pipelineFakes } from './pipeline-fakes.ts';

setPipelineEnvironment();
let watchHandler: typeof import('../../functions/watch/handler.ts').watchHandler;
// imported after the environment: the logger reads its level as it loads
let logger: typeof import('../../functions/commons/logger.ts').logger;

const BATCH_PATH = 'reports/CA-PLEIKU/forms.csv/batches/b1/';
const sweep = () => sqsEvent([{ kind: 'sweep-dead-letters' }]);

let world: ReturnType<typeof pipelineFakes>;
beforeAll(async () => {
  ({ watchHandler } = await import('../../functions/watch/handler.ts'));
  ({ logger } = await import('../../functions/commons/logger.ts'));
});
beforeEach(() => {
  world = pipelineFakes();
  vi.restoreAllMocks();
});
/** The batch in the table, the latest upload of its key. */
async function registered(status: 'registering' | 'completed') {
  const batch = batchOf({ status });
  await world.batches.create(batch);
  await world.batches.claimLatest(batch);
}

describe('watch handler', () => {
  it('fails the batches whose messages wait in a dead-letter queue, with their report, and logs each', async () => {
    await registered('registering');
    world.deadLetters.add('records', { kind: 'chunk', batchId: 'b1', partition: 1, seq: 0 });
    const warn = vi.spyOn(logger, 'warn');
    expect(await watchHandler(world)(sweep(), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(world.batches.items.get('b1')?.status).toBe('failed');
    const summary = JSON.parse(world.files.text(`${BATCH_PATH}summary.json`) ?? '{}');
    expect(summary).toMatchObject({ status: 'failed', failure: { code: 'BATCH_PROCESSING_FAILED' } });
    // the dead letter stays for a redrive; the log names the batch and the queue, nothing of its rows
    expect(world.deadLetters.letters).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith('dead-lettered batch failed', { batchId: 'b1', queue: 'records' });
  });

  it('leaves a batch that is done alone, writing nothing', async () => {
    await registered('completed');
    world.deadLetters.add('finalize', { kind: 'finalize', batchId: 'b1' });
    expect(await watchHandler(world)(sweep(), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(world.batches.items.get('b1')?.status).toBe('completed');
    expect(world.files.keys('reports/')).toEqual([]);
  });

  it('fails the record of a sweep that cannot read the queues, and of a message that is no sweep', async () => {
    world.deadLetters.peek = async () => {
      throw new Error('AccessDenied');
    };
    expect(await watchHandler(world)(sweep(), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm0' }],
    });
    const notASweep = sqsEvent([{ kind: 'finalize', batchId: 'b1' }]);
    expect(await watchHandler(world)(notASweep, lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm0' }],
    });
  });
});
