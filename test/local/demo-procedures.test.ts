import { describe, expect, it } from 'vitest';
import { DEMO_APPLICATIONS, demoEvents, lookupLinks } from '../../local/demo-procedures.ts';
import { citizenView } from '../../shared/procedures/application.ts';
import { applyProcedureEvent } from '../../shared/procedures/apply-event.ts';
import { ProcedureEvent } from '../../shared/procedures/event.ts';
import { holdsFactor } from '../../shared/procedures/lookup-factor.ts';
import { MemoryApplications } from '../fakes/applications.ts';

describe('the procedure demo of npm start', () => {
  it('sends valid events that leave each application in its last listed state, some overdue', async () => {
    const now = Date.now();
    const store = new MemoryApplications();
    for (const event of demoEvents(now)) await applyProcedureEvent(ProcedureEvent.parse(event), store);
    const views = DEMO_APPLICATIONS.map((app) => {
      const state = store.states.get(app.code);
      if (!state) throw new Error(`${app.code} was not applied`);
      return { app, view: citizenView(state, new Date(now)) };
    });
    for (const { app, view } of views) {
      expect(view.status).toBe(app.statuses.at(-1));
      expect(view.history).toHaveLength(app.statuses.length);
      expect(view.applicant.maskedName).toMatch(/^(\p{Lu}\*\*\* ?)+$/u);
      expect(holdsFactor(store.states.get(app.code), app.code, app.birthYear, new Date(now))).toBe(true);
    }
    expect(new Set(views.map(({ view }) => view.status)).size).toBe(DEMO_APPLICATIONS.length);
    expect(views.some(({ view }) => view.overdue)).toBe(true);
  });

  it('links each demo application to its citizen page, as the first start and every restart print them', () => {
    const lines = lookupLinks('http://127.0.0.1:3000');
    expect(lines).toHaveLength(DEMO_APPLICATIONS.length);
    for (const [i, app] of DEMO_APPLICATIONS.entries()) {
      expect(lines[i]).toContain(app.procedureName);
      expect(lines[i]).toContain(`birth year ${app.birthYear}`);
      expect(lines[i]?.endsWith(`http://127.0.0.1:3000/?code=${encodeURIComponent(app.code)}`)).toBe(true);
    }
  });
});
