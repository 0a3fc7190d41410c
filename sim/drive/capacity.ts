import { simulateShard } from '../engine/simulate-shard.ts';
import { MINUTE_MS } from '../virtual-time.ts';
import { runDrive, type DriveOptions } from './run-drive.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import type { LoadSummary } from '../metrics/load-metrics.ts';

/** The busiest stretch of a scenario's schedule, in requests per participant per virtual second. */
export interface PeakRate {
  /** Virtual instant the busiest bin starts. */
  from: number;
  perParticipantRps: number;
  binMinutes: number;
  /** Requests per participant in each bin of the period: the schedule's rate curve. */
  perParticipantPerBin: number[];
}

export interface CapacityStep {
  compression: number;
  intendedRps: number;
  achievedRps: number;
  /** Answers in the step's busiest second (its timeline's highest achieved rate). */
  peakSecondRps: number;
  /** Requests due in the step's busiest second by the schedule. */
  peakSecondIntendedRps: number;
  p99Ms: number;
  /** Latency percentiles from the intended send instants (ms), p99Ms among them. */
  latencyMs: LoadSummary['latencyMs'];
  errorRatio: number;
  /** Errors by kind (`http_503_overloaded`, `timeout`, …); empty when there were none. */
  errors: Record<string, number>;
  held: boolean;
  /** Why the step broke the SLO, when it did. */
  broke?: string;
}

export interface CapacityResult {
  slo: { p99Ms: number; maxErrorRatio: number };
  participantsDriven: number;
  peak: PeakRate;
  steps: CapacityStep[];
  /** The highest request rate the server answered within the SLO. */
  maxRpsHeld: number;
  /** The largest fleet whose busiest real-time hour stays within that rate. */
  maxParticipants: number;
  confirmation?: CapacityStep;
}

export interface CapacityOptions {
  sloP99Ms: number;
  maxErrorRatio: number;
  /** Wall seconds each step drives. */
  stepSeconds: number;
  startRps: number;
  growth: number;
  maxSteps: number;
  /** Participants enrolled and driven at each step (the rate comes from the compression). */
  participants: number;
  drive: Pick<DriveOptions, 'connections' | 'requestTimeoutMs' | 'lateAfterMs' | 'maxLagMs' | 'maxLagForMs' | 'target'>;
  onStep?: (step: CapacityStep, index: number) => void;
}

const PEAK_BIN_MINUTES = 15;
const PEAK_SAMPLE = 20_000;
/** The reference server's clock accepts factors up to this. */
const MAX_COMPRESSION = 1_000_000;

/**
 * Measures the schedule's busiest 15 virtual minutes in sim mode (no network): attempts per
 * participant per virtual second. At compression 1 a fleet of N sends N × this at its peak.
 */
export function peakRate(scenario: Scenario): PeakRate {
  const sample = Math.min(scenario.participants, PEAK_SAMPLE);
  const binMs = PEAK_BIN_MINUTES * MINUTE_MS;
  const bins = new Float64Array(Math.ceil((scenario.days * 24 * 60) / PEAK_BIN_MINUTES) + 1);
  simulateShard({ ...scenario, participants: sample }, { shardIndex: 0, firstId: 0, size: sample }, { onAttempt: (at) => bins[Math.floor(at / binMs)]!++ });
  let peak = 0;
  bins.forEach((count, index) => {
    if (count > bins[peak]!) peak = index;
  });
  return {
    from: peak * binMs,
    perParticipantRps: bins[peak]! / (binMs / 1000) / sample,
    binMinutes: PEAK_BIN_MINUTES,
    perParticipantPerBin: Array.from(bins, (count) => count / sample),
  };
}

/**
 * The busiest span of `bins` whole bins: where it starts and how many requests per participant it
 * holds (a sliding-window maximum over prefix sums).
 */
function busiestSpan(peak: PeakRate, bins: number): { from: number; perParticipant: number } {
  const curve = peak.perParticipantPerBin;
  const width = Math.max(1, Math.min(bins, curve.length));
  let sum = curve.slice(0, width).reduce((total, value) => total + value, 0);
  let best = { start: 0, sum };
  for (let start = 1; start + width <= curve.length; start++) {
    sum += curve[start + width - 1]! - curve[start - 1]!;
    if (sum > best.sum) best = { start, sum };
  }
  return { from: best.start * peak.binMinutes * MINUTE_MS, perParticipant: best.sum };
}

/**
 * The compression at which `participants` send `targetRps` over a step of `seconds` of wall time,
 * driving the busiest span of the schedule that the step covers (bisection: the rate grows with the
 * compression, since a longer span holds more requests).
 */
function stepFor(peak: PeakRate, participants: number, targetRps: number, seconds: number): { compression: number; from: number } {
  const binMs = peak.binMinutes * MINUTE_MS;
  const rateAt = (compression: number) => (participants * busiestSpan(peak, Math.ceil((seconds * 1000 * compression) / binMs)).perParticipant) / seconds;
  let low = 1;
  let high = MAX_COMPRESSION;
  if (rateAt(high) < targetRps) return { compression: high, from: busiestSpan(peak, Math.ceil((seconds * 1000 * high) / binMs)).from };
  for (let iteration = 0; iteration < 60 && high / low > 1.001; iteration++) {
    const middle = Math.sqrt(low * high);
    if (rateAt(middle) < targetRps) low = middle;
    else high = middle;
  }
  return { compression: high, from: busiestSpan(peak, Math.ceil((seconds * 1000 * high) / binMs)).from };
}

/**
 * Steps the arrival rate up — each step a drive of the schedule's busiest span at the compression
 * that gives the step's rate — until the SLO breaks; converts the highest rate held into a fleet
 * size with the scenario's own peak rate per participant (its busiest 15 minutes at real time); then
 * confirms that rate with a run twice as long.
 */
export async function findCapacity(scenario: Scenario, options: CapacityOptions): Promise<CapacityResult> {
  const peak = peakRate(scenario);
  const driven: Scenario = { ...scenario, participants: options.participants };
  const steps: CapacityStep[] = [];
  let maxRpsHeld = 0;
  for (let index = 0, rps = options.startRps; index < options.maxSteps; index++, rps *= options.growth) {
    const { compression, from } = stepFor(peak, options.participants, rps, options.stepSeconds);
    if (steps.length > 0 && compression >= MAX_COMPRESSION) break;
    const step = await driveStep(driven, from, compression, options.stepSeconds, options);
    steps.push(step);
    options.onStep?.(step, index);
    if (!step.held) break;
    maxRpsHeld = Math.max(maxRpsHeld, step.intendedRps);
  }
  const result: CapacityResult = {
    slo: { p99Ms: options.sloP99Ms, maxErrorRatio: options.maxErrorRatio },
    participantsDriven: options.participants,
    peak,
    steps,
    maxRpsHeld,
    maxParticipants: maxRpsHeld === 0 ? 0 : Math.floor(maxRpsHeld / peak.perParticipantRps),
  };
  if (maxRpsHeld > 0) {
    const { compression, from } = stepFor(peak, options.participants, maxRpsHeld, 2 * options.stepSeconds);
    result.confirmation = await driveStep(driven, from, compression, 2 * options.stepSeconds, options);
  }
  return result;
}

async function driveStep(scenario: Scenario, from: number, compression: number, seconds: number, options: CapacityOptions): Promise<CapacityStep> {
  const result = await runDrive(scenario, {
    ...options.drive,
    compression,
    slice: { from, to: from + seconds * 1000 * compression },
  });
  return judgeStep(compression, result.load, options);
}

export function judgeStep(compression: number, load: LoadSummary, slo: { sloP99Ms: number; maxErrorRatio: number }): CapacityStep {
  const errors = Object.values(load.errors).reduce((sum, count) => sum + count, 0);
  const errorRatio = load.requests === 0 ? 0 : errors / load.requests;
  const reasons = [
    load.aborted,
    load.latencyMs.p99 > slo.sloP99Ms ? `p99 ${load.latencyMs.p99} ms > ${slo.sloP99Ms} ms` : undefined,
    errorRatio > slo.maxErrorRatio ? `errors ${(100 * errorRatio).toFixed(2)} % > ${(100 * slo.maxErrorRatio).toFixed(2)} %` : undefined,
    load.requests === 0 ? 'no requests in the step' : undefined,
  ].filter((reason): reason is string => reason !== undefined);
  return {
    compression,
    intendedRps: load.intendedRps,
    achievedRps: load.achievedRps,
    peakSecondRps: load.timeline.reduce((peak, second) => Math.max(peak, second.achievedRps), 0),
    peakSecondIntendedRps: load.timeline.reduce((peak, second) => Math.max(peak, second.intendedRps), 0),
    p99Ms: load.latencyMs.p99,
    latencyMs: load.latencyMs,
    errorRatio,
    errors: load.errors,
    held: reasons.length === 0,
    ...(reasons.length > 0 && { broke: reasons.join('; ') }),
  };
}
