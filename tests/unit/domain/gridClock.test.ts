// Time limits against their sources (issue 12 §7): the high-voltage total counts the grid side's
// time only (the clock stops while the customer does their part), stage limits fit inside it,
// and low-voltage connections have 5 / 15 working days without / with external line work.
import { describe, expect, it } from 'vitest';
import { defaultCalendar as cal } from '../../../shared/domain/calendar';
import {
  defaultCatalogue,
  findBusinessType,
  loadCatalogue,
  resolveLimits,
} from '../../../shared/domain/catalogue';
import catalogueJson from '../../../shared/config/catalogue.json';
import {
  CustomerPauseError,
  endCustomerPart,
  startCustomerPart,
  wholeProcessClock,
} from '../../../shared/domain/gridClock';
import type { Application } from '../../../shared/domain/model';
import {
  allowedTransitions,
  applyTransition,
  isOverdue,
  stageTimeline,
} from '../../../shared/domain/workflow';
import { makeApplication } from './factories';

function type(code: string) {
  const t = findBusinessType(defaultCatalogue, code);
  if (!t) throw new Error(code);
  return t;
}

const at = (day: string) => `${day}T10:00:00+08:00`;

/** Moves through every stage, each finished exactly on its own deadline. */
function walkOnDeadlines(
  app0: Application,
  hooks: { inStage?: (app: Application, stage: string) => Application } = {},
): Application {
  let app = app0;
  const t = type(app.businessCode);
  for (;;) {
    const current = app.status;
    if (hooks.inStage) app = hooks.inStage(app, current);
    const today = app.history[app.history.length - 1]!.at.slice(0, 10);
    const tl = stageTimeline(app, t, cal, today);
    const stage = tl.find((s) => s.code === current);
    if (!stage?.deadline) throw new Error(`no deadline for ${current}`);
    const next = allowedTransitions('high', current, { important: true })[0]!;
    app = applyTransition(app, next, 'centre', at(stage.deadline), undefined, { important: true });
    if (next === 'archived') return app;
  }
}

describe('high-voltage time limits', () => {
  for (const powerSources of ['single', 'dual'] as const) {
    it(`${powerSources} supply: meeting every stage's deadline exactly is not overdue`, () => {
      const fields = {
        ...makeApplication({ businessCode: '104' }).fields,
        powerSources,
        importantCustomer: true,
      };
      const app0 = makeApplication({
        businessCode: '104',
        fields,
        acceptedAt: '2026-03-02T09:00:00+08:00',
      });
      const limits = resolveLimits(type('104'), fields);
      expect(limits.totalLimitWd).toBe(powerSources === 'single' ? 22 : 32);
      const done = walkOnDeadlines(app0);
      const archivedDay = done.history[done.history.length - 1]!.at.slice(0, 10);
      expect(archivedDay <= done.deadline).toBe(true);
      const beforeArchive = { ...done, status: 'meter_install' };
      expect(isOverdue(beforeArchive, archivedDay)).toBe(false);
      expect(wholeProcessClock(done, type('104'), cal, archivedDay).overdue).toBe(false);
      expect(stageTimeline(done, type('104'), cal, archivedDay).some((s) => s.overdue)).toBe(false);
    });
  }

  it("the clock stops while the customer builds: a 40-day customer part is not the grid's", () => {
    const fields = {
      ...makeApplication({ businessCode: '104' }).fields,
      powerSources: 'single',
      importantCustomer: true,
    };
    const app0 = makeApplication({
      businessCode: '104',
      fields,
      acceptedAt: '2026-03-02T09:00:00+08:00',
    });
    const done = walkOnDeadlines(app0, {
      inStage(app, stage) {
        if (stage !== 'completion_inspection') return app;
        // The customer builds for 40 working days before asking for the completion inspection.
        const arrived = app.history[app.history.length - 1]!.at;
        const paused = startCustomerPart(app, arrived, 'centre', '客户施工');
        expect(isOverdue(paused, '2026-12-01')).toBe(false); // clock stands still
        const back = cal.addWorkingDays(arrived.slice(0, 10), 40);
        const resumed = endCustomerPart(paused, at(back), type('104'), cal);
        expect(resumed.deadline > app.deadline).toBe(true);
        // The stage's own clock restarts where it stopped: its work counts from the return.
        return { ...resumed, history: [...resumed.history] };
      },
    });
    const lastDay = done.history[done.history.length - 1]!.at.slice(0, 10);
    const clock = wholeProcessClock(done, type('104'), cal, lastDay);
    expect(clock.overdue).toBe(false);
    expect(clock.usedWd).toBeLessThanOrEqual(22);
    expect(stageTimeline(done, type('104'), cal, lastDay).some((s) => s.overdue)).toBe(false);
    expect(isOverdue({ ...done, status: 'meter_install' }, lastDay)).toBe(false);
  });

  it('without the pause the same calendar time is overdue', () => {
    const app = makeApplication({ businessCode: '104', acceptedAt: '2026-03-02T09:00:00+08:00' });
    const late = cal.addWorkingDays('2026-03-02', 23);
    const moved = applyTransition(app, 'site_survey', 'centre', at('2026-03-03'));
    expect(isOverdue(moved, late)).toBe(true);
    expect(wholeProcessClock(moved, type('104'), cal, late).overdue).toBe(true);
  });

  it('refuses a pause before the back office took the application up, or twice', () => {
    const app = makeApplication({ businessCode: '104' });
    expect(() => startCustomerPart(app, at('2026-11-27'), 'centre')).toThrow(CustomerPauseError);
    const moved = applyTransition(app, 'site_survey', 'centre', at('2026-11-27'));
    const p = startCustomerPart(moved, at('2026-11-27'), 'centre');
    expect(() => startCustomerPart(p, at('2026-11-30'), 'centre')).toThrow(CustomerPauseError);
    expect(() => endCustomerPart(moved, at('2026-11-30'), type('104'), cal)).toThrow(
      CustomerPauseError,
    );
  });

  it('every type: stage limits add up to no more than the total, in every variant', () => {
    for (const t of defaultCatalogue.types) {
      const sets = [{}, ...t.limitVariants.map((v) => ({ [v.field]: v.equals }))];
      for (const f of sets) {
        const r = resolveLimits(t, f);
        const sum = r.stages.reduce((a, s) => a + s.limitWd, 0);
        expect(sum, `${t.code} ${JSON.stringify(f)}`).toBeLessThanOrEqual(r.totalLimitWd);
      }
    }
  });

  it('the catalogue refuses stage limits that do not fit the total', () => {
    const bad = structuredClone(catalogueJson) as { types: Array<Record<string, unknown>> };
    const t = bad.types.find((x) => x.code === '104')!;
    t.totalLimitWd = 10;
    expect(() => loadCatalogue(bad)).toThrow(
      /stage limits add up to 22 WD, more than the total 10/,
    );
  });
});

describe('low-voltage connections: 5 working days, 15 with external line work (2025 rule)', () => {
  // Low-voltage connection and capacity types, temporary supply and charging piles.
  const lowConnections = ['101', '102', '105', '109', '110', '302', '303'];

  it('each has 5 without and 15 with external line work, and asks the question', () => {
    for (const code of lowConnections) {
      const t = type(code);
      expect(resolveLimits(t, {}).totalLimitWd, code).toBe(5);
      expect(resolveLimits(t, { externalLineWork: true }).totalLimitWd, code).toBe(15);
      expect(
        t.fields.some((f) => f.key === 'externalLineWork'),
        code,
      ).toBe(true);
    }
  });

  it('a type that asks about external line work without a limit for it is refused', () => {
    const bad = structuredClone(catalogueJson) as { types: Array<Record<string, unknown>> };
    const t = bad.types.find((x) => x.code === '102')!;
    t.limitVariants = [];
    expect(() => loadCatalogue(bad)).toThrow(/external line work but has no limit variant/);
  });
});
