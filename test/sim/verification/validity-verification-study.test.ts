import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { runScoreStudy, stratumSums, studyInputs } from '../../../sim/verification/score-study.ts';
import { closedFormOverrides, genuineFalseRejectRate, randomFalseMatchRate, thresholdFor } from '../../helpers/verification-analytic.ts';

// The verification study against the cosine model's exact rates, at thresholds giving about 1e-2,
// 1e-4 and 1e-6: a unit template, isotropic Gaussian noise, d = 128, one attempt, nothing else; the
// study at its default sizes.

const DIMENSION = 128;
const SIGMA = 0.153;
/** z of a two-sided 99.9 % interval. */
const Z_999 = 3.290526731491926;

const TARGETS = [1e-2, 1e-4, 1e-6];
const exactFmr = (t: number) => randomFalseMatchRate(t, DIMENSION);
const exactFnmr = (t: number) => genuineFalseRejectRate(SIGMA, t, DIMENSION);

describe('verification study: the closed form of the cosine model', () => {
  it('per-attempt false non-match and false match rates lie inside 99.9 % intervals of the exact ones at ~1e-2, 1e-4 and 1e-6, at the default sizes', { timeout: 120_000 }, () => {
    const fmrThresholds = TARGETS.map((target) => thresholdFor(exactFmr, target, false));
    const fnmrThresholds = TARGETS.map((target) => thresholdFor(exactFnmr, target, true));
    const scenario = loadScenario({ overrides: closedFormOverrides(SIGMA, DIMENSION) });
    const study = runScoreStudy(studyInputs(scenario), [...fmrThresholds, ...fnmrThresholds], ['face']);
    const rows = [
      ...fmrThresholds.map((threshold, index) => ({ kind: 'false match', target: TARGETS[index]!, threshold, exact: exactFmr(threshold) })),
      ...fnmrThresholds.map((threshold, index) => ({ kind: 'false non-match', target: TARGETS[index]!, threshold, exact: exactFnmr(threshold) })),
    ].map((row) => {
      const sums = stratumSums(study, 'face', row.kind === 'false match' ? 'random' : 'genuine', study.thresholds.indexOf(row.threshold), 1);
      const mean = sums.sum / sums.windows;
      const standardError = Math.sqrt((sums.sumOfSquares - sums.sum * mean) / (sums.windows - 1) / sums.windows);
      return { ...row, windows: sums.windows, mean, low: mean - Z_999 * standardError, high: mean + Z_999 * standardError, relativeHalfWidth95: (1.959964 * standardError) / mean };
    });
    console.table(rows);
    for (const row of rows) {
      // The exact value is near its target, so each threshold tests the decade it was meant to.
      expect(row.exact / row.target).toBeGreaterThan(0.9);
      expect(row.exact / row.target).toBeLessThan(1.1);
      expect(row.windows).toBe(row.kind === 'false match' ? scenario.verification.impostorWindows : scenario.verification.genuineWindows);
      expect(row.exact).toBeGreaterThanOrEqual(row.low);
      expect(row.exact).toBeLessThanOrEqual(row.high);
      // What the default sizes are for: a rate of 1e-6 read to ±30 % (95 %) or better.
      expect(row.relativeHalfWidth95).toBeLessThan(0.3);
    }
  });
});
