import { describe, expect, it } from 'vitest';
import { quietScenario } from '../../helpers/scenarios.ts';
import { summarise } from '../../helpers/run.ts';
import { wilsonInterval } from '../../helpers/intervals.ts';

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

// Failures persist: after a failed attempt the next one meets the same cause again with probability q,
// and is drawn afresh (failing with p) otherwise. So a window fails all n attempts with
// p · (q + (1-q)·p)^(n-1) — the closed form the persistence rule must reproduce.
describe('missed windows when a failure persists across retries', () => {
  it.each([
    { p: 0.1, q: 0.5, attempts: 3 },
    { p: 0.2, q: 0.8, attempts: 2 },
    { p: 0.05, q: 1, attempts: 4 },
  ])('p = $p, q = $q, $attempts attempts: missed share matches p(q + (1-q)p)^(n-1)', async ({ p, q, attempts }) => {
    const scenario = quietScenario({
      participants: 20_000,
      days: 28,
      seed: 12,
      'glitches.gpsFixFailure': p,
      'glitches.sameCauseOnRetry.gpsFixFailure': q,
      'policy.maxAttempts': attempts,
    });
    const summary = await summarise(scenario);
    const expected = p * (q + (1 - q) * p) ** (attempts - 1);
    const independent = p ** attempts;
    const { low, high } = wilsonInterval(summary.verdicts.missed, summary.windows.complied);
    expect(summary.windows.complied).toBeGreaterThan(70_000);
    expect(summary.falseFailures.byCause.gps_fix_failure).toBe(summary.verdicts.missed);
    expect(expected).toBeGreaterThanOrEqual(low);
    expect(expected).toBeLessThanOrEqual(high);
    expect(independent).toBeLessThan(low);
  });
});
