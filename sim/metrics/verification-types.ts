/**
 * The shape of summary.json's `verification` section (built by sim/verification/verification-section.ts):
 * the verification study's rates, kept here beside the summary so that every reader (compare, sweep,
 * report) can name them without depending on the study.
 */

/**
 * A study rate: the mean over windows of each window's probability of the error given its draws
 * (sim/verification/score-study.ts), with the normal interval of a mean, value ± z·standardError,
 * clamped to [0, 1].
 */
export interface MeanRate {
  /** Windows averaged over. */
  windows: number;
  value: number;
  low: number;
  high: number;
  /** The sample standard deviation of the windows' probabilities over √windows. */
  standardError: number;
}

/**
 * A false-match rate over both kinds of impostor, weighted by `behaviour.lookAlikeImpostorShare`: the
 * weighted mean of two independent means, whose standard error is the weighted root sum of squares.
 */
export interface MixedRate {
  value: number;
  low: number;
  high: number;
  standardError: number;
  lookAlikeShare: number;
  random: MeanRate;
  lookAlike: MeanRate;
}

export interface RatesAt {
  threshold: number;
  /** The first attempt of a window: a fresh attempt, independent of every other counted. */
  attempt: { falseNonMatch: MeanRate; falseMatch: MixedRate };
  /** Up to `policy.maxAttempts` attempts: a window fails to match only if every attempt does. */
  window: { falseNonMatch: MeanRate; falseMatch: MixedRate };
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
  /** Rates over the study's fixed grid of thresholds and this one (for curves). */
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

