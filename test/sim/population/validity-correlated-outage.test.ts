import { describe, expect, it } from 'vitest';
import { quietScenario } from '../../helpers/scenarios.ts';
import { eventsOf } from '../../helpers/run.ts';
import { wilsonInterval } from '../../helpers/intervals.ts';
import { buildPopulation } from '../../../sim/population/population.ts';
import { PHONE_MODEL_NAMES } from '../../../scenarios/catalog.ts';
import { DAY_MS, HOUR_MS } from '../../../sim/virtual-time.ts';

// (e) A bad release that crashes one phone model's app with probability c for a span of days raises
// that model's false failures in that span only. With a background glitch p on every attempt and
// three attempts, a window fails with p³ outside the span and (1-(1-c)(1-p))³ for the model inside it.
describe('correlated outage of one phone model', () => {
  it('raises false failures for that model, during that span only', async () => {
    const model = 'galaxy-a14';
    const crash = 0.9;
    const p = 0.1;
    const start = 10 * DAY_MS;
    const end = 12 * DAY_MS;
    const scenario = quietScenario({
      participants: 24_000,
      days: 28,
      seed: 17,
      'glitches.uploadTimeout': p,
      'shocks.badReleases': [{ phoneModel: model, startDay: 10, durationDays: 2, crashProbability: crash }],
    });
    const population = buildPopulation(scenario, 0, scenario.participants);
    const modelIndex = PHONE_MODEL_NAMES.indexOf(model);
    const groups = {
      modelInSpan: { windows: 0, failed: 0 },
      modelOutside: { windows: 0, failed: 0 },
      othersInSpan: { windows: 0, failed: 0 },
      othersOutside: { windows: 0, failed: 0 },
    };
    const opened = new Map<string, number>();
    for (const event of await eventsOf(scenario)) {
      const key = `${event.p}/${event.window}`;
      if (event.type === 'window_open') opened.set(key, event.t);
      if (event.type !== 'window_close') continue;
      const openedAt = opened.get(key)!;
      // Windows whose attempts could straddle an edge of the span belong to neither side.
      const inSpan = openedAt >= start && openedAt < end - 6 * HOUR_MS;
      const outside = openedAt < start - 6 * HOUR_MS || openedAt >= end;
      if (!inSpan && !outside) continue;
      const ofModel = population.phoneModel[event.p] === modelIndex;
      const group = groups[`${ofModel ? 'model' : 'others'}${inSpan ? 'InSpan' : 'Outside'}`];
      group.windows++;
      if (event.verdict !== 'verified') group.failed++;
    }
    const background = p ** 3;
    const duringRelease = (1 - (1 - crash) * (1 - p)) ** 3;
    const check = (group: { windows: number; failed: number }, expected: number) => {
      expect(group.windows).toBeGreaterThan(300);
      const { low, high } = wilsonInterval(group.failed, group.windows);
      expect(expected).toBeGreaterThanOrEqual(low);
      expect(expected).toBeLessThanOrEqual(high);
    };
    check(groups.modelInSpan, duringRelease);
    check(groups.modelOutside, background);
    check(groups.othersInSpan, background);
    check(groups.othersOutside, background);
  });
});
