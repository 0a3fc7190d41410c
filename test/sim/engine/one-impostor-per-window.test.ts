import { describe, expect, it } from 'vitest';
import { quietScenario } from '../../helpers/scenarios.ts';
import { summarise } from '../../helpers/run.ts';
import { wilsonInterval } from '../../helpers/intervals.ts';
import { RandomStream } from '../../../sim/rng/index.ts';
import { drawImpostorRho, drawImpostorSample, sampleSimilarity } from '../../../sim/behaviour/biometrics.ts';

// One impostor answers every attempt of a window, so a window's attempts share the impostor's template
// correlation ρ: with n attempts, the window false-accept rate is E_ρ[1 - (1 - p(ρ))^n], where p(ρ) is the
// per-attempt false-match rate of that impostor. An impostor drawn afresh at each attempt would give
// 1 - (1 - E_ρ[p(ρ)])^n, higher by Jensen's inequality. p(ρ) is estimated here on a stream of its own.
describe('one impostor per window', () => {
  it('gives the window false-accept rate of a single impostor at a low threshold', async () => {
    const threshold = 0.08;
    const attempts = 3;
    const scenario = quietScenario({
      participants: 10_000,
      days: 28,
      seed: 71,
      'behaviour.impostorPerWindow': 1,
      'behaviour.lookAlikeImpostorShare': 0,
      'policy.faceThreshold': threshold,
      'policy.maxAttempts': attempts,
    });
    const summary = await summarise(scenario);
    const { dimension, faceNoise } = scenario.biometrics;

    const stream = new RandomStream('one-impostor-expectation');
    const impostors = 4_000;
    const samplesEach = 400;
    let singleImpostor = 0;
    let meanMatch = 0;
    for (let impostor = 0; impostor < impostors; impostor++) {
      const rho = drawImpostorRho(stream, dimension, false, 0);
      let matches = 0;
      for (let sample = 0; sample < samplesEach; sample++) if (sampleSimilarity(drawImpostorSample(stream, faceNoise, dimension, rho)) >= threshold) matches++;
      const p = matches / samplesEach;
      singleImpostor += 1 - (1 - p) ** attempts;
      meanMatch += p;
    }
    singleImpostor /= impostors;
    meanMatch /= impostors;
    const freshImpostors = 1 - (1 - meanMatch) ** attempts;

    expect(summary.windows.impostor).toBeGreaterThan(30_000);
    const { low, high } = wilsonInterval(summary.falseAccepts.total, summary.windows.impostor);
    // The estimate of the expectation carries its own error (4,000 impostors): widen by 4 of its standard errors.
    const estimateError = 4 * Math.sqrt((singleImpostor * (1 - singleImpostor)) / impostors);
    expect(singleImpostor).toBeGreaterThanOrEqual(low - estimateError);
    expect(singleImpostor).toBeLessThanOrEqual(high + estimateError);
    expect(freshImpostors).toBeGreaterThan(high + estimateError);
  }, 60_000);
});
