import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { clopperPearson } from '../../../sim/metrics/clopper-pearson.ts';
import { matchedWindows, runScoreStudy, studyInputs } from '../../../sim/verification/score-study.ts';
import { genuineFalseRejectRate } from '../../helpers/verification-analytic.ts';

// The verification study against the cosine model's exact rates, at thresholds giving about 1e-2,
// 1e-4 and 1e-6: a unit template, isotropic Gaussian noise, d = 128, one attempt, nothing else.

const DIMENSION = 128;
const SIGMA = 0.153;
const SIZE = 10_000_000;

/**
 * The exact false-match rate against random impostors. A random stranger's template is a uniform unit
 * vector u, and u + σn is isotropic, so the sample's direction is uniform on the sphere whatever σ:
 * (cos + 1)/2 ~ Beta(h, h) with h = (d − 1)/2. Its upper tail from (1 + t)/2, by Simpson's rule over
 * the density divided by its own integral (no special functions).
 */
function exactFalseMatchRate(threshold: number): number {
  const h = (DIMENSION - 1) / 2;
  // Scaled by 4^(h−1) so that the density peaks at 1 rather than underflowing.
  const density = (x: number) => (x <= 0 || x >= 1 ? 0 : Math.exp((h - 1) * (Math.log(4 * x) + Math.log(1 - x))));
  const simpson = (from: number, to: number, steps: number) => {
    const step = (to - from) / steps;
    let sum = density(from) + density(to);
    for (let i = 1; i < steps; i++) sum += (i % 2 === 0 ? 2 : 4) * density(from + i * step);
    return (sum * step) / 3;
  };
  return simpson((1 + threshold) / 2, 1, 200_000) / simpson(0, 1, 400_000);
}

/** The threshold at which a decreasing (or increasing) rate equals the target, by bisection. */
function thresholdFor(rate: (t: number) => number, target: number, increasing: boolean): number {
  let low = -0.5;
  let high = 0.95;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (rate(mid) > target === increasing) high = mid;
    else low = mid;
  }
  return Math.round(((low + high) / 2) * 1e6) / 1e6;
}

const TARGETS = [1e-2, 1e-4, 1e-6];
const exactFnmr = (t: number) => genuineFalseRejectRate(SIGMA, t, DIMENSION);

describe('verification study: the closed form of the cosine model', () => {
  it('per-attempt false non-match and false match rates lie inside 99.9 % intervals of the exact ones at ~1e-2, 1e-4 and 1e-6', { timeout: 300_000 }, () => {
    const fmrThresholds = TARGETS.map((target) => thresholdFor(exactFalseMatchRate, target, false));
    const fnmrThresholds = TARGETS.map((target) => thresholdFor(exactFnmr, target, true));
    const scenario = loadScenario({
      overrides: {
        'biometrics.faceNoise': SIGMA,
        'biometrics.dimension': DIMENSION,
        'biometrics.tierNoiseFactor': { low: 1, mid: 1, high: 1 },
        'biometrics.hardToMatchShare': 0,
        'biometrics.poorCapture': 0,
        'biometrics.poorCaptureAtNight': 0,
        'biometrics.ageingNoisePerYear': 0,
        'policy.maxAttempts': 1,
        'verification.genuineWindows': SIZE,
        'verification.impostorWindows': SIZE,
        'verification.lookAlikeWindows': 1000,
      },
    });
    const study = runScoreStudy(studyInputs(scenario), [...fmrThresholds, ...fnmrThresholds], ['face']);
    const rows = [
      ...fmrThresholds.map((threshold, index) => ({ kind: 'false match', target: TARGETS[index]!, threshold, exact: exactFalseMatchRate(threshold) })),
      ...fnmrThresholds.map((threshold, index) => ({ kind: 'false non-match', target: TARGETS[index]!, threshold, exact: exactFnmr(threshold) })),
    ].map((row) => {
      const j = study.thresholds.indexOf(row.threshold);
      const counted = matchedWindows(study, 'face', row.kind === 'false match' ? 'random' : 'genuine', j, 1);
      const failures = row.kind === 'false match' ? counted.matched : counted.windows - counted.matched;
      return { ...row, ...clopperPearson(failures, counted.windows, 0.999) };
    });
    console.table(rows);
    for (const row of rows) {
      // The exact value is near its target, so each threshold tests the decade it was meant to.
      expect(row.exact / row.target).toBeGreaterThan(0.9);
      expect(row.exact / row.target).toBeLessThan(1.1);
      expect(row.trials).toBe(SIZE);
      expect(row.exact).toBeGreaterThanOrEqual(row.low);
      expect(row.exact).toBeLessThanOrEqual(row.high);
    }
  });

  it('Clopper–Pearson bounds match their closed forms at zero and all successes', () => {
    expect(clopperPearson(0, 126).high).toBeCloseTo(1 - 0.025 ** (1 / 126), 10);
    expect(clopperPearson(126, 126).low).toBeCloseTo(0.025 ** (1 / 126), 10);
    // R: binom.test(3, 10)$conf.int
    expect(clopperPearson(3, 10).low).toBeCloseTo(0.06673951, 7);
    expect(clopperPearson(3, 10).high).toBeCloseTo(0.6524529, 7);
  });
});
