import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { Z_95 } from '../../../sim/metrics/intervals.ts';
import { runScoreStudy, stratumSums, studyInputs, type Stratum } from '../../../sim/verification/score-study.ts';
import { thresholdsFor, verificationSection } from '../../../sim/verification/verification-section.ts';

// summary.json's rates are the study's sums read as means with normal intervals: the first attempt
// for `attempt`, policy.maxAttempts for `window`, the two impostor kinds mixed with their standard errors.

describe('verification section: rates from the sums', () => {
  it('reads each rate as a mean with value ± 1.96·sd/√n, and the false match as the weighted mean of two means', () => {
    const scenario = loadScenario({ overrides: { 'verification.genuineWindows': 2000, 'verification.impostorWindows': 1000, 'verification.lookAlikeWindows': 1000 } });
    const study = runScoreStudy(studyInputs(scenario), thresholdsFor(scenario));
    const section = verificationSection(scenario, study, { days: 30, complied: 1000, impostor: 1, judged: 900 });
    const j = study.thresholds.indexOf(scenario.policy.faceThreshold);
    const mean = (stratum: Stratum, k: number) => {
      const { windows, sum, sumOfSquares } = stratumSums(study, 'face', stratum, j, k);
      const value = sum / windows;
      return { windows, value, standardError: Math.sqrt((sumOfSquares - sum * value) / (windows - 1) / windows) };
    };
    const L = scenario.behaviour.lookAlikeImpostorShare;
    for (const [rates, k] of [
      [section.face.atThreshold.attempt, 1],
      [section.face.atThreshold.window, scenario.policy.maxAttempts],
    ] as const) {
      const genuine = mean('genuine', k);
      expect(rates.falseNonMatch.windows).toBe(2000);
      // The section keeps ten significant digits.
      expect(rates.falseNonMatch.value / genuine.value).toBeCloseTo(1, 8);
      expect((rates.falseNonMatch.high - rates.falseNonMatch.value) / (Z_95 * genuine.standardError)).toBeCloseTo(1, 6);
      const [random, lookAlike] = [mean('random', k), mean('lookAlike', k)];
      expect(rates.falseMatch.random.value / random.value).toBeCloseTo(1, 8);
      expect(rates.falseMatch.lookAlike.value / lookAlike.value).toBeCloseTo(1, 8);
      expect(rates.falseMatch.value / ((1 - L) * random.value + L * lookAlike.value)).toBeCloseTo(1, 8);
      const standardError = Math.hypot((1 - L) * random.standardError, L * lookAlike.standardError);
      expect(rates.falseMatch.standardError / standardError).toBeCloseTo(1, 8);
      expect((rates.falseMatch.high - rates.falseMatch.value) / (Z_95 * standardError)).toBeCloseTo(1, 6);
    }
    // More attempts, more chances for an impostor and fewer failures for the participant.
    expect(section.face.atThreshold.window.falseMatch.value).toBeGreaterThan(section.face.atThreshold.attempt.falseMatch.value);
    expect(section.face.atThreshold.window.falseNonMatch.value).toBeLessThan(section.face.atThreshold.attempt.falseNonMatch.value);
  });
});
