import { describe, expect, it } from 'vitest';
import { quietScenario } from '../helpers/scenarios.ts';
import { summarise } from '../helpers/run.ts';
import { wilsonInterval } from '../helpers/intervals.ts';

// (a) With one independent per-attempt glitch of probability p and r retries, a compliant person's
// window is missed only when all r+1 attempts fail: share p^(r+1).
describe('missed windows with independent glitches and retries', () => {
  it.each([
    { p: 0.3, retries: 2 },
    { p: 0.1, retries: 0 },
    { p: 0.5, retries: 3 },
  ])('p = $p, r = $retries: missed share matches p^(r+1)', async ({ p, retries }) => {
    const scenario = quietScenario({ participants: 20_000, days: 28, seed: 11, 'glitches.uploadTimeout': p, 'policy.maxAttempts': retries + 1 });
    const summary = await summarise(scenario);
    const expected = p ** (retries + 1);
    const { low, high } = wilsonInterval(summary.verdicts.missed, summary.windows.complied);
    expect(summary.windows.complied).toBeGreaterThan(70_000);
    expect(summary.verdicts.rejected).toBe(0);
    expect(summary.falseFailures.byCause.upload_timeout).toBe(summary.verdicts.missed);
    expect(expected).toBeGreaterThanOrEqual(low);
    expect(expected).toBeLessThanOrEqual(high);
  });
});
