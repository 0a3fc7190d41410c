import { describe, expect, it } from 'vitest';
import { quietScenario } from '../../helpers/scenarios.ts';
import { eventsOf, summarise } from '../../helpers/run.ts';

/** Every window fails on upload (a system cause); every person calls, and every call-back is answered. */
const FAILING = {
  participants: 2_000,
  days: 28,
  seed: 61,
  'glitches.uploadTimeout': 1,
  'behaviour.fallback': { callOfficer: 1, callMinutes: 20, inPersonVisit: 1, inPersonMinutes: 240 },
  'officers.callBackNoAnswer': 0,
  'officers.callBackMinutesPerDay': 1_440,
  'policy.escalateAfterFailedWindows': 2,
};

describe('officers who excuse windows the technology failed', () => {
  it('never count an excused window toward escalation, nor send its person to report in person', async () => {
    const summary = await summarise(quietScenario(FAILING));
    expect(summary.falseFailures.total).toBe(summary.windows.complied);
    expect(summary.burden.excusedWindows).toBe(summary.windows.complied);
    expect(summary.escalations.total).toBe(0);
    expect(summary.burden.inPersonVisits).toBe(0);
    expect(summary.burden.officerCalls).toBe(summary.windows.complied);
    expect(summary.burden.officerMinutes).toBe(summary.windows.complied * 10);
  });

  it('escalate every second failure when the policy forbids excuses', async () => {
    const summary = await summarise(quietScenario({ ...FAILING, 'policy.officersMayExcuse': false, 'behaviour.fallback.inPersonVisit': 0 }));
    expect(summary.burden.excusedWindows).toBe(0);
    const events = await eventsOf(quietScenario({ ...FAILING, participants: 300, 'policy.officersMayExcuse': false, 'behaviour.fallback.inPersonVisit': 0 }));
    const windowsOf = new Map<number, number>();
    for (const event of events) if (event.type === 'window_close') windowsOf.set(event.p, (windowsOf.get(event.p) ?? 0) + 1);
    const expected = [...windowsOf.values()].reduce((sum, windows) => sum + Math.floor(windows / 2), 0);
    expect(events.filter((event) => event.type === 'escalation')).toHaveLength(expected);
    expect(summary.escalations.total).toBeGreaterThan(summary.windows.complied / 2 - summary.participants);
  });

  it('excuse only system and device failures: a window the person missed still counts', async () => {
    const summary = await summarise(quietScenario({ ...FAILING, 'glitches.uploadTimeout': 0, 'behaviour.promptMissed': 1, 'behaviour.fallback.inPersonVisit': 0 }));
    expect(summary.falseFailures.byCause.prompt_missed).toBe(summary.windows.complied);
    expect(summary.burden.excusedWindows).toBe(0);
    expect(summary.escalations.total).toBeGreaterThan(0);
  });

  // An officer gives call-backs 30 minutes a day at 10 minutes each: three a day for a caseload of 125
  // whose every window fails; the rest wait, and lapse after a day. Excuses are then capped by capacity.
  it('return calls within their daily minutes, so that some requests lapse unexcused', async () => {
    const scenario = quietScenario({ ...FAILING, 'officers.callBackMinutesPerDay': 30, 'officers.excuseWithinDays': 1, 'behaviour.fallback.inPersonVisit': 0 });
    const summary = await summarise(scenario);
    const officers = Math.ceil(scenario.participants / scenario.officers.caseload);
    expect(summary.burden.excusedWindows).toBeLessThanOrEqual(officers * 3 * (scenario.days + 2));
    expect(summary.burden.excusedWindows).toBeGreaterThan(0);
    expect(summary.burden.officerMinutes).toBe(summary.burden.excusedWindows * 10);
    expect(summary.escalations.total).toBeGreaterThan(0);
  });
});

describe('the escalation rule over a person’s windows', () => {
  // Half the windows fail on upload (one attempt each), so failures and verified windows alternate:
  // the count of escalations follows from each person's sequence of verdicts alone.
  it('lets a verified window end the failed streak', async () => {
    const events = await eventsOf(
      quietScenario({
        ...FAILING,
        participants: 300,
        'glitches.uploadTimeout': 0.5,
        'policy.maxAttempts': 1,
        'policy.officersMayExcuse': false,
        'behaviour.fallback.inPersonVisit': 0,
      }),
    );
    const verdictsOf = new Map<number, { window: number; verdict: string }[]>();
    for (const event of events) {
      if (event.type !== 'window_close') continue;
      const windows = verdictsOf.get(event.p) ?? [];
      windows.push({ window: event.window!, verdict: event.verdict! });
      verdictsOf.set(event.p, windows);
    }
    const expected: string[] = [];
    for (const [person, windows] of verdictsOf) {
      let streak = 0;
      for (const { window, verdict } of windows.sort((a, b) => a.window - b.window)) {
        streak = verdict === 'verified' ? 0 : streak + 1;
        if (streak < 2) continue;
        expected.push(`${person}/${window}`);
        streak = 0;
      }
    }
    const escalated = events.filter((event) => event.type === 'escalation').map((event) => `${event.p}/${event.window}`);
    expect(escalated.sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(50);
    expect([...verdictsOf.values()].flat().filter(({ verdict }) => verdict === 'verified').length).toBeGreaterThan(expected.length);
  });
});
