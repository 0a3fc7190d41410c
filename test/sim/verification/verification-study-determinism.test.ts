import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/index.ts';
import { buildSummary } from '../../../sim/metrics/summary.ts';
import { digestOfSummary } from '../../../sim/metrics/summary.ts';
import { runSimulation } from '../../../sim/engine/run-simulation.ts';
import { MODALITIES, STRATA, runScoreStudy, stratumSums, studyInputs } from '../../../sim/verification/score-study.ts';
import { addVerificationStudy, drawStudies } from '../../../sim/verification/study-summary.ts';
import { runStudies } from '../../../sim/verification/study-pool.ts';
import { thresholdsFor } from '../../../sim/verification/verification-section.ts';

// What lets one study serve a whole sweep, and keeps the fleet apart from it.

const small = { 'verification.genuineWindows': 3000, 'verification.impostorWindows': 3000, 'verification.lookAlikeWindows': 1000 };

describe('verification study: determinism', () => {
  it('sums the same at a threshold whatever other thresholds and however many attempts are drawn', () => {
    const scenario = loadScenario({ overrides: small });
    const narrow = runScoreStudy(studyInputs(scenario, 3), [0.2, 0.325]);
    const wide = runScoreStudy(studyInputs(scenario, 5), [0.1, 0.2, 0.3, 0.325, 0.4]);
    for (const modality of MODALITIES) {
      for (const stratum of STRATA) {
        for (const k of [1, 2, 3]) {
          expect(stratumSums(wide, modality, stratum, 3, k)).toEqual(stratumSums(narrow, modality, stratum, 1, k));
          expect(stratumSums(wide, modality, stratum, 1, k)).toEqual(stratumSums(narrow, modality, stratum, 0, k));
        }
      }
    }
  });

  it('draws the same study in the calling thread as in one worker thread or with its chunks spread over two, whatever order they finish in', { timeout: 60_000 }, async () => {
    // 15,000 random-impostor windows: three chunks a modality, so both workers sum chunks of the same stratum.
    const scenario = loadScenario({ overrides: { ...small, 'verification.impostorWindows': 15_000 } });
    const request = { inputs: studyInputs(scenario), thresholds: thresholdsFor(scenario) };
    const [inThread] = await runStudies([request], { workers: 1 });
    const [inOneWorker] = await runStudies([request], { workers: 1, offThread: true });
    const [inWorkers] = await runStudies([request], { workers: 2 });
    expect(inThread!.scores).toBe((3000 + 15_000 + 1000) * 2 * 3);
    for (const elsewhere of [inOneWorker!, inWorkers!]) {
      expect(elsewhere.scores).toBe(inThread!.scores);
      for (const modality of MODALITIES) {
        for (const stratum of STRATA) {
          const [threads, thread] = [elsewhere.sums[modality][stratum], inThread!.sums[modality][stratum]];
          expect(threads.windows).toEqual(thread.windows);
          // The same bits: chunks' sums are added in chunk order, not in the order they finish.
          expect(Buffer.from(threads.sum.buffer).equals(Buffer.from(thread.sum.buffer))).toBe(true);
          expect(Buffer.from(threads.sumOfSquares.buffer).equals(Buffer.from(thread.sumOfSquares.buffer))).toBe(true);
        }
      }
    }
    expect(inThread!.sums.face.random.windows).toEqual([15_000]);
    expect(stratumSums(inThread!, 'face', 'random', 0, 3).sum).toBeGreaterThan(0);
  });

  it("gives a sweep point the section a run of its scenario gets, and leaves the fleet's digest alone", async () => {
    const scenario = loadScenario({ overrides: { ...small, participants: 300, days: 7, seed: 5 } });
    const other = loadScenario({ overrides: { ...small, participants: 300, days: 7, seed: 5, 'policy.faceThreshold': 0.4, 'policy.maxAttempts': 5 } });
    const run = await runSimulation(scenario, { workers: 1 });
    const fleet = buildSummary(scenario, 'sim', run.metrics);
    const alone = addVerificationStudy(scenario, fleet, await drawStudies([scenario], { workers: 1 }));
    const shared = await drawStudies([other, scenario], { workers: 1 });
    expect(shared.size).toBe(1);
    const inSweep = addVerificationStudy(scenario, fleet, shared);
    expect(JSON.stringify(inSweep)).toBe(JSON.stringify(alone));
    expect(alone.digest).toBe(fleet.digest);
    expect(digestOfSummary(alone)).toBe(fleet.digest);
    expect(alone.verification!.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(alone).slice(-2)).toEqual(['scores', 'verification']);
  });
});
