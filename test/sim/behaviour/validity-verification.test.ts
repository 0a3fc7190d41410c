import { describe, expect, it } from 'vitest';
import { quietScenario } from '../../helpers/scenarios.ts';
import { summarise } from '../../helpers/run.ts';
import { wilsonInterval } from '../../helpers/intervals.ts';
import { genuineFalseRejectRate } from '../../helpers/verification-analytic.ts';
import { RandomStream } from '../../../sim/rng/index.ts';
import { drawGenuineSample, sampleSimilarity } from '../../../sim/behaviour/biometrics.ts';
import { cosineSimilarity } from '../../../server-stub/policy/index.ts';
import { loadScenario } from '../../../scenarios/index.ts';

const expectConsistent = (failures: number, trials: number, expected: number) => {
  const { low, high } = wilsonInterval(failures, trials);
  expect(expected).toBeGreaterThanOrEqual(low);
  expect(expected).toBeLessThanOrEqual(high);
};

// (b) With the Gaussian noise model and threshold t, the genuine false-reject share is the analytic one.
describe('verification false rejects', () => {
  it.each([
    { sigma: 0.17, threshold: 0.325 },
    { sigma: 0.2, threshold: 0.3 },
  ])('σ = $sigma, t = $threshold: rejected windows match the analytic false-reject rate', async ({ sigma, threshold }) => {
    const scenario = quietScenario({
      participants: 20_000,
      days: 28,
      seed: 23,
      'biometrics.faceNoise': sigma,
      'policy.faceThreshold': threshold,
      'policy.maxAttempts': 1,
    });
    const summary = await summarise(scenario);
    expect(summary.verdicts.missed).toBe(0);
    expect(summary.falseFailures.byCause.verification_false_reject).toBe(summary.verdicts.rejected);
    expectConsistent(summary.verdicts.rejected, summary.windows.complied, genuineFalseRejectRate(sigma, threshold, 128));
  });

  it('the two-draw score has the distribution of the full 128-component sample', () => {
    const sigma = 0.2;
    const threshold = 0.3;
    const dimension = 128;
    const stream = new RandomStream('full-vector');
    const template = Float64Array.from({ length: dimension }, () => stream.normal());
    const norm = Math.hypot(...template);
    template.forEach((value, index) => (template[index] = value / norm));
    const sample = new Float64Array(dimension);
    const trials = 100_000;
    let fullRejects = 0;
    let twoDrawRejects = 0;
    for (let trial = 0; trial < trials; trial++) {
      for (let i = 0; i < dimension; i++) sample[i] = template[i]! + sigma * stream.normal();
      if (cosineSimilarity(sample, template) < threshold) fullRejects++;
      if (sampleSimilarity(drawGenuineSample(stream, sigma, dimension)) < threshold) twoDrawRejects++;
    }
    const analytic = genuineFalseRejectRate(sigma, threshold, dimension);
    expectConsistent(fullRejects, trials, analytic);
    expectConsistent(twoDrawRejects, trials, analytic);
  });

  it('the default operating point matches CALIBRATION.md: ~0.5 % for a good selfie, 1.5–10 % for a poor one', () => {
    const { biometrics, policy } = loadScenario();
    const good = genuineFalseRejectRate(biometrics.faceNoise, policy.faceThreshold, biometrics.dimension);
    const poor = genuineFalseRejectRate(biometrics.faceNoise * biometrics.poorCaptureNoiseFactor, policy.faceThreshold, biometrics.dimension);
    expect(good).toBeGreaterThan(0.002);
    expect(good).toBeLessThan(0.0068);
    expect(poor).toBeGreaterThan(0.015);
    expect(poor).toBeLessThan(0.1);
  });
});
