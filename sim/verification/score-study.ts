import { drawImpostorRho } from '../behaviour/biometrics.ts';
import { studyStream, type RandomStream } from '../rng/index.ts';
import { DEVICE_TIERS, cumulativeShares } from '../../scenarios/catalog.ts';
import { strangerNodes } from './stranger-quadrature.ts';
import { TailKernel } from './tail-kernel.ts';
import type { Scenario } from '../../scenarios/schema.ts';

/**
 * The verification study: genuine and impostor scores drawn from exactly the fleet's score model
 * (sim/behaviour/biometrics.ts, with σ composed as participant-life.ts composes it), many more than a
 * fleet makes, so that false-match rates down to 1e-6 can be read with an interval (DESIGN.md,
 * "Verification study").
 *
 * Invariants, on which determinism rests:
 * - Every draw comes from streams keyed (seed, 'verification', modality, stratum, chunk, role), never
 *   from a fleet stream: the fleet's results and digests are the same with or without the study.
 * - Windows are drawn in chunks of CHUNK_WINDOWS; a chunk's draws depend on its key alone, and chunks'
 *   sums are added in chunk order, so the sums do not depend on how (or on how many threads) chunks
 *   are run.
 * - Attempt k of every window of a chunk draws from a stream of its own: the first k attempts of a
 *   window are the same whatever the number of attempts drawn, so one study serves every
 *   `policy.maxAttempts` up to the number it drew.
 * - No threshold enters a draw: one study serves every threshold; sums are kept for a sorted list
 *   of thresholds given when drawing.
 *
 * What is summed is not whether a window matched but the probability that it did, given what was drawn
 * for it other than each attempt's z₁ and, for an impostor, the stranger's ρ (a Rao–Blackwellised,
 * conditional estimator): the score is a/√(a² + c²) with a = ρ + σz₁ and c² = b² + σ²R, so for |τ| < 1
 * it reaches τ exactly when a ≥ τc/√(1 − τ²), whose probability is Φ̄((τc/√(1 − τ²) − ρ)/σ). An
 * attempt's conditions never depend on whether the one before matched, so given the window's draws
 * its attempts are independent. An impostor's window is then integrated over the stranger part of ρ
 * by Gauss quadrature (stranger-quadrature.ts). The mean of these probabilities over windows is
 * unbiased for the rate (to the quadrature's ~1e-7) and, at rare thresholds, far less variable than
 * the share of windows that matched. z₁ and ρ are still drawn, so every other draw is the one the
 * fleet's score model would make.
 */

export const MODALITIES = ['face', 'voice'] as const;
export type StudyModality = (typeof MODALITIES)[number];
/** Genuine windows; impostor windows of random strangers; impostor windows of look-alikes. */
export const STRATA = ['genuine', 'random', 'lookAlike'] as const;
export type Stratum = (typeof STRATA)[number];

/** Windows per chunk: each chunk has streams of its own, and is the unit study-pool.ts hands to a thread. */
export const CHUNK_WINDOWS = 5_000;

/** Gauss nodes over a stranger's ρ: 16 reproduce a window's rate to ~1e-7 relative down to 1e-12 (more change nothing). */
const STRANGER_NODES = 16;

/** What a chunk costs to draw, in genuine windows: an impostor window is scored at every node of ρ. */
export function chunkCost(chunk: StudyChunk): number {
  return chunk.windows * (chunk.stratum === 'genuine' ? 1 : STRANGER_NODES);
}

/** What a study draws: the scenario's score model and the study's sizes, never a threshold. */
export interface StudyInputs {
  seed: number;
  days: number;
  biometrics: Scenario['biometrics'];
  deviceTier: Scenario['population']['deviceTier'];
  enrolledMonthsAgoMax: number;
  poorLightOnRetry: number;
  lookAlikeCorrelation: number;
  verification: Scenario['verification'];
  /** Attempts drawn per window: at least every `policy.maxAttempts` the study will be read at. */
  attempts: number;
}

export function studyInputs(scenario: Scenario, attempts = scenario.policy.maxAttempts): StudyInputs {
  return {
    seed: scenario.seed,
    days: scenario.days,
    biometrics: scenario.biometrics,
    deviceTier: scenario.population.deviceTier,
    enrolledMonthsAgoMax: scenario.population.enrolledMonthsAgoMax,
    poorLightOnRetry: scenario.glitches.sameCauseOnRetry.poorLight,
    lookAlikeCorrelation: scenario.biometrics.lookAlikeCorrelation,
    verification: scenario.verification,
    attempts,
  };
}

/** Text that is equal for two scenarios exactly when their studies draw the same scores. */
export function studyKey(inputs: StudyInputs): string {
  return JSON.stringify(inputs);
}

/**
 * Sums of one stratum over its windows of each group g, for the first k attempts (1 ≤ k ≤ attempts)
 * and threshold j (0-based, ascending), of the window's conditional probability of the stratum's error:
 * that none of those attempts matched (genuine windows: a false non-match) or that one did (impostor
 * windows: a false match). Index ((g · attempts) + (k − 1)) · T + j.
 */
export interface StratumSums {
  windows: number[];
  sum: Float64Array;
  sumOfSquares: Float64Array;
}

export interface ScoreStudy {
  inputs: StudyInputs;
  /** Ascending, distinct. */
  thresholds: number[];
  /** Group names; one group named 'all' when the scenario has none. */
  groups: string[];
  sums: Record<StudyModality, Record<Stratum, StratumSums>>;
  /** Scores drawn (attempts), for cost accounting. */
  scores: number;
}

/** One chunk of a study: the unit of work a thread draws, with streams of its own. */
export interface StudyChunk {
  modality: StudyModality;
  stratum: Stratum;
  chunk: number;
  windows: number;
}

const YEAR_DAYS = 365;
const MONTH_DAYS = 30;

/** Ascending, distinct: the form every sum is kept in. */
export function sortedThresholds(thresholdList: readonly number[]): number[] {
  return [...new Set(thresholdList)].sort((a, b) => a - b);
}

function studyGroups(inputs: StudyInputs): StudyInputs['verification']['groups'] {
  return inputs.verification.groups.length > 0 ? inputs.verification.groups : [{ name: 'all', share: 1, genuineNoiseFactor: 1, impostorCorrelation: 0 }];
}

/** Every chunk of a study, modality by modality, stratum by stratum, in chunk order. */
export function studyChunks(inputs: StudyInputs, modalities: readonly StudyModality[] = MODALITIES): StudyChunk[] {
  const sizes: Record<Stratum, number> = {
    genuine: inputs.verification.genuineWindows,
    random: inputs.verification.impostorWindows,
    lookAlike: inputs.verification.lookAlikeWindows,
  };
  const chunks: StudyChunk[] = [];
  for (const modality of modalities) {
    for (const stratum of STRATA) {
      for (let chunk = 0, first = 0; first < sizes[stratum]; chunk++, first += CHUNK_WINDOWS) {
        chunks.push({ modality, stratum, chunk, windows: Math.min(CHUNK_WINDOWS, sizes[stratum] - first) });
      }
    }
  }
  return chunks;
}

/** The study in the calling thread. */
export function runScoreStudy(inputs: StudyInputs, thresholdList: readonly number[], modalities: readonly StudyModality[] = MODALITIES): ScoreStudy {
  const thresholds = sortedThresholds(thresholdList);
  const chunks = studyChunks(inputs, modalities);
  return assembleStudy(inputs, thresholds, chunks, chunks.map((chunk) => sumChunk(inputs, thresholds, chunk)));
}

/**
 * A study from its chunks' sums, however they were drawn: they are added in the order of `chunks`
 * (studyChunks' order), never in the order chunks finish, so the floating-point totals are the same
 * bits for any number of threads. Strata without chunks (a modality left out) stay empty.
 */
export function assembleStudy(inputs: StudyInputs, thresholds: number[], chunks: readonly StudyChunk[], chunkSums: readonly StratumSums[]): ScoreStudy {
  const groups = studyGroups(inputs);
  const size = groups.length * inputs.attempts * thresholds.length;
  const sums = {} as ScoreStudy['sums'];
  for (const modality of MODALITIES) {
    sums[modality] = {} as Record<Stratum, StratumSums>;
    for (const stratum of STRATA) sums[modality][stratum] = { windows: groups.map(() => 0), sum: new Float64Array(size), sumOfSquares: new Float64Array(size) };
  }
  let scores = 0;
  chunks.forEach((chunk, index) => {
    const into = sums[chunk.modality][chunk.stratum];
    const from = chunkSums[index]!;
    from.windows.forEach((windows, group) => (into.windows[group] = into.windows[group]! + windows));
    for (let i = 0; i < size; i++) {
      into.sum[i] = into.sum[i]! + from.sum[i]!;
      into.sumOfSquares[i] = into.sumOfSquares[i]! + from.sumOfSquares[i]!;
    }
    scores += chunk.windows * inputs.attempts;
  });
  return { inputs, thresholds, groups: groups.map((group) => group.name), sums, scores };
}

/**
 * Draws one chunk's windows and sums their conditional error probabilities (thresholds ascending). The
 * hot loop of the study: the draws of biometrics.ts, with no object per attempt; what does not change
 * within a window is computed once. A window carries, per quadrature node of ρ (one, ρ = 1, for the
 * genuine person) and threshold, its error probability over the attempts so far: for impostors the
 * match probability q, updated as q + p(1 − q) (exact when q is tiny), for genuine windows the
 * non-match probability f, multiplied by 1 − p = Φ̄(−x) (exact when f is tiny). That update, over
 * every node and threshold of an attempt, is tail-kernel.ts's, in WebAssembly; the draws stay here.
 *
 * Every number the loops read is a double in a Float64Array or a double field of ChunkDraws, and genuine
 * and impostor windows each have a loop of their own (sumGenuineWindows, sumImpostorWindows) beside the
 * draws they share: V8 then compiles each loop for the one kind of window it sees. One function for both
 * kinds, optimized while drawing the first genuine chunk, was deoptimized and compiled again at every
 * change of kind (five to six TurboFan compiles of the whole chunk loop; the baseline's cold study took
 * 530 ms of CPU, 460 ms so, and 355 ms warm either way).
 */
export function sumChunk(inputs: StudyInputs, thresholds: readonly number[], chunk: StudyChunk): StratumSums {
  const draws = new ChunkDraws(inputs, thresholds, chunk);
  if (chunk.stratum === 'genuine') sumGenuineWindows(draws, chunk.windows);
  else sumImpostorWindows(draws, chunk.windows);
  return draws.sums;
}

function sumGenuineWindows(draws: ChunkDraws, windows: number): void {
  for (let w = 0; w < windows; w++) {
    draws.startWindow(1);
    for (let k = 0; k < draws.attempts; k++) {
      draws.drawAttempt(k, false);
      draws.kernel.genuineAttempt(draws.sigma, draws.residual);
      draws.addAttempt(k);
    }
    draws.endWindow();
  }
}

function sumImpostorWindows(draws: ChunkDraws, windows: number): void {
  for (let w = 0; w < windows; w++) {
    draws.startWindow(0);
    placeStranger(draws);
    for (let k = 0; k < draws.attempts; k++) {
      draws.drawAttempt(k, true);
      draws.kernel.impostorAttempt(draws.sigma, draws.z2, draws.residual);
      draws.addAttempt(k);
    }
    draws.endWindow();
  }
}

/**
 * What a chunk's windows read (its streams, the score model for its modality and stratum, per quadrature
 * node and threshold the error probability so far) and the window being drawn. One class for every
 * chunk, its numbers doubles from the start, so that V8 sees one shape in every kernel.
 */
class ChunkDraws {
  readonly sums: StratumSums;
  readonly attempts: number;
  readonly width: number;
  readonly kernel: TailKernel;
  readonly conditions: RandomStream;
  readonly attemptStreams: RandomStream[];
  readonly face: boolean;
  readonly dimension: number;
  readonly tierCumulative: Float64Array;
  readonly groupCumulative: Float64Array;
  readonly tierNoise: Float64Array;
  readonly genuineNoise: Float64Array;
  readonly impostorCorrelation: Float64Array;
  readonly hardToMatchShare: number;
  readonly hardToMatchNoiseFactor: number;
  readonly ageingNoisePerYear: number;
  readonly poorCapture: number;
  readonly poorCaptureAtNight: number;
  readonly poorCaptureNoiseFactor: number;
  readonly nightAttemptShare: number;
  readonly enrolledMonthsAgoMax: number;
  readonly days: number;
  readonly poorLightOnRetry: number;
  readonly strangerRho: Float64Array;
  group = 0;
  noiseBase = Number.NaN;
  poorShare = Number.NaN;
  previousPoor = false;
  sigma = Number.NaN;
  z2 = Number.NaN;
  residual = Number.NaN;

  constructor(inputs: StudyInputs, thresholds: readonly number[], { modality, stratum, chunk }: StudyChunk) {
    const { biometrics, attempts } = inputs;
    const groups = studyGroups(inputs);
    const width = thresholds.length;
    const size = groups.length * attempts * width;
    this.sums = { windows: groups.map(() => 0), sum: new Float64Array(size), sumOfSquares: new Float64Array(size) };
    this.attempts = attempts;
    this.width = width;
    const key = `${modality}/${stratum}/${chunk}`;
    this.conditions = studyStream(inputs.seed, `${key}/conditions`);
    this.attemptStreams = Array.from({ length: attempts }, (_, k) => studyStream(inputs.seed, `${key}/attempt${k + 1}`));
    const face = modality === 'face';
    const lookAlike = stratum === 'lookAlike';
    this.face = face;
    this.dimension = biometrics.dimension;
    this.tierCumulative = cumulativeShares(DEVICE_TIERS.map((tier) => inputs.deviceTier[tier]));
    this.groupCumulative = cumulativeShares(groups.map((group) => group.share));
    this.tierNoise = Float64Array.from(DEVICE_TIERS, (tier) => (face ? biometrics.faceNoise * biometrics.tierNoiseFactor[tier] : biometrics.voiceNoise));
    this.genuineNoise = Float64Array.from(groups, (group) => group.genuineNoiseFactor);
    this.impostorCorrelation = Float64Array.from(groups, (group) => (lookAlike ? inputs.lookAlikeCorrelation : group.impostorCorrelation));
    this.hardToMatchShare = biometrics.hardToMatchShare;
    this.hardToMatchNoiseFactor = biometrics.hardToMatchNoiseFactor;
    this.ageingNoisePerYear = biometrics.ageingNoisePerYear;
    this.poorCapture = biometrics.poorCapture;
    this.poorCaptureAtNight = biometrics.poorCaptureAtNight;
    this.poorCaptureNoiseFactor = biometrics.poorCaptureNoiseFactor;
    this.nightAttemptShare = inputs.verification.nightAttemptShare;
    this.enrolledMonthsAgoMax = inputs.enrolledMonthsAgoMax;
    this.days = inputs.days;
    this.poorLightOnRetry = inputs.poorLightOnRetry;
    const stranger = stratum === 'genuine' ? { rho: Float64Array.of(1), weight: Float64Array.of(1) } : strangerNodes(biometrics.dimension, STRANGER_NODES);
    this.strangerRho = stranger.rho;
    // s ≥ τ ⇔ a ≥ τ·c/√(1 − τ²): the slope of that bound in c, per threshold.
    const slopes = Float64Array.from(thresholds, (t) => (t >= 1 ? Infinity : t <= -1 ? -Infinity : t / Math.sqrt(1 - t * t)));
    this.kernel = new TailKernel(slopes, stranger.weight);
  }

  /** The conditions of a window, always the same draws: whose account, on which phone, how long since enrolment, by day or night. */
  startWindow(initialError: number): void {
    const conditions = this.conditions;
    const tier = conditions.pickCumulative(this.tierCumulative);
    const hard = conditions.uniform() < this.hardToMatchShare;
    const group = conditions.pickCumulative(this.groupCumulative);
    const years = (conditions.uniform() * this.enrolledMonthsAgoMax * MONTH_DAYS + conditions.uniform() * this.days) / YEAR_DAYS;
    const night = conditions.uniform() < this.nightAttemptShare;
    this.group = group;
    this.noiseBase = this.tierNoise[tier]! * (hard ? this.hardToMatchNoiseFactor : 1) * this.genuineNoise[group]! * (1 + this.ageingNoisePerYear * years);
    this.poorShare = night ? this.poorCaptureAtNight : this.poorCapture;
    this.previousPoor = false;
    this.kernel.startWindow(initialError);
  }

  /** Attempt k's draws: those of drawGenuineSample / drawImpostorSample, in their order (z₁ is integrated out, not used). */
  drawAttempt(k: number, impostor: boolean): void {
    const stream = this.attemptStreams[k]!;
    // An attempt after the first follows a failed one (for any threshold at which it matters).
    const repeatDraw = k === 0 ? 1 : stream.uniform();
    const poorDraw = stream.uniform();
    const poor = this.face && ((this.previousPoor && repeatDraw < this.poorLightOnRetry) || poorDraw < this.poorShare);
    const sigma = this.noiseBase * (poor ? this.poorCaptureNoiseFactor : 1);
    stream.normal();
    this.z2 = impostor ? stream.normal() : 0;
    this.residual = sigma * sigma * stream.chiSquare(impostor ? this.dimension - 2 : this.dimension - 1);
    this.sigma = sigma;
    this.previousPoor = poor;
  }

  /** Adds the window's error probabilities after attempt k to its group's sums. */
  addAttempt(k: number): void {
    const { sum, sumOfSquares } = this.sums;
    const windowError = this.kernel.windowError;
    const width = this.width;
    const into = (this.group * this.attempts + k) * width;
    for (let j = 0; j < width; j++) {
      const e = windowError[j]!;
      sum[into + j] = sum[into + j]! + e;
      sumOfSquares[into + j] = sumOfSquares[into + j]! + e * e;
    }
  }

  endWindow(): void {
    const windows = this.sums.windows;
    windows[this.group] = windows[this.group]! + 1;
  }
}

/**
 * An impostor window's ρ at each node: the stranger's ρ is drawn (keeping the draws after it, as in
 * the fleet, where one impostor answers every attempt of the window), then integrated over; a
 * look-alike's is pulled towards the participant's by `correlation`.
 */
function placeStranger(draws: ChunkDraws): void {
  const { strangerRho } = draws;
  const { rhos, acrosses } = draws.kernel;
  // Read here, from the array, so that V8 sees a double even when it is 0 (passed as an argument, a 0 would arrive as a small integer).
  const correlation = draws.impostorCorrelation[draws.group]!;
  drawImpostorRho(draws.conditions, draws.dimension, correlation > 0, correlation);
  const pulled = Math.sqrt(1 - correlation * correlation);
  for (let n = 0; n < rhos.length; n++) {
    const rho = Math.max(-1, Math.min(1, correlation + pulled * strangerRho[n]!));
    rhos[n] = rho;
    acrosses[n] = Math.sqrt(Math.max(0, 1 - rho * rho));
  }
}

/** Sums over the windows of `group` (all groups when undefined) at threshold `thresholds[j]` within their first k attempts. */
export function stratumSums(study: ScoreStudy, modality: StudyModality, stratum: Stratum, j: number, k: number, group?: number): { windows: number; sum: number; sumOfSquares: number } {
  const { windows, sum, sumOfSquares } = study.sums[modality][stratum];
  const width = study.thresholds.length;
  const attempts = study.inputs.attempts;
  const total = { windows: 0, sum: 0, sumOfSquares: 0 };
  for (let g = 0; g < study.groups.length; g++) {
    if (group !== undefined && g !== group) continue;
    const index = (g * attempts + (k - 1)) * width + j;
    total.windows += windows[g]!;
    total.sum += sum[index]!;
    total.sumOfSquares += sumOfSquares[index]!;
  }
  return total;
}
