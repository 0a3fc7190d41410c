import { describe, expect, it } from 'vitest';
import { createClock } from '../../server-stub/clock.ts';

describe('server clock', () => {
  it('runs virtual time at the factor from its start', async () => {
    const clock = createClock({ factor: 1000, startMs: 5_000 });
    const first = clock.now();
    expect(first).toBeGreaterThanOrEqual(5_000);
    expect(first).toBeLessThan(5_000 + 5_000_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const elapsed = clock.now() - first;
    expect(elapsed).toBeGreaterThanOrEqual(45_000);
    expect(elapsed).toBeLessThan(5_000_000);
    expect(Number.isInteger(clock.now())).toBe(true);
  });

  it('is the wall clock with factor 1 and no start', () => {
    const clock = createClock({ factor: 1 });
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000);
  });

  it('never runs backwards', () => {
    const clock = createClock({ factor: 3 });
    let previous = clock.now();
    for (let i = 0; i < 10_000; i++) {
      const now = clock.now();
      expect(now).toBeGreaterThanOrEqual(previous);
      previous = now;
    }
  });
});
