// The second factor of a lookup: what is stored of the birth year, what backfills it, and when it matches.
import { describe, expect, it } from 'vitest';
import { applicationOf, protectEvent } from '../../shared/procedures/application.ts';
import { ProcedureEvent } from '../../shared/procedures/event.ts';
import { birthYearDigest, CODE_ALONE_UNTIL, holdsFactor } from '../../shared/procedures/lookup-factor.ts';
import { CODE, procedureEvent } from './fixtures.ts';

const stored = (...events: ReturnType<typeof procedureEvent>[]) =>
  events.map((event) => protectEvent(ProcedureEvent.parse(event)));
const BEFORE = new Date(CODE_ALONE_UNTIL.getTime() - 1);
const AFTER = CODE_ALONE_UNTIL;

describe('the birth year in events', () => {
  it('is stored as a digest salted with the code, never the year', () => {
    const [event] = stored(procedureEvent(1, 2, { applicant: { fullName: 'Lê Thị Hoa', birthYear: 1990 } }));
    expect(event?.birthYearDigest).toBe(birthYearDigest(CODE, 1990));
    expect(event?.birthYearDigest).toMatch(/^y1:[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(event)).not.toContain('1990');
    expect(birthYearDigest(CODE, 1990)).not.toBe(birthYearDigest('G09.20-20260609-0092637', 1990));
  });

  it.each([1899, 2101, 1990.5, '1990'])('refuses birth year %j', (birthYear) => {
    const event = procedureEvent(1, 2, {
      applicant: { fullName: 'Lê Thị Hoa', birthYear: birthYear as never },
    });
    expect(ProcedureEvent.safeParse(event).success).toBe(false);
  });

  it('is backfilled into an application stored without it by its next event that carries it', () => {
    const legacy = applicationOf(stored(procedureEvent(1, 2, { applicant: { fullName: 'Lê Thị Hoa' } })));
    expect(legacy.birthYearDigest).toBeUndefined();
    const next = applicationOf([
      ...stored(procedureEvent(1, 2, { applicant: { fullName: 'Lê Thị Hoa' } })),
      ...stored(procedureEvent(2, 4, { applicant: { fullName: 'Lê Thị Hoa', birthYear: 1990 } })),
      ...stored(procedureEvent(3, 5)),
    ]);
    expect(next.birthYearDigest).toBe(birthYearDigest(CODE, 1990));
  });
});

describe('holdsFactor', () => {
  const application = applicationOf(
    stored(procedureEvent(1, 2, { applicant: { fullName: 'Lê Thị Hoa', birthYear: 1990 } })),
  );
  const legacy = applicationOf(stored(procedureEvent(1, 2)));

  it('lets the right year see the application, and no other year or none', () => {
    expect(holdsFactor(application, CODE, 1990, AFTER)).toBe(true);
    expect(holdsFactor(application, CODE, 1991, AFTER)).toBe(false);
    expect(holdsFactor(application, CODE, undefined, BEFORE)).toBe(false);
  });

  it('refuses an unknown code whatever the year', () => {
    expect(holdsFactor(undefined, CODE, 1990, BEFORE)).toBe(false);
    expect(holdsFactor(undefined, CODE, 0, BEFORE)).toBe(false);
  });

  it('lets an application stored without a year be seen by code alone until CODE_ALONE_UNTIL, then refuses', () => {
    expect(holdsFactor(legacy, CODE, undefined, BEFORE)).toBe(true);
    expect(holdsFactor(legacy, CODE, 1990, BEFORE)).toBe(true);
    expect(holdsFactor(legacy, CODE, undefined, AFTER)).toBe(false);
    expect(holdsFactor(legacy, CODE, 1990, AFTER)).toBe(false);
  });
});
