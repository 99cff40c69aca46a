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
/** The one-stop shop of the fixtures' agency (000.00.12.H21) and the post office, which sends for two agencies. */
const SENDERS = {
  AROAWARD: ['000.00.12.H21'],
  AROAPOST: ['000.00.12.H21', 'CA-GIALAI'],
  AROAPOLICE: ['CA-GIALAI'],
};
const NOW = new Date('2026-12-07T00:00:00Z');
const status = (bodies: unknown[], senderId = 'AROAWARD:session') =>
  statusHandler({ applications, senders: () => SENDERS, now: () => NOW })(
    sqsEvent(bodies, 1, senderId),
    lambdaContext(),
  );
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

describe('status handler: events bound to their sender', () => {
  const failed = { batchItemFailures: [{ itemIdentifier: 'm0' }] };
  const warned = () => vi.mocked(logger.warn).mock.calls.map(([code]) => code);
  let logger: typeof import('../../functions/commons/logger.ts').logger;
  beforeAll(async () => {
    ({ logger } = await import('../../functions/commons/logger.ts'));
  });
  beforeEach(() => {
    vi.spyOn(logger, 'warn');
  });

  it.each([
    ['the role of the agency, any session', 'AROAWARD:clerk-1'],
    ['the post office, for one of its agencies', 'AROAPOST:vnpost'],
  ])('applies an event sent by %s', async (_, senderId) => {
    expect(await status([event], senderId)).toEqual({ batchItemFailures: [] });
    expect(await applications.get(CODE)).toMatchObject({ status: 2 });
  });

  it.each([
    ['a sender of another agency', 'AROAPOLICE:s'],
    ['an unknown sender', 'AROAOTHER:s'],
    ['an account root', '123456789012'],
    ['no sender', ''],
  ])('refuses an event from %s and writes nothing of it', async (_, senderId) => {
    expect(await status([event], senderId)).toEqual(failed);
    expect(stored()).toEqual([]);
    expect(warned()).toEqual(['PROCEDURE_EVENT_SENDER_FORBIDDEN']);
  });

  it('refuses every event while EVENT_SENDERS is missing, rather than admitting any', async () => {
    const missing = () => {
      throw new Error('EVENT_SENDERS is not set');
    };
    const result = await statusHandler({ applications, senders: missing })(
      sqsEvent([event]),
      lambdaContext(),
    );
    expect(result).toEqual(failed);
    expect(stored()).toEqual([]);
  });

  it.each([
    ['Number.MAX_SAFE_INTEGER', { sequence: Number.MAX_SAFE_INTEGER }],
    ['a day past occurredAt in milliseconds', { sequence: Date.parse('2025-01-16T08:00:00Z') + 1 }],
    ['an occurredAt more than a day ahead', { occurredAt: '2026-12-08T00:00:01Z', sequence: 1 }],
  ])('refuses a sequence out of bounds: %s', async (_, extra) => {
    expect(await status([{ ...event, occurredAt: '2025-01-15T08:00:00Z', ...extra }])).toEqual(failed);
    expect(stored()).toEqual([]);
    expect(warned()).toEqual(['PROCEDURE_EVENT_SEQUENCE_OUT_OF_RANGE']);
  });

  it('admits a counter and a clock in milliseconds as sequences', async () => {
    const clock = Date.parse('2026-12-06T10:00:00Z');
    const bodies = [procedureEvent(3, 4), procedureEvent(clock, 9, { occurredAt: '2026-12-06T10:00:00Z' })];
    expect(await status(bodies)).toEqual({ batchItemFailures: [] });
    expect(await applications.get(CODE)).toMatchObject({ status: 9, sequence: clock });
  });

  it.each([
    ['a CCCD', 'Đã nhận hồ sơ của công dân 064190123456'],
    ['a CMND with spaces', 'CMND 123 456 789 đã đối chiếu'],
    ['a phone with dots', 'Liên hệ 0905.123.456 để bổ sung'],
    ['a phone with dashes', 'Gọi 090-512-3456'],
    ['a note too long', 'a'.repeat(501)],
  ])('refuses a note with %s', async (_, note) => {
    expect(await status([{ ...event, note }])).toEqual(failed);
    expect(stored()).toEqual([]);
    expect(warned()).toEqual(['PROCEDURE_EVENT_NOTE_REFUSED']);
    expect(JSON.stringify(vi.mocked(logger.warn).mock.calls)).not.toContain(note.slice(0, 20));
  });

  it('keeps a note with a date, an amount and a receipt number', async () => {
    const note = 'Hẹn trả 15/01/2025; lệ phí 1.500.000 đồng; biên nhận số 12345678';
    expect(await status([{ ...event, note }])).toEqual({ batchItemFailures: [] });
    expect((await applications.events(CODE))[0]).toMatchObject({ note });
  });
});
