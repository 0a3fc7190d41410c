import { createHash } from 'node:crypto';
import { Z_95 } from '../metrics/intervals.ts';
import type { FleetConsequences, MeanRate, MixedRate, ModalityStudy, RatesAt, VerificationSection, YearlyEstimate } from '../metrics/verification-types.ts';
import { CHUNK_WINDOWS, MODALITIES, stratumSums, type ScoreStudy, type Stratum, type StudyModality } from './score-study.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/**
 * summary.json's `verification` section: the verification study's rates at the scenario's
 * thresholds, per attempt and per window, by impostor kind and by group, with what they mean for the
 * fleet in a year (DESIGN.md, "Verification study"). It lies outside the fleet's `digest` and carries a
 * digest of its own.
 */

/** The thresholds every study reports besides the scenario's own: the curve the DET chart draws. */
const CURVE_THRESHOLDS: readonly number[] = Array.from({ length: 29 }, (_, i) => (i * 25) / 1000);

/** The thresholds a study of this scenario must sum at (more may be summed: a sweep's union). */
export function thresholdsFor(scenario: Scenario): number[] {
  return [...CURVE_THRESHOLDS, scenario.policy.faceThreshold, scenario.policy.voiceThreshold];
}

/** What the fleet's run says about its size: windows answered, judged and by impostors. */
export interface FleetCounts {
  days: number;
  complied: number;
  impostor: number;
  judged: number;
}

export function verificationSection(scenario: Scenario, study: ScoreStudy, fleet: FleetCounts): VerificationSection {
  if (study.inputs.attempts < scenario.policy.maxAttempts) throw new Error('the study drew fewer attempts per window than policy.maxAttempts');
  const modalityWeights = { face: scenario.population.modality.app, voice: scenario.population.modality.phone };
  const totalWeight = modalityWeights.face + modalityWeights.voice;
  const perModality = {} as Record<StudyModality, ModalityStudy>;
  for (const modality of MODALITIES) {
    const threshold = modality === 'face' ? scenario.policy.faceThreshold : scenario.policy.voiceThreshold;
    const rates = (t: number, group?: number) => ratesAt(study, scenario, modality, t, group);
    const atThreshold = rates(threshold);
    perModality[modality] = {
      threshold,
      atThreshold,
      groups: scenario.verification.groups.map((group, index) => ({ name: group.name, ...rates(threshold, index) })),
      fleet: consequences(scenario, fleet, modalityWeights[modality] / totalWeight, atThreshold),
      curve: [...new Set([...CURVE_THRESHOLDS, threshold])].sort((a, b) => a - b).map((t) => rates(t)),
    };
  }
  const add = (key: 'falseAcceptsPerYear' | 'verificationFalseFailuresPerYear'): YearlyEstimate => ({
    value: round(perModality.face.fleet[key].value + perModality.voice.fleet[key].value),
    low: round(perModality.face.fleet[key].low + perModality.voice.fleet[key].low),
    high: round(perModality.face.fleet[key].high + perModality.voice.fleet[key].high),
  });
  const withoutDigest = {
    confidence: 0.95,
    design: {
      genuineWindows: scenario.verification.genuineWindows,
      impostorWindows: scenario.verification.impostorWindows,
      lookAlikeWindows: scenario.verification.lookAlikeWindows,
      attemptsPerWindow: scenario.policy.maxAttempts,
      nightAttemptShare: scenario.verification.nightAttemptShare,
      chunkWindows: CHUNK_WINDOWS,
    },
    face: perModality.face,
    voice: perModality.voice,
    fleet: { falseAcceptsPerYear: add('falseAcceptsPerYear'), verificationFalseFailuresPerYear: add('verificationFalseFailuresPerYear') },
  };
  return { digest: createHash('sha256').update(JSON.stringify(withoutDigest)).digest('hex'), ...withoutDigest };
}

function ratesAt(study: ScoreStudy, scenario: Scenario, modality: StudyModality, threshold: number, group?: number): RatesAt {
  const j = study.thresholds.indexOf(threshold);
  if (j < 0) throw new Error(`the study did not sum at threshold ${threshold}`);
  const lookAlikeShare = scenario.behaviour.lookAlikeImpostorShare;
  const at = (k: number) => {
    const kind = (stratum: Stratum) => meanRate(stratumSums(study, modality, stratum, j, k, group));
    return { falseNonMatch: kind('genuine'), falseMatch: mixed(kind('random'), kind('lookAlike'), lookAlikeShare) };
  };
  return { threshold, attempt: at(1), window: at(scenario.policy.maxAttempts) };
}

/** The mean of the windows' probabilities with its 95 % normal interval; the whole of [0, 1] with fewer than two windows. */
function meanRate({ windows, sum, sumOfSquares }: { windows: number; sum: number; sumOfSquares: number }): MeanRate {
  if (windows < 2) return { windows, value: windows === 0 ? 0 : round(sum), low: 0, high: 1, standardError: 0.5 };
  const value = sum / windows;
  const variance = Math.max(0, sumOfSquares - sum * value) / (windows - 1);
  return { windows, ...normalInterval(value, Math.sqrt(variance / windows)) };
}

function mixed(random: MeanRate, lookAlike: MeanRate, lookAlikeShare: number): MixedRate {
  const value = (1 - lookAlikeShare) * random.value + lookAlikeShare * lookAlike.value;
  const standardError = Math.hypot((1 - lookAlikeShare) * random.standardError, lookAlikeShare * lookAlike.standardError);
  return { ...normalInterval(value, standardError), lookAlikeShare, random, lookAlike };
}

function normalInterval(value: number, standardError: number): { value: number; low: number; high: number; standardError: number } {
  return {
    value: round(value),
    low: round(Math.max(0, value - Z_95 * standardError)),
    high: round(Math.min(1, value + Z_95 * standardError)),
    standardError: round(standardError),
  };
}

/**
 * Expected false accepts and verification false failures a year: the study's per-window rates times
 * the fleet's windows a year of this modality (in the scenario's modality shares). Impostor windows a
 * year are the windows answered times `behaviour.impostorPerWindow` (their expectation, not the run's
 * few); genuine windows are those the run judged. The windows a year are taken as known, so the
 * intervals are the rates' intervals scaled.
 */
function consequences(scenario: Scenario, fleet: FleetCounts, modalityShare: number, at: RatesAt): FleetConsequences {
  const perYear = 365 / fleet.days;
  const windowsPerYear = (fleet.complied + fleet.impostor) * perYear * modalityShare;
  const impostorWindowsPerYear = windowsPerYear * scenario.behaviour.impostorPerWindow;
  const genuineJudgedWindowsPerYear = Math.max(0, fleet.judged - fleet.impostor) * perYear * modalityShare;
  const scale = (estimate: { value: number; low: number; high: number }, factor: number): YearlyEstimate => ({
    value: round(estimate.value * factor),
    low: round(estimate.low * factor),
    high: round(estimate.high * factor),
  });
  return {
    windowsPerYear: round(windowsPerYear),
    impostorWindowsPerYear: round(impostorWindowsPerYear),
    genuineJudgedWindowsPerYear: round(genuineJudgedWindowsPerYear),
    falseAcceptsPerYear: scale(at.window.falseMatch, impostorWindowsPerYear),
    verificationFalseFailuresPerYear: scale(at.window.falseNonMatch, genuineJudgedWindowsPerYear),
  };
}

/** Ten significant digits: rates of 1e-7 keep their figures; stable text. */
function round(value: number): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(10)) : value;
}
