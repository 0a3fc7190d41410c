import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { Z_95 } from '../../../sim/metrics/intervals.ts';
import { studyChunks, studyInputs, sumChunk } from '../../../sim/verification/score-study.ts';
import { closedFormOverrides, genuineFalseRejectRate, randomFalseMatchRate, thresholdFor } from '../../helpers/verification-analytic.ts';

// Do the study's 95 % intervals hold 95 % of the time where rates are rare? Many independent small
// studies (seeds 1..REPLICATIONS, the schema's smallest size) of the closed-form cosine model, at
// thresholds whose exact rates are known by numerical integration: the share of intervals that hold
// the exact rate must lie in the central 99.9 % of Binomial(REPLICATIONS, 0.95). A mean of heavy-tailed
// window probabilities (a stranger's ρ drawn rather than integrated) fails this at 1e-6.

const DIMENSION = 128;
const SIGMA = 0.153;
const WINDOWS = 1000;
const REPLICATIONS = 1000;

/** The central interval of Binomial(n, p) holding at least `level` of its mass. */
function binomialCentral(n: number, p: number, level: number): { low: number; high: number } {
  const logPmf = (k: number) => logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
  const pmf = Array.from({ length: n + 1 }, (_, k) => Math.exp(logPmf(k)));
  let low = 0;
  let below = 0;
  while (below + pmf[low]! <= (1 - level) / 2) below += pmf[low++]!;
  let high = n;
  let above = 0;
  while (above + pmf[high]! <= (1 - level) / 2) above += pmf[high--]!;
  return { low, high };
}

function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let i = 1; i <= k; i++) sum += Math.log((n - k + i) / i);
  return sum;
}

function coverage(stratum: 'random' | 'genuine', threshold: number, exact: number): number {
  let held = 0;
  for (let seed = 1; seed <= REPLICATIONS; seed++) {
    const scenario = loadScenario({ overrides: { ...closedFormOverrides(SIGMA, DIMENSION), seed, 'verification.genuineWindows': WINDOWS, 'verification.impostorWindows': WINDOWS } });
    const [chunk] = studyChunks(studyInputs(scenario), ['face']).filter((candidate) => candidate.stratum === stratum);
    const { sum, sumOfSquares } = sumChunk(studyInputs(scenario), [threshold], chunk!);
    const mean = sum[0]! / WINDOWS;
    const standardError = Math.sqrt((sumOfSquares[0]! - sum[0]! * mean) / (WINDOWS - 1) / WINDOWS);
    if (Math.abs(exact - mean) <= Z_95 * standardError) held++;
  }
  return held;
}

describe('verification study: coverage of its intervals', () => {
  const region = binomialCentral(REPLICATIONS, 0.95, 0.999);

  it('the acceptance region is the binomial one: about 0.95 ± 0.023 for 1,000 replications', () => {
    expect(region.low).toBeGreaterThanOrEqual(925);
    expect(region.low).toBeLessThanOrEqual(930);
    expect(region.high).toBeGreaterThanOrEqual(970);
    expect(region.high).toBeLessThanOrEqual(975);
  });

  for (const target of [1e-4, 1e-6]) {
    it(`95 % intervals of a false-match rate of ${target} per attempt hold it in 95 % of 1,000 studies of 1,000 windows`, { timeout: 120_000 }, () => {
      const threshold = thresholdFor((t) => randomFalseMatchRate(t, DIMENSION), target, false);
      const held = coverage('random', threshold, randomFalseMatchRate(threshold, DIMENSION));
      expect(held).toBeGreaterThanOrEqual(region.low);
      expect(held).toBeLessThanOrEqual(region.high);
    });
  }

  it('95 % intervals of a false non-match rate of 1e-6 per attempt hold it in 95 % of 1,000 studies of 1,000 windows', { timeout: 120_000 }, () => {
    const threshold = thresholdFor((t) => genuineFalseRejectRate(SIGMA, t, DIMENSION), 1e-6, true);
    const held = coverage('genuine', threshold, genuineFalseRejectRate(SIGMA, threshold, DIMENSION));
    expect(held).toBeGreaterThanOrEqual(region.low);
    expect(held).toBeLessThanOrEqual(region.high);
  });
});
