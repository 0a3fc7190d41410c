import { drawImpostorRho, similarityOf } from '../behaviour/biometrics.ts';
import { studyStream, type RandomStream } from '../rng/index.ts';
import { DEVICE_TIERS, cumulativeShares } from '../../scenarios/catalog.ts';
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
 * - Windows are drawn in chunks of CHUNK_WINDOWS; a chunk's draws depend on its key alone, so the
 *   counts do not depend on how (or on how many threads) chunks are run.
 * - Attempt k of every window of a chunk draws from a stream of its own: the first k attempts of a
 *   window are the same whatever the number of attempts drawn, so one study serves every
 *   `policy.maxAttempts` up to the number it drew.
 * - No threshold enters a draw: one study serves every threshold; counts are kept for a sorted list
 *   of thresholds given when counting.
 */

export const MODALITIES = ['face', 'voice'] as const;
export type StudyModality = (typeof MODALITIES)[number];
/** Genuine windows; impostor windows of random strangers; impostor windows of look-alikes. */
export const STRATA = ['genuine', 'random', 'lookAlike'] as const;
export type Stratum = (typeof STRATA)[number];

/** Windows per chunk: each chunk has streams of its own, and is the unit study-pool.ts hands to a thread. */
export const CHUNK_WINDOWS = 250_000;

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
 * Counts of one stratum: for group g, the first k attempts (1 ≤ k ≤ attempts) and i in 0..T, how many
 * windows had exactly i thresholds at or below their best score over those attempts. A window matches
 * at threshold j (0-based, ascending) when its i > j.
 */
export interface StratumCounts {
  windows: number[];
  /** index ((g · attempts) + (k − 1)) · (T + 1) + i. */
  bins: Float64Array;
}

export interface ScoreStudy {
  inputs: StudyInputs;
  /** Ascending, distinct. */
  thresholds: number[];
  /** Group names; one group named 'all' when the scenario has none. */
  groups: string[];
  counts: Record<StudyModality, Record<Stratum, StratumCounts>>;
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

/** Ascending, distinct: the form every count is kept in. */
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
  return assembleStudy(inputs, thresholds, chunks, chunks.map((chunk) => countChunk(inputs, thresholds, chunk)));
}

/**
 * A study from its chunks' counts, however they were drawn: counts are whole numbers far below 2^53,
 * so their sums are exact and the same in any order. Strata without chunks (a modality left out) stay
 * empty.
 */
export function assembleStudy(inputs: StudyInputs, thresholds: number[], chunks: readonly StudyChunk[], chunkCounts: readonly StratumCounts[]): ScoreStudy {
  const groups = studyGroups(inputs);
  const size = groups.length * inputs.attempts * (thresholds.length + 1);
  const counts = {} as ScoreStudy['counts'];
  for (const modality of MODALITIES) {
    counts[modality] = {} as Record<Stratum, StratumCounts>;
    for (const stratum of STRATA) counts[modality][stratum] = { windows: groups.map(() => 0), bins: new Float64Array(size) };
  }
  let scores = 0;
  chunks.forEach((chunk, index) => {
    const into = counts[chunk.modality][chunk.stratum];
    const from = chunkCounts[index]!;
    from.windows.forEach((windows, group) => (into.windows[group] = into.windows[group]! + windows));
    for (let i = 0; i < size; i++) into.bins[i] = into.bins[i]! + from.bins[i]!;
    scores += chunk.windows * inputs.attempts;
  });
  return { inputs, thresholds, groups: groups.map((group) => group.name), counts, scores };
}

/**
 * Draws one chunk's windows and counts them (thresholds ascending). The hot loop of the study: the
 * draws and score of biometrics.ts, with no object per attempt; what does not change within a window
 * is computed once.
 */
export function countChunk(inputs: StudyInputs, thresholds: readonly number[], { modality, stratum, chunk, windows }: StudyChunk): StratumCounts {
  const { biometrics, attempts } = inputs;
  const groups = studyGroups(inputs);
  const groupCumulative = cumulativeShares(groups.map((group) => group.share));
  const tierCumulative = cumulativeShares(DEVICE_TIERS.map((tier) => inputs.deviceTier[tier]));
  const width = thresholds.length + 1;
  const result: StratumCounts = { windows: groups.map(() => 0), bins: new Float64Array(groups.length * attempts * width) };
  const { bins } = result;
  const key = `${modality}/${stratum}/${chunk}`;
  const conditions = studyStream(inputs.seed, `${key}/conditions`);
  const attemptStreams: RandomStream[] = Array.from({ length: attempts }, (_, k) => studyStream(inputs.seed, `${key}/attempt${k + 1}`));
  const face = modality === 'face';
  const impostor = stratum !== 'genuine';
  const lookAlike = stratum === 'lookAlike';
  const tierNoise = DEVICE_TIERS.map((tier) => (face ? biometrics.faceNoise * biometrics.tierNoiseFactor[tier] : biometrics.voiceNoise));
  const genuineNoise = groups.map((group) => group.genuineNoiseFactor);
  const impostorCorrelation = groups.map((group) => group.impostorCorrelation);
  const { dimension, hardToMatchShare, hardToMatchNoiseFactor, ageingNoisePerYear, poorCapture, poorCaptureAtNight, poorCaptureNoiseFactor } = biometrics;
  const { nightAttemptShare } = inputs.verification;
  const { enrolledMonthsAgoMax, days, poorLightOnRetry, lookAlikeCorrelation } = inputs;
  for (let w = 0; w < windows; w++) {
    // The conditions of the window, always the same draws: whose account, on which phone, how long since enrolment, by day or night.
    const tier = conditions.pickCumulative(tierCumulative);
    const hard = conditions.uniform() < hardToMatchShare;
    const group = conditions.pickCumulative(groupCumulative);
    const years = (conditions.uniform() * enrolledMonthsAgoMax * MONTH_DAYS + conditions.uniform() * days) / YEAR_DAYS;
    const night = conditions.uniform() < nightAttemptShare;
    const correlation = lookAlike ? lookAlikeCorrelation : impostorCorrelation[group]!;
    // One impostor answers every attempt of the window, as in the fleet.
    const rho = impostor ? drawImpostorRho(conditions, dimension, correlation > 0, correlation) : 1;
    const noiseBase = tierNoise[tier]! * (hard ? hardToMatchNoiseFactor : 1) * genuineNoise[group]! * (1 + ageingNoisePerYear * years);
    const poorShare = night ? poorCaptureAtNight : poorCapture;
    let previousPoor = false;
    let best = 0;
    const offset = group * attempts * width;
    for (let k = 0; k < attempts; k++) {
      const stream = attemptStreams[k]!;
      // An attempt after the first follows a failed one (for any threshold at which it matters).
      const repeatDraw = k === 0 ? 1 : stream.uniform();
      const poorDraw = stream.uniform();
      const poor: boolean = face && ((previousPoor && repeatDraw < poorLightOnRetry) || poorDraw < poorShare);
      const sigma = noiseBase * (poor ? poorCaptureNoiseFactor : 1);
      // The draws of drawGenuineSample / drawImpostorSample, in their order.
      const z1 = stream.normal();
      const z2 = impostor ? stream.normal() : 0;
      const rest = stream.chiSquare(impostor ? dimension - 2 : dimension - 1);
      const index = thresholdsAtOrBelow(thresholds, similarityOf(rho, sigma, z1, z2, rest));
      if (index > best) best = index;
      const bin = offset + k * width + best;
      bins[bin] = bins[bin]! + 1;
      previousPoor = poor;
    }
    result.windows[group] = result.windows[group]! + 1;
  }
  return result;
}

/** How many of the ascending thresholds are ≤ score (the server matches when score ≥ threshold). */
function thresholdsAtOrBelow(thresholds: readonly number[], score: number): number {
  let low = 0;
  let high = thresholds.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (thresholds[mid]! <= score) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Windows of `group` (all groups when undefined) that matched at threshold `thresholds[j]` within
 * their first k attempts.
 */
export function matchedWindows(study: ScoreStudy, modality: StudyModality, stratum: Stratum, j: number, k: number, group?: number): { matched: number; windows: number } {
  const { bins, windows } = study.counts[modality][stratum];
  const width = study.thresholds.length + 1;
  const attempts = study.inputs.attempts;
  let matched = 0;
  let total = 0;
  for (let g = 0; g < study.groups.length; g++) {
    if (group !== undefined && g !== group) continue;
    const offset = (g * attempts + (k - 1)) * width;
    for (let i = j + 1; i < width; i++) matched += bins[offset + i]!;
    total += windows[g]!;
  }
  return { matched, windows: total };
}
