import type { ExactRate } from './clopper-pearson.ts';

/**
 * The shape of summary.json's `verification` section (built by sim/verification/verification-section.ts):
 * the verification study's rates, kept here beside the summary so that every reader (compare, sweep,
 * report) can name them without depending on the study.
 */

/** A false-match rate over both kinds of impostor, weighted by `behaviour.lookAlikeImpostorShare`. */
export interface MixedRate {
  value: number;
  /** Weighted sums of the two kinds' bounds at 97.5 %: together at least 95 % (Bonferroni). */
  low: number;
  high: number;
  lookAlikeShare: number;
  random: ExactRate;
  lookAlike: ExactRate;
}

export interface RatesAt {
  threshold: number;
  /** The first attempt of a window: a fresh attempt, independent of every other counted. */
  attempt: { falseNonMatch: ExactRate; falseMatch: MixedRate };
  /** Up to `policy.maxAttempts` attempts: a window fails to match only if every attempt does. */
  window: { falseNonMatch: ExactRate; falseMatch: MixedRate };
}

export interface YearlyEstimate {
  value: number;
  low: number;
  high: number;
}

export interface FleetConsequences {
  /** Windows of this modality answered a year (genuine and impostor), from the fleet's own run. */
  windowsPerYear: number;
  impostorWindowsPerYear: number;
  genuineJudgedWindowsPerYear: number;
  falseAcceptsPerYear: YearlyEstimate;
  verificationFalseFailuresPerYear: YearlyEstimate;
}

export interface ModalityStudy {
  threshold: number;
  atThreshold: RatesAt;
  groups: ({ name: string } & RatesAt)[];
  fleet: FleetConsequences;
  /** Rates over the study's fixed grid of thresholds and this one, Wilson intervals (for curves). */
  curve: RatesAt[];
}

export interface VerificationSection {
  digest: string;
  confidence: number;
  design: {
    genuineWindows: number;
    impostorWindows: number;
    lookAlikeWindows: number;
    attemptsPerWindow: number;
    nightAttemptShare: number;
    chunkWindows: number;
  };
  face: ModalityStudy;
  voice: ModalityStudy;
  fleet: { falseAcceptsPerYear: YearlyEstimate; verificationFalseFailuresPerYear: YearlyEstimate };
}

