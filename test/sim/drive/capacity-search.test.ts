import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeStep, peakRate, type CapacityResult } from '../../../sim/drive/capacity.ts';
import { quietScenario } from '../../helpers/scenarios.ts';
import { runCliInProcess } from '../../helpers/cli.ts';
import { HOUR_MS } from '../../../sim/virtual-time.ts';
import type { LoadSummary } from '../../../sim/metrics/load-metrics.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const capacityOut = tempDir('capacity');

const load = (overrides: Partial<LoadSummary>): LoadSummary => ({
  target: 't',
  compression: 100,
  requests: 1_000,
  intendedRps: 500,
  achievedRps: 500,
  late: 0,
  driverLagMsP99: 1,
  latencyMs: { p50: 2, p90: 5, p99: 10, p999: 20, max: 30 },
  errors: {},
  timeline: [],
  ...overrides,
});

describe('capacity search', () => {
  it('holds a step within the SLO and names what breaks one', () => {
    const slo = { sloP99Ms: 50, maxErrorRatio: 0.01 };
    expect(judgeStep(100, load({}), slo)).toMatchObject({ held: true, intendedRps: 500, errorRatio: 0 });
    expect(judgeStep(100, load({ latencyMs: { p50: 2, p90: 5, p99: 80, p999: 90, max: 99 } }), slo)).toMatchObject({ held: false, broke: 'p99 80 ms > 50 ms' });
    expect(judgeStep(100, load({ errors: { http_503_overloaded: 20 } }), slo)).toMatchObject({ held: false, errorRatio: 0.02, broke: 'errors 2.00 % > 1.00 %' });
    expect(judgeStep(100, load({ aborted: 'DRV_ERR_CANNOT_KEEP_UP: …' }), slo).held).toBe(false);
  });

  it("keeps each step's busiest second, its error kinds and its latency percentiles", () => {
    const second = (n: number, intendedRps: number, achievedRps: number) => ({ second: n, intendedRps, sentRps: intendedRps, achievedRps, latencyP50Ms: 2, latencyP99Ms: 10, errors: 0 });
    const step = judgeStep(100, load({ errors: { http_503_overloaded: 3, timeout: 1 }, timeline: [second(0, 400, 380), second(1, 620, 590), second(2, 480, 610)] }), { sloP99Ms: 50, maxErrorRatio: 0.01 });
    expect(step).toMatchObject({ peakSecondRps: 610, peakSecondIntendedRps: 620, errors: { http_503_overloaded: 3, timeout: 1 }, latencyMs: { p50: 2, p90: 5, p99: 10, p999: 20, max: 30 } });
    expect(step.errorRatio).toBeCloseTo(0.004);
  });

  it("measures the schedule's busiest stretch per participant", () => {
    // Every participant checks in once a week at one local hour, and answers within a minute or two:
    // the busiest 15 minutes hold about all of one weekday's eastern-zone check-ins.
    const scenario = quietScenario({
      participants: 7_000,
      days: 7,
      'schedule.checkInHourLocal': { earliest: 9, latest: 9 },
    });
    const peak = peakRate(scenario);
    expect(peak.binMinutes).toBe(15);
    expect(peak.from % (15 * 60_000)).toBe(0);
    // Local 09:00 in some zone: 14:00 UTC (eastern) to 19:00 UTC (hawaii).
    expect((peak.from % (24 * HOUR_MS)) / HOUR_MS).toBeGreaterThanOrEqual(14);
    // At most everyone's check-in in one bin; at least the eastern share of one weekday's.
    expect(peak.perParticipantRps).toBeLessThanOrEqual(1 / 900);
    expect(peak.perParticipantRps).toBeGreaterThan((0.45 / 7 / 900) * 0.5);
  });

  it('answers in participants and requests per second, from rising steps', async () => {
    const out = capacityOut;
    const result = await runCliInProcess(['capacity', '--slo-p99', '60000', '--max-errors', '1', '--participants', '2000', '--start-rps', '50', '--growth', '2', '--max-steps', '2', '--step-s', '2', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const capacity = JSON.parse(readFileSync(join(out, 'capacity.json'), 'utf8')) as CapacityResult;
    expect(capacity.steps).toHaveLength(2);
    // Each step drives the schedule's busiest span at the compression that gives its rate (50, then 100
    // req/s); the span is whole 15-minute bins, so the rate sent is the target only to within a bin.
    expect(capacity.steps[1]!.compression).toBeGreaterThan(capacity.steps[0]!.compression);
    capacity.steps.forEach((step, index) => {
      expect(step.intendedRps).toBeGreaterThan(0.5 * 50 * 2 ** index);
      expect(step.intendedRps).toBeLessThan(1.5 * 50 * 2 ** index);
    });
    expect(capacity.steps.every((step) => step.held)).toBe(true);
    expect(capacity.maxParticipants).toBe(Math.floor(capacity.maxRpsHeld / capacity.peak.perParticipantRps));
    expect(capacity.confirmation?.held).toBe(true);
    for (const step of capacity.steps) {
      expect(step.peakSecondRps).toBeGreaterThan(0);
      expect(step.latencyMs.p50).toBeLessThanOrEqual(step.latencyMs.p99);
      expect(step.errors).toEqual({});
    }
    expect(result.stdout).toContain('peak second req/s');
    expect(result.stdout).toContain(`= a fleet of ${capacity.maxParticipants.toLocaleString('en-US')} participants at real time`);
  }, 180_000);
});
