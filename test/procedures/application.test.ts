import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applicationOf, citizenView, protectEvent } from '../../shared/procedures/application.ts';
import { applyProcedureEvent, parseProcedureEvent } from '../../shared/procedures/apply-event.ts';
import { ProcedureEventError } from '../../shared/procedures/errors.ts';
import { ProcedureEvent } from '../../shared/procedures/event.ts';
import { maskName } from '../../shared/procedures/masking.ts';
import { MemoryApplications } from '../fakes/applications.ts';
import { CODE, procedureEvent } from './fixtures.ts';

const stored = (...events: ReturnType<typeof procedureEvent>[]) =>
  events.map((event) => protectEvent(ProcedureEvent.parse(event)));

describe('applicationOf', () => {
  it('takes the status of the highest sequence and keeps every sequence once in the history', () => {
    const app = applicationOf(
      stored(procedureEvent(3, 9), procedureEvent(1, 2), procedureEvent(2, 4), procedureEvent(1, 2)),
    );
    expect(app.status).toBe(9);
    expect(app.sequence).toBe(3);
    expect(app.history.map((entry) => [entry.sequence, entry.status])).toEqual([
      [1, 2],
      [2, 4],
      [3, 9],
    ]);
    expect(app.eventCount).toBe(3);
  });

  it('keeps a due date, receipt date and delivery that later events leave out', () => {
    const app = applicationOf(
      stored(
        procedureEvent(1, 2, {
          receivedAt: '2025-01-15T08:00:00+07:00',
          dueAt: '2025-01-20T17:00:00+07:00',
          resultDelivery: 'post',
        }),
        procedureEvent(2, 4),
        procedureEvent(3, 5, { dueAt: '2025-01-25T17:00:00+07:00' }),
      ),
    );
    expect(app).toMatchObject({
      status: 5,
      receivedAt: '2025-01-15T08:00:00+07:00',
      dueAt: '2025-01-25T17:00:00+07:00',
      resultDelivery: 'post',
    });
  });
});

describe('overdue', () => {
  const app = applicationOf(stored(procedureEvent(1, 4, { dueAt: '2025-01-20T10:00:00Z' })));
  it('is true once the due date has passed while the agency still owes the result', () => {
    expect(citizenView(app, new Date('2025-01-20T09:59:59Z')).overdue).toBe(false);
    expect(citizenView(app, new Date('2025-01-20T10:00:01Z')).overdue).toBe(true);
  });
  it.each([3, 7, 8, 9, 10])('is false in final status %i', (status) => {
    const done = applicationOf(stored(procedureEvent(1, status, { dueAt: '2025-01-20T10:00:00Z' })));
    expect(citizenView(done, new Date('2026-01-01T00:00:00Z')).overdue).toBe(false);
  });
  it('is false without a due date', () => {
    const undated = applicationOf(stored(procedureEvent(1, 4)));
    expect(citizenView(undated, new Date('2030-01-01T00:00:00Z')).overdue).toBe(false);
  });
});

describe('masking', () => {
  it.each([
    ['NGUYỄN VĂN AN', 'N*** V*** A***'],
    ['Nguyễn Văn An', 'N*** V*** A***'],
    ['  đặng   thị  ánh  ', 'Đ*** T*** Á***'],
    ['Ông Lê', 'Ô*** L***'],
    // decomposed marks (NFD) mask like the composed form
    ['E\u0302\u0301 Ly', 'Ế*** L***'],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('stores no full name, ID number or phone, and shows only the masked name', () => {
    const event = ProcedureEvent.parse(
      procedureEvent(1, 2, {
        applicant: { fullName: 'Nguyễn Văn An', personalId: '064090123456', phone: '0912 345 678' },
      }),
    );
    const kept = protectEvent(event);
    const text = JSON.stringify([kept, citizenView(applicationOf([kept]), new Date())]);
    for (const secret of ['Nguyễn Văn An', 'Văn', '064090123456', '0912 345 678', '0912']) {
      expect(text).not.toContain(secret);
    }
    expect(citizenView(applicationOf([kept]), new Date()).applicant).toEqual({
      maskedName: 'N*** V*** A***',
    });
  });
});

describe('parseProcedureEvent', () => {
  it('normalises the application code (trim, upper case)', () => {
    const event = parseProcedureEvent(
      JSON.stringify(procedureEvent(1, 2, { applicationCode: ' 000.00.12.h21-250115-0001 ' })),
    );
    expect(event.applicationCode).toBe(CODE);
  });

  it('rejects what is not JSON', () => {
    expect(() => parseProcedureEvent('{"applicationCode":')).toThrow(
      expect.objectContaining({ code: 'PROCEDURE_EVENT_NOT_JSON' }),
    );
  });

  it.each([
    ['status 0', { status: 0 }],
    ['status 11', { status: 11 }],
    ['status as text', { status: '4' }],
    ['negative sequence', { sequence: -1 }],
    ['fractional sequence', { sequence: 1.5 }],
    ['malformed code', { applicationCode: 'DROP TABLE' }],
    ['date without a zone', { occurredAt: '2025-01-15 08:00' }],
    ['bidi override in a name', { agencyName: 'UBND \u202eabc' }],
    ['unknown delivery', { resultDelivery: 'drone' }],
    ['12-digit rule on the ID', { applicant: { fullName: 'An', personalId: '12345' } }],
  ])('rejects %s with the path, not the value', (_name, extra) => {
    const body = JSON.stringify(procedureEvent(1, 2, extra as never));
    try {
      parseProcedureEvent(body);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProcedureEventError);
      const { code, issues } = error as ProcedureEventError;
      expect(code).toBe('PROCEDURE_EVENT_INVALID');
      expect(issues.length).toBeGreaterThan(0);
      expect(JSON.stringify(issues)).not.toContain('12345');
    }
  });

  it('rejects an event without its required fields', () => {
    expect(() => parseProcedureEvent(JSON.stringify({ applicationCode: CODE, status: 2 }))).toThrow(
      ProcedureEventError,
    );
  });
});

describe('applyProcedureEvent', () => {
  const apply = (store: MemoryApplications, event: ReturnType<typeof procedureEvent>) =>
    applyProcedureEvent(ProcedureEvent.parse(event), store);

  it('ignores an older event for the status but keeps it in the history', async () => {
    const store = new MemoryApplications();
    await apply(store, procedureEvent(2, 4));
    const older = await apply(store, procedureEvent(1, 2));
    expect(older).toMatchObject({ added: true, status: 4, stored: true });
    expect(store.states.get(CODE)?.history.map((entry) => entry.status)).toEqual([2, 4]);
  });

  it('treats a repeat as a no-op', async () => {
    const store = new MemoryApplications();
    await apply(store, procedureEvent(1, 2));
    const before = structuredClone(store.states.get(CODE));
    const repeat = await apply(store, procedureEvent(1, 2));
    expect(repeat).toMatchObject({ added: false, stored: false, sequenceReused: false });
    expect(store.states.get(CODE)).toEqual(before);
  });

  it('keeps the first of two different events with one sequence, and says the sequence was reused', async () => {
    const store = new MemoryApplications();
    await apply(store, procedureEvent(1, 2));
    const reused = await apply(store, procedureEvent(1, 3));
    expect(reused).toMatchObject({ added: false, sequenceReused: true, status: 2 });
    expect(store.states.get(CODE)?.status).toBe(2);
  });

  // Events 1..n of one application, each delivered 1–3 times, in any order, one after another or interleaved
  // at every await (concurrent invocations): the final state is the one made of all of them in order.
  const deliveries = fc
    .array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 8 })
    .chain((statuses) =>
      fc
        .tuple(
          ...statuses.map((status, i) =>
            fc.constantFrom(1, 2, 3).map((times) => Array(times).fill(procedureEvent(i + 1, status))),
          ),
        )
        .chain((copies) => fc.shuffledSubarray(copies.flat(), { minLength: copies.flat().length }))
        .map((delivered) => ({ statuses, delivered })),
    );
  const expected = (statuses: number[]) =>
    applicationOf(stored(...statuses.map((status, i) => procedureEvent(i + 1, status))));

  it('reaches the same state whatever the order and however many repeats', async () => {
    await fc.assert(
      fc.asyncProperty(deliveries, async ({ statuses, delivered }) => {
        const store = new MemoryApplications();
        for (const event of delivered) await apply(store, event);
        expect(store.states.get(CODE)).toEqual(expected(statuses));
      }),
      { numRuns: 300 },
    );
  });

  it('reaches the same state when deliveries run concurrently, interleaved at every store call', async () => {
    await fc.assert(
      fc.asyncProperty(deliveries, fc.scheduler(), async ({ statuses, delivered }, s) => {
        const memory = new MemoryApplications();
        const store = {
          addEvent: s.scheduleFunction(memory.addEvent.bind(memory)),
          events: s.scheduleFunction(memory.events.bind(memory)),
          saveState: s.scheduleFunction(memory.saveState.bind(memory)),
        };
        const applied = delivered.map((event) => applyProcedureEvent(ProcedureEvent.parse(event), store));
        await s.waitAll();
        await Promise.all(applied);
        expect(memory.states.get(CODE)).toEqual(expected(statuses));
      }),
      { numRuns: 300 },
    );
  });
});
