import { describe, expect, it } from 'vitest';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { quietScenario } from '../../helpers/scenarios.ts';
import { eventsOf } from '../../helpers/run.ts';
import { wilsonInterval } from '../../helpers/intervals.ts';
import { MINUTE_MS } from '../../../sim/virtual-time.ts';

// (d) Without sleep, shifts or late notifications, the delay from a window's opening to the first
// attempt is the configured log-normal: the share of delays below its p-quantile is p.
describe('response delay', () => {
  it('first-attempt delays follow the configured log-normal at its quantiles', async () => {
    const medianMinutes = 5;
    const sigma = 1.2;
    const scenario = quietScenario({ participants: 8_000, days: 28, seed: 3, 'behaviour.responseDelay': { medianMinutes, sigma } });
    const events = await eventsOf(scenario);
    const opened = new Map<string, number>();
    const delays: number[] = [];
    for (const event of events) {
      const key = `${event.p}/${event.window}`;
      if (event.type === 'window_open') opened.set(key, event.t);
      if (event.type === 'attempt' && event.attempt === 0) delays.push(event.t - opened.get(key)!);
    }
    // Windows whose first attempt would fall after the close have no attempt: they count as longer.
    const windows = opened.size;
    expect(windows).toBeGreaterThan(25_000);
    for (const p of [0.05, 0.25, 0.5, 0.75, 0.95]) {
      const quantileMs = medianMinutes * Math.exp(sigma * normalQuantile(p, 0, 1)) * MINUTE_MS;
      const below = delays.filter((delay) => delay <= quantileMs).length;
      const { low, high } = wilsonInterval(below, windows);
      expect(p, `quantile ${p}`).toBeGreaterThanOrEqual(low);
      expect(p, `quantile ${p}`).toBeLessThanOrEqual(high);
    }
  });
});
