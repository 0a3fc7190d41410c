import { describe, expect, it } from 'vitest';
import { quietScenario } from '../../helpers/scenarios.ts';
import { summarise } from '../../helpers/run.ts';
import { wilsonInterval } from '../../helpers/intervals.ts';
import { buildPopulation } from '../../../sim/population/population.ts';
import { DAY_MS } from '../../../sim/virtual-time.ts';

// (c) A daily hazard h leaves a share 1-(1-h)^D absconded by day D.
describe('absconding hazard', () => {
  it.each([
    { hazard: 0.01, days: 30 },
    { hazard: 0.0005, days: 60 },
  ])('h = $hazard per day: share gone by day $days matches 1-(1-h)^D', async ({ hazard, days }) => {
    const scenario = quietScenario({ participants: 40_000, days, seed: 5, 'behaviour.abscondHazardPerDay': hazard });
    const summary = await summarise(scenario);
    const expected = 1 - (1 - hazard) ** days;
    const { low, high } = wilsonInterval(summary.escalations.absconders, summary.participants);
    expect(expected).toBeGreaterThanOrEqual(low);
    expect(expected).toBeLessThanOrEqual(high);
  });

  it('holds day by day in the population itself', () => {
    const hazard = 0.02;
    const scenario = quietScenario({ participants: 30_000, seed: 9, 'behaviour.abscondHazardPerDay': hazard });
    const population = buildPopulation(scenario, 0, scenario.participants);
    for (const day of [1, 5, 20, 60]) {
      const gone = population.abscondAt.filter((at) => at < day * DAY_MS).length;
      const { low, high } = wilsonInterval(gone, population.size);
      const expected = 1 - (1 - hazard) ** day;
      expect(expected).toBeGreaterThanOrEqual(low);
      expect(expected).toBeLessThanOrEqual(high);
    }
  });

  it('an absconder misses every window after absconding and is escalated', async () => {
    const scenario = quietScenario({ participants: 2_000, days: 60, seed: 2, 'behaviour.abscondHazardPerDay': 0.05 });
    const summary = await summarise(scenario);
    expect(summary.windows.evaded).toBeGreaterThan(0);
    expect(summary.verdicts.missed).toBe(summary.windows.evaded);
    expect(summary.falseFailures.total).toBe(0);
    expect(summary.escalations.false).toBe(0);
    expect(summary.escalations.detected).toBeGreaterThan(0);
  });
});
