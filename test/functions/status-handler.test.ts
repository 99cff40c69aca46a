// The status handler on the applications fake: what it keeps of each event, and which records it fails.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { protectEvent } from '../../shared/procedures/application.ts';
import { ProcedureEvent } from '../../shared/procedures/event.ts';
import { MemoryApplications } from '../fakes/applications.ts';
import { CODE, procedureEvent } from '../procedures/fixtures.ts';
import { lambdaContext, setProceduresEnvironment, sqsEvent } from './events.ts';

setProceduresEnvironment();
let statusHandler: typeof import('../../functions/status/handler.ts').statusHandler;

const event = procedureEvent(1, 2, { applicant: { fullName: 'Trần Thị Bình', personalId: '064190123456' } });
let applications: MemoryApplications;
const status = (bodies: unknown[]) => statusHandler({ applications })(sqsEvent(bodies), lambdaContext());
/** Every event and state the table holds. */
const stored = () => [
  ...[...applications.kept.values()].flatMap((events) => [...events.values()]),
  ...applications.states.values(),
];

beforeAll(async () => {
  ({ statusHandler } = await import('../../functions/status/handler.ts'));
});
beforeEach(() => {
  applications = new MemoryApplications();
});

describe('status handler', () => {
  it('keeps the event once, then stores the state made of every kept event', async () => {
    expect(await status([event])).toEqual({ batchItemFailures: [] });
    expect(await status([event])).toEqual({ batchItemFailures: [] });
    expect(await applications.events(CODE)).toEqual([
      expect.objectContaining({ sequence: 1, status: 2, maskedName: 'T*** T*** B***' }),
    ]);
    expect(await applications.get(CODE)).toMatchObject({ status: 2, eventCount: 1 });
    expect(JSON.stringify(stored())).not.toMatch(/Trần|064190123456/);
  });

  it('fails a malformed event alone and writes nothing of it', async () => {
    const result = await status(['not json', { ...event, status: 42 }, procedureEvent(2, 4)]);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }] });
    expect((await applications.events(CODE)).map((kept) => kept.sequence)).toEqual([2]);
    expect(stored().map((item) => item.status)).not.toContain(42);
  });

  it('treats a repeat as success and still rebuilds the state', async () => {
    // an earlier delivery kept the event and stopped before it stored the state
    await applications.addEvent(protectEvent(ProcedureEvent.parse(event)));
    expect(await status([event])).toEqual({ batchItemFailures: [] });
    expect(await applications.get(CODE)).toMatchObject({ status: 2, eventCount: 1 });
  });

  it('fails the record when DynamoDB fails, so SQS delivers it again', async () => {
    vi.spyOn(applications, 'events').mockRejectedValue(new Error('throttled'));
    expect(await status([event])).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });
});
