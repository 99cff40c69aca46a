import { beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../functions/commons/logger.ts';
import { recordDeadLetter } from '../../functions/commons/observability.ts';
import { queueConsumer } from '../../functions/commons/queue-consumer.ts';
import { QUEUES } from '../../shared/resources.ts';
import { lambdaContext, sqsEvent } from './events.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});
vi.mock('../../functions/commons/observability.ts', async (original) => ({
  ...(await original<typeof import('../../functions/commons/observability.ts')>()),
  recordDeadLetter: vi.fn(),
}));

const last = QUEUES.records.maxReceiveCount;
const steps: string[] = [];
const consumer = (handle: (id: string) => Promise<void>) =>
  queueConsumer({
    queue: 'records',
    parse: (record) => {
      const body = JSON.parse(record.body) as { ids: string[] };
      return body.ids.length === 1 ? { id: body.ids[0] as string } : body.ids.map((id) => ({ id }));
    },
    correlationId: ({ id }) => `batch-${id}`,
    handle: ({ id }) => handle(id),
    failure: { line: 'step failed', fields: ({ id }, delivery) => ({ id, ...delivery }) },
    onLastAttempt: async ({ id }) => {
      steps.push(`last attempt of ${id}`);
    },
  });
const failing = async (id: string) => {
  steps.push(`handle ${id}`);
  if (id.startsWith('bad')) throw new TypeError(`${id} failed`);
};

beforeEach(() => {
  steps.length = 0;
  vi.mocked(recordDeadLetter).mockClear();
  vi.restoreAllMocks();
});

describe('queueConsumer', () => {
  it('handles each record alone and reports only the failed ones', async () => {
    const result = await consumer(failing)(
      sqsEvent([{ ids: ['a'] }, { ids: ['bad'] }, { ids: ['c'] }]),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(steps).toEqual(['handle a', 'handle bad', 'handle c']);
  });

  it('logs a failure with its fields, the attempt and the error’s name; before the last try nothing more', async () => {
    const error = vi.spyOn(logger, 'error');
    const correlation = vi.spyOn(logger, 'setCorrelationId');
    await consumer(failing)(sqsEvent([{ ids: ['bad'] }], last - 1), lambdaContext());
    expect(correlation).toHaveBeenCalledWith('batch-bad');
    expect(error.mock.calls).toEqual([
      ['step failed', { id: 'bad', attempt: last - 1, maxAttempts: last, error: 'TypeError' }],
    ]);
    expect(Object.keys(error.mock.calls[0]?.[1] as object)).toEqual([
      'id',
      'attempt',
      'maxAttempts',
      'error',
    ]);
    expect(steps).toEqual(['handle bad']);
    expect(recordDeadLetter).not.toHaveBeenCalled();
  });

  it('on the queue’s last try, runs the last-attempt step and counts a dead letter', async () => {
    const result = await consumer(failing)(sqsEvent([{ ids: ['bad'] }], last), lambdaContext());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(steps).toEqual(['handle bad', 'last attempt of bad']);
    expect(recordDeadLetter).toHaveBeenCalledWith('records');
  });

  it('handles the messages of one record in turn, stopping at the first that fails', async () => {
    const result = await consumer(failing)(sqsEvent([{ ids: ['a', 'bad-1', 'c'] }], last), lambdaContext());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(steps).toEqual(['handle a', 'handle bad-1', 'last attempt of bad-1']);
  });

  it('fails a record that does not parse as it is: no log line, no dead letter', async () => {
    const error = vi.spyOn(logger, 'error');
    const result = await consumer(failing)(sqsEvent(['not json'], last), lambdaContext());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(error).not.toHaveBeenCalled();
    expect(recordDeadLetter).not.toHaveBeenCalled();
  });

  it('lets a handler log a failure its own way', async () => {
    const logged: unknown[] = [];
    const handler = queueConsumer({
      queue: 'procedureEvents',
      parse: (record) => record,
      handle: async () => {
        throw new RangeError('no');
      },
      failure: (record, error, delivery) => logged.push([record.messageId, (error as Error).name, delivery]),
    });
    await handler(sqsEvent([{}], 3), lambdaContext());
    expect(logged).toEqual([['m0', 'RangeError', { attempt: 3, maxAttempts: 3 }]]);
    expect(recordDeadLetter).toHaveBeenCalledWith('procedureEvents');
  });
});
