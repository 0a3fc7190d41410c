import { describe, expect, it } from 'vitest';
import { loadScenario, type Scenario } from '../../scenarios/index.ts';
import { buildPopulation } from '../../sim/population/population.ts';
import { differenceInterval, poissonRate, wilson } from '../../sim/metrics/intervals.ts';
import { DAY_MS, HOUR_MS } from '../../sim/virtual-time.ts';
import { CAUSE_CLASS_OF, isVerificationCause, type FailureCause } from '../../scenarios/vocabulary.ts';
import { Z_999, wilsonInterval } from '../helpers/intervals.ts';
import { eventsOf, summarise } from '../helpers/run.ts';

/**
 * The headline effect of each built-in scenario, at a small size, against the baseline with the same
 * seed and size. Bounds are 99.9 % intervals (z = 3.29), a stated number of standard deviations of a
 * difference, or exact structural facts, never past outputs.
 */
const load = (name: string, overrides: Record<string, unknown> = {}): Scenario => loadScenario({ file: `scenarios/${name}.yaml`, overrides: { seed: 7, ...overrides } });
const separated = (a: { low: number; high: number }, b: { low: number; high: number }) => a.high < b.low;

/**
 * Whether an attempt's logged outcome says it reached the server in time: verified, refused by the
 * server, or judged and not matched. Every other outcome failed on the phone first (no service, a
 * device spell, a crash, capture, GPS, upload or call failure) or reached the server after the window
 * closed (server_latency).
 */
const reachedTheServer = (outcome: string | undefined) => outcome === 'verified' || outcome === 'server_error' || (outcome !== undefined && outcome in CAUSE_CLASS_OF && isVerificationCause(outcome as FailureCause));

/**
 * Whether proportion a (aCount of aTrials) exceeds proportion b by more than `sds` standard deviations
 * of their difference: the two-proportion z statistic, with the pooled proportion under "no difference".
 */
const exceedsBy = (sds: number, a: { count: number; trials: number }, b: { count: number; trials: number }) => {
  const pooled = (a.count + b.count) / (a.trials + b.trials);
  const sd = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  return a.count / a.trials - b.count / b.trials > sds * sd;
};

describe('backend-outage', () => {
  const size = { participants: 3000, days: 4 };

  it('fails every attempt made during the outage, and nothing else changes before it', async () => {
    const outage = load('backend-outage', size);
    const span = outage.shocks.backendOutages[0]!;
    const start = span.startDay * DAY_MS;
    const end = start + span.durationMinutes * 60_000;
    const events = await eventsOf(outage);
    // Attempts that reached the server (not failed on the phone first, nor after the window closed).
    const attempts = events.filter((event) => event.type === 'attempt' && reachedTheServer(event.outcome));
    const during = attempts.filter((event) => event.t >= start && event.t < end);
    expect(during.length).toBeGreaterThan(50);
    expect(during.filter((event) => event.outcome !== 'server_error')).toEqual([]);
    const after = attempts.filter((event) => event.t >= end);
    const afterErrors = after.filter((event) => event.outcome === 'server_error').length;
    // Outside the outage the backend errs at its base rate (backend.errorRate 0.1 %).
    expect(wilsonInterval(afterErrors, after.length).low).toBeLessThan(outage.backend.errorRate);

    const [withOutage, baseline] = await Promise.all([summarise(outage), summarise(load('baseline', size))]);
    const day = Math.floor(span.startDay);
    for (let before = 0; before < day; before++) expect(withOutage.daily[before]).toEqual(baseline.daily[before]);
    const outageDay = withOutage.daily[day]!;
    const baselineDay = baseline.daily[day]!;
    expect(outageDay.byCause.server_error).toBeGreaterThan(baselineDay.byCause.server_error! + 20);
    const difference = differenceInterval(wilson(baselineDay.falseFailures, baselineDay.windows, Z_999), wilson(outageDay.falseFailures, outageDay.windows, Z_999));
    expect(difference.low).toBeGreaterThan(0);
  });
});

describe('bad-release', () => {
  const size = { participants: 10_000, days: 14 };

  it('raises false failures for galaxy-a14 only: every other phone model is exactly as in the baseline', async () => {
    const [bad, baseline] = await Promise.all([summarise(load('bad-release', size)), summarise(load('baseline', size))]);
    const models = Object.keys(bad.falseFailures.bySegment).filter((segment) => segment.startsWith('phoneModel:'));
    expect(models).toHaveLength(12);
    for (const model of models.filter((segment) => segment !== 'phoneModel:galaxy-a14')) {
      expect(bad.falseFailures.bySegment[model], model).toEqual(baseline.falseFailures.bySegment[model]);
    }
    const hit = bad.falseFailures.bySegment['phoneModel:galaxy-a14']!;
    const before = baseline.falseFailures.bySegment['phoneModel:galaxy-a14']!;
    const difference = differenceInterval(wilson(before.falseFailures, before.windows, Z_999), wilson(hit.falseFailures, hit.windows, Z_999));
    expect(difference.low).toBeGreaterThan(0);
    // The extra failures are crashes; nothing changes before the release ships (day 10, 00:00 UTC:
    // no window opened before day 9 is still open then).
    expect(bad.falseFailures.byCause.app_crash! - baseline.falseFailures.byCause.app_crash!).toBeGreaterThan(30);
    expect(bad.daily.slice(0, 9)).toEqual(baseline.daily.slice(0, 9));
  });
});

describe('threshold-sweep', () => {
  // Impostors are rare in the fleet (0.1 % of windows); here one window in five, so that false accepts
  // can be counted at a small size.
  const at = (threshold: number) => load('threshold-sweep', { participants: 4000, days: 14, 'behaviour.impostorPerWindow': 0.2, 'policy.faceThreshold': threshold });

  it('a higher threshold lowers false accepts and raises false rejects', async () => {
    const grid = load('threshold-sweep').sweep.grid['policy.faceThreshold']! as number[];
    const [low, high] = await Promise.all([summarise(at(Math.min(...grid))), summarise(at(Math.max(...grid)))]);
    const falseAccepts = (s: typeof low) => wilson(s.falseAccepts.total, s.windows.impostor, Z_999);
    const falseRejects = (s: typeof low) => wilson(s.falseFailures.byCause.verification_false_reject!, s.windows.complied, Z_999);
    expect(low.windows.impostor).toBeGreaterThan(1000);
    expect(separated(falseAccepts(high), falseAccepts(low))).toBe(true);
    expect(separated(falseRejects(low), falseRejects(high))).toBe(true);
  });
});

describe('glitch-sweep', () => {
  it('four times the glitch rates raise false failures over a quarter of them', async () => {
    const grid = load('glitch-sweep').sweep.grid['glitches.scale']! as number[];
    const run = (scale: number) => summarise(load('glitch-sweep', { participants: 3000, days: 14, 'glitches.scale': scale }));
    const [quarter, four] = await Promise.all([run(Math.min(...grid)), run(Math.max(...grid))]);
    const rate = (s: typeof quarter) => wilson(s.falseFailures.total, s.windows.complied, Z_999);
    expect(separated(rate(quarter), rate(four))).toBe(true);
  });
});

describe('policy-compare', () => {
  const run = (overrides: Record<string, unknown>) => summarise(load('policy-compare', { participants: 4000, days: 42, ...overrides }));

  it('escalating after 1 failed window flags more compliant people, and detects absconders sooner, than after 3', async () => {
    const [one, three] = await Promise.all([run({ 'policy.escalateAfterFailedWindows': 1 }), run({ 'policy.escalateAfterFailedWindows': 3 })]);
    const falseEscalations = (s: typeof one) => poissonRate(s.escalations.false, s.participants / 1000, Z_999);
    expect(separated(falseEscalations(three), falseEscalations(one))).toBe(true);
    expect(one.escalations.detectionDelayHours.p50!).toBeLessThan(three.escalations.detectionDelayHours.p50!);
  });

  it('letting officers excuse system and device failures spares compliant people escalations and visits, at a cost in officer time', async () => {
    const [excusing, strict] = await Promise.all([run({ 'policy.officersMayExcuse': true }), run({ 'policy.officersMayExcuse': false })]);
    const perThousand = (count: number, s: typeof excusing) => poissonRate(count, s.participants / 1000, Z_999);
    expect(excusing.burden.excusedWindows).toBeGreaterThan(0);
    expect(strict.burden.excusedWindows).toBe(0);
    // The windows and their verdicts are the same draws in both runs: only the officers' side differs.
    expect(excusing.falseFailures.byCause).toEqual(strict.falseFailures.byCause);
    expect(separated(perThousand(excusing.escalations.false, excusing), perThousand(strict.escalations.false, strict))).toBe(true);
    expect(separated(perThousand(excusing.burden.inPersonVisits, excusing), perThousand(strict.burden.inPersonVisits, strict))).toBe(true);
    expect(excusing.burden.officerMinutes).toBeGreaterThan(0);
    expect(strict.burden.officerMinutes).toBe(0);
  });

  it('a longer grace window lowers false failures from late responses', async () => {
    // Windows open in hours the person is free (schedule.respectWakingHours), so late responses are rare
    // (about 1 window in 1,000 without grace): 16,000 participants give a few hundred of them.
    const grace = (graceMinutes: number) => run({ participants: 16_000, 'policy.graceMinutes': graceMinutes });
    const [none, hour] = await Promise.all([grace(0), grace(60)]);
    const late = (s: typeof none) => wilson(s.falseFailures.byCause.late_response!, s.windows.complied, Z_999);
    expect(separated(late(hour), late(none))).toBe(true);
  });
});

describe('monday-surge', () => {
  it('opens every scheduled window on Monday at 09:00 local, one hour of the week holding a large share', async () => {
    const size = { participants: 2000, days: 14 };
    const scheduledOpens = async (scenario: Scenario) =>
      (await eventsOf(scenario)).filter((event) => event.type === 'window_open' && (event as { kind?: string }).kind === 'scheduled').map((event) => event.t);
    const [surge, baseline] = await Promise.all([scheduledOpens(load('monday-surge', size)), scheduledOpens(load('baseline', size))]);
    // startDate is a Monday; 09:00 local in the US zones (UTC−5 … UTC−10) is 14:00–19:00 UTC the same day.
    for (const t of surge) {
      expect(Math.floor(t / DAY_MS) % 7).toBe(0);
      expect(t % HOUR_MS).toBe(0);
      expect([14, 15, 16, 17, 18, 19]).toContain(Math.floor((t % DAY_MS) / HOUR_MS));
    }
    const peakShare = (opens: number[]) => {
      const byHourOfWeek = new Map<number, number>();
      for (const t of opens) byHourOfWeek.set(Math.floor(t / HOUR_MS) % (7 * 24), (byHourOfWeek.get(Math.floor(t / HOUR_MS) % (7 * 24)) ?? 0) + 1);
      return Math.max(...byHourOfWeek.values()) / opens.length;
    };
    expect(peakShare(surge)).toBeGreaterThan(5 * peakShare(baseline));
  });
});

describe('growth', () => {
  it('enrols 4 % at the start and the rest at a constant growth rate, so windows grow over the period', async () => {
    const scenario = load('growth', { participants: 4000, days: 56 });
    const { initialShare } = scenario.population.enrolment;
    const population = buildPopulation(scenario, 0, scenario.participants);
    const enrolled = (at: number) => Array.from(population.enrolledAt).filter((t) => t <= at).length;
    // Enrolled share at t is s^(1 − t/T): s at the start, √s half-way.
    const half = (scenario.days * DAY_MS) / 2;
    for (const [at, expected] of [[0, initialShare], [half, Math.sqrt(initialShare)]] as const) {
      const { low, high } = wilsonInterval(enrolled(at), scenario.participants);
      expect(expected, `share enrolled at ${at / DAY_MS} days`).toBeGreaterThanOrEqual(low);
      expect(expected).toBeLessThanOrEqual(high);
    }
    const summary = await summarise(scenario);
    const week = (from: number) => summary.daily.slice(from, from + 7).reduce((sum, day) => sum + day.windows, 0);
    // Analytically the last week holds ~17× the first week's windows; 8× is a loose lower bound.
    expect(week(scenario.days - 7)).toBeGreaterThan(8 * week(0));
    expect(summary.daily[0]!.windows).toBeGreaterThan(0);
  });
});

describe('ignore-shifts', () => {
  const size = { participants: 4000, days: 30 };

  it('windows placed whatever the person\'s sleep and shift add schedule-class false failures, and fail night-shift workers more often', async () => {
    const [ignore, baseline] = await Promise.all([summarise(load('ignore-shifts', size)), summarise(load('baseline', size))]);
    const schedule = (s: typeof ignore) => ({ count: s.falseFailures.byClass.schedule.total, trials: s.windows.complied });
    const night = (s: typeof ignore) => ({ count: s.falseFailures.bySegment['workShift:night']!.falseFailures, trials: s.falseFailures.bySegment['workShift:night']!.windows });
    expect(ignore.windows.complied).toBeGreaterThan(10_000);
    expect(night(ignore).trials).toBeGreaterThan(1000);
    // The baseline opens windows only in hours the person is awake and off work, with at least an hour
    // to spare, so schedule-class failures are rare by construction (near 0; at most 0.1 % allowed).
    expect(baseline.falseFailures.byClass.schedule.total).toBeLessThanOrEqual(0.001 * baseline.windows.complied);
    // 6 standard deviations of the difference: a chance of about 1e-9 if ignoring shifts changed nothing.
    expect(exceedsBy(6, schedule(ignore), schedule(baseline))).toBe(true);
    expect(exceedsBy(6, night(ignore), night(baseline))).toBe(true);
  });
});
