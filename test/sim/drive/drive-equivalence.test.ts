import { beforeAll, describe, expect, it } from 'vitest';
import { buildSummary, type Summary } from '../../../sim/metrics/summary.ts';
import { summarise } from '../../helpers/run.ts';
import { compressionFor, drive, smallScenario } from './drive-fixtures.ts';

// DESIGN.md: both modes share server-stub/policy, so a fault-free drive run and a sim run with the
// same seed reach the same verdicts.
describe('drive mode against sim mode', () => {
  const scenario = smallScenario();
  let sim: Summary;
  beforeAll(async () => {
    sim = await summarise(scenario);
  });

  it('reaches identical verdicts and false failures by cause at a modest compression', async () => {
    const result = await drive(scenario, { compression: compressionFor(scenario, 14) });
    expect(result.abortedBy).toBeUndefined();
    const driven = buildSummary(scenario, 'drive', result.metrics, result.load);
    expect(driven.load!.requests).toBeGreaterThan(500);
    expect(driven.load!.errors).toEqual({});
    expect(driven.windows).toEqual(sim.windows);
    expect(driven.verdicts).toEqual(sim.verdicts);
    expect(driven.falseFailures.byCause).toEqual(sim.falseFailures.byCause);
    expect(driven.escalations).toEqual(sim.escalations);
  }, 120_000);

  it('at a high compression differs only by what server latency explains', async () => {
    const result = await drive(scenario, { compression: compressionFor(scenario, 1), maxLagMs: 60_000 });
    const driven = buildSummary(scenario, 'drive', result.metrics, result.load);
    const lateWindows = driven.falseFailures.byCause.server_latency ?? 0;
    expect(driven.windows).toEqual(sim.windows);
    // A window lost to latency would mostly have been verified; the participant's later windows then
    // draw from another point of its stream, which reshuffles them without changing their odds: at most
    // ~2 later windows each, failing with the run's false-failure rate p, so the rest of the difference
    // stays within 4 standard deviations of that reshuffle (plus one for rounding).
    const otherDifference = driven.falseFailures.total - sim.falseFailures.total - lateWindows;
    const p = sim.falseFailures.rate ?? 0;
    const bound = 4 * Math.sqrt(2 * lateWindows * 2 * p * (1 - p)) + 1;
    expect(Math.abs(otherDifference)).toBeLessThanOrEqual(bound);
    if (lateWindows === 0) expect(driven.verdicts).toEqual(sim.verdicts);
  }, 120_000);
});
