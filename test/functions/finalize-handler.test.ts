// The finalize handler on the port fakes: the report of a batch whose every chunk is registered, written once, and
// the batches it leaves alone.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext, setPipelineEnvironment, sqsEvent } from './events.ts';
import { batchOf, pipelineFakes } from './pipeline-fakes.ts';

setPipelineEnvironment();
let finalizeHandler: typeof import('../../functions/finalize/handler.ts').finalizeHandler;

const batch = batchOf({
  rows: 4,
  chunkCounts: [1, 1],
  checkpoint: {
    row: 4,
    offset: 100,
    chunkSeqs: [1, 1],
    rejectedSeq: 1,
    unknownColumns: ['ghi_chu'],
    invocations: 1,
  },
});
const files: Record<string, unknown[]> = {
  'work/b1/rejected/0.ndjson': [[2, 'rejected', '', '=F2', [{ code: 'SEX_INVALID', field: 'sex' }]]],
  'work/b1/outcomes/0/0.ndjson': [
    [1, 'new', 'id:1', 'F1', []],
    [4, 'duplicate', 'id:1', 'F4', []],
  ],
  'work/b1/outcomes/1/0.ndjson': [[3, 'updated', 'nk:abc', '', []]],
};

let world: ReturnType<typeof pipelineFakes>;
const finalize = () =>
  finalizeHandler(world)(sqsEvent([{ kind: 'finalize', batchId: 'b1' }]), lambdaContext());
/** The batch as it is now, finalize's lease included. */
const stored = () => world.batches.items.get('b1');

beforeAll(async () => {
  ({ finalizeHandler } = await import('../../functions/finalize/handler.ts'));
});
beforeEach(async () => {
  world = pipelineFakes();
  for (const [key, lines] of Object.entries(files)) await world.files.putLines(key, lines);
});
/** The batch in the table, the latest upload of its key. */
async function registered(fields: Partial<typeof batch> = {}) {
  await world.batches.create({ ...batch, ...fields });
  await world.batches.claimLatest({ ...batch, ...fields });
}

describe('finalize handler', () => {
  it('merges rejected rows and register outcomes into one outcomes.csv in row order, and a summary', async () => {
    await registered();
    const result = await finalize();
    expect(result.batchItemFailures).toEqual([]);
    const csv = world.files.text('reports/CA-PLEIKU/forms.csv/outcomes.csv') ?? '';
    expect(csv.trim().split('\n')).toEqual([
      'row,form_id,outcome,person_key,codes,message',
      '1,F1,new,id:1,,',
      expect.stringMatching(/^2,'=F2,rejected,,SEX_INVALID,Giới tính/),
      '3,,updated,nk:abc,,',
      '4,F4,duplicate,id:1,,',
    ]);
    const summary = JSON.parse(String(world.files.text('reports/CA-PLEIKU/forms.csv/summary.json')));
    expect(summary).toMatchObject({
      batchId: 'b1',
      status: 'completed',
      rows: 4,
      outcomes: { new: 1, duplicate: 1, updated: 1, conflict: 0, probable_duplicate: 0, rejected: 1 },
      errorsByCode: { SEX_INVALID: 1 },
      unknownColumns: ['ghi_chu'],
    });
    expect(stored()).toMatchObject({ status: 'completed', outcomes: summary.outcomes });
    expect(stored()?.finalize).toBeUndefined();
  });

  it('completes a batch that failed before and was redriven, without its failure', async () => {
    await registered({
      status: 'failed',
      failure: { code: 'BATCH_PROCESSING_FAILED', message: 'chunk 0/0' },
    });
    await finalize();
    expect(stored()?.status).toBe('completed');
    expect(stored()).not.toHaveProperty('failure');
  });

  it('refuses to report a batch with a row missing, rather than write a wrong report', async () => {
    await registered({ rows: 5 });
    const result = await finalize();
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(world.files.keys('reports/')).not.toContain('reports/CA-PLEIKU/forms.csv/summary.json');
    // the lease is given back, so that the retry need not wait for this invocation's deadline
    expect(stored()?.finalize).toBeUndefined();
    expect(stored()?.status).toBe('registering');
  });

  it('leaves the batch to a finalize that already holds it (two chains asked for it), writing nothing', async () => {
    await registered();
    await world.batches.takeFinalizeLease('b1', 'the other finalize', Date.now() + 60_000);
    const result = await finalize();
    expect(result.batchItemFailures).toEqual([]);
    expect(world.files.keys('reports/')).toEqual([]);
    expect(stored()).toMatchObject({ status: 'registering', finalize: { holder: 'the other finalize' } });
  });

  it('leaves the report to a newer upload of the same key', async () => {
    await registered();
    await world.batches.claimLatest(batchOf({ batchId: 'b2', startedAt: '2026-11-28T00:00:00.000Z' }));
    await finalize();
    expect(world.files.keys('reports/')).toEqual([]);
    expect(stored()?.status).toBe('superseded');
  });

  it('does nothing for a batch already completed', async () => {
    await registered({ status: 'completed' });
    await finalize();
    expect(world.files.keys('reports/')).toEqual([]);
  });
});
